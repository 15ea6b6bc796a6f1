"""Issue #10's targets on the held-out part of the corpus, whole pipeline, default settings (as
`make eval --part heldout` measures them, the English classifier off as shipped): recall ≥ 0.9
in each language × category, false holds ≤ 0.05 and content warnings ≤ 0.05 on honest posts.

Targets not met yet are strict xfails, one per cell (`UNMET`): the day a cell passes, its xfail
fails the suite and the cell comes off the list, so met targets stay met. Floors at today's level
(`FLOORS`, measured 2026-12-03 after the first detectors of #10) fail on any regression meanwhile.
The assertions name rates and counts only: the held-out posts are never printed (eval/README.md).
"""

from __future__ import annotations

import pytest

from eval.corpus import CATEGORIES, PUBLISH, load_part
from eval.scoring import LANGS, TARGET_FALSE_HOLDS, TARGET_RECALL, TARGET_WARNINGS
from eval.scoring import false_holds as false_hold_rate
from eval.scoring import recall as recall_rate
from eval.scoring import warnings as warning_rate
from eval.screening import Screened, screen_all

MUST_STOP_OR_CARE = CATEGORIES[:7]
# (language, category) cells below the recall target; remove a cell once it passes.
# 2026-12-03, branch detectors2: en harassment passed (0.91) with the English classifier on;
# zh and mixed doxxing fell below (0.86, 0.81) with the retrained model and the narrowed
# friendly-phrase threats. Branch modsettings: as shipped the classifier is off, and en
# harassment is at 0.86 without it (the one held-out post it adds is in this cell). Then the
# model's stop head became stricter (1 % out-of-fold false positives instead of 1.5 %, and only
# texts of six words or more: decision 0009): zh hate and en doxxing fell below (0.82, 0.86),
# overall recall 0.824 -> 0.798 for false holds 0.048 -> 0.040. Then its features left links and
# Latin letters-as-characters out (retrained): 0.822 / 0.038, zh and mixed hate back above 0.9.
# Then the model was retrained on dev plus two independently written training parts (train2,
# train3; 3,269 more posts): zh doxxing and zh self-harm passed, zh hate fell to 0.86 (19/22);
# with its care head at 1 % out-of-fold false positives (was 0.5 %), mixed self-harm passed.
# Branch targets: veiled threats and exposure as families in targets.py: mixed threat passed;
# then harassment without swear words as families: mixed harassment and en hate passed.
# Session 3: the model retrained with train4 as well (6,305 posts): en doxxing and zh hate passed.
UNMET = {
    ("en", "harassment"), ("en", "selfharm"), ("en", "sexual"),
    ("en", "threat"), ("zh", "harassment"), ("zh", "sexual"),
    ("zh", "spam"), ("mixed", "doxxing"),
}  # fmt: skip
FALSE_HOLDS_MET = True  # 0.038 on 2026-12-03 with the stricter model head (0.066 at first)
# Today's values with a small margin: a change that makes moderation worse fails here.
FLOORS = {"recall": 0.80, "false_holds": TARGET_FALSE_HOLDS, "warnings": TARGET_WARNINGS}


@pytest.fixture(scope="module")
def heldout() -> list[Screened]:
    return screen_all(load_part("heldout"), classifier=False).screened


def _xfail_unless(met: bool, reason: str) -> list[pytest.MarkDecorator]:
    return [] if met else [pytest.mark.xfail(strict=True, reason=reason)]


CELLS = [
    pytest.param(
        lang,
        category,
        marks=_xfail_unless(
            (lang, category) not in UNMET, f"{category} in {lang}: recall below 0.9 (issue #10)"
        ),
        id=f"{lang}-{category}",
    )
    for category in MUST_STOP_OR_CARE
    for lang in LANGS
]


@pytest.mark.parametrize(("lang", "category"), CELLS)
def test_recall_reaches_target_in_each_language_and_category(
    heldout: list[Screened], lang: str, category: str
) -> None:
    cell = [s for s in heldout if s.post.lang == lang and s.post.category == category]
    rate = recall_rate(cell)
    assert rate.total >= 20
    assert rate.value >= TARGET_RECALL, f"recall {rate.hits}/{rate.total}"


@pytest.mark.xfail(not FALSE_HOLDS_MET, strict=True, reason="false holds above 0.05 (issue #10)")
def test_false_holds_stay_within_target(heldout: list[Screened]) -> None:
    rate = false_hold_rate(heldout)
    assert rate.total >= 400 and rate.total == sum(s.post.expect == PUBLISH for s in heldout)
    assert rate.value <= TARGET_FALSE_HOLDS, f"false holds {rate.hits}/{rate.total}"


def test_content_warnings_on_honest_posts_stay_within_target(heldout: list[Screened]) -> None:
    rate = warning_rate(heldout)
    assert rate.value <= TARGET_WARNINGS, f"warnings {rate.hits}/{rate.total}"


def test_no_regression_below_todays_floors(heldout: list[Screened]) -> None:
    recall, holds = recall_rate(heldout), false_hold_rate(heldout)
    assert recall.value >= FLOORS["recall"], f"recall {recall.hits}/{recall.total}"
    assert holds.value <= FLOORS["false_holds"], f"false holds {holds.hits}/{holds.total}"
    assert warning_rate(heldout).value <= FLOORS["warnings"]
