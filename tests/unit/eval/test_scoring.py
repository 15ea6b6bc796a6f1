"""What counts as caught, a false hold and a warning in `make eval`, and the held-out rule of its
command line."""

from __future__ import annotations

import pytest

from eval.corpus import Post
from eval.run import main
from eval.scoring import false_holds, percentile, recall, summary, warnings
from eval.screening import Screened


def screened(category: str, expect: str, outcome: str, help_shown: bool = False) -> Screened:
    post = Post("d-9999", "dev", "en", category, expect, ("leet",), "text")
    return Screened(post, outcome, help_shown, "words", "", 1.0)


def test_must_stop_post_is_caught_when_held_or_rejected() -> None:
    items = [
        screened("threat", "stop", "hold"),
        screened("threat", "stop", "reject"),
        screened("threat", "stop", "publish_with_warning"),
        screened("threat", "stop", "publish"),
    ]
    assert (recall(items).hits, recall(items).total) == (2, 4)


def test_self_harm_post_is_caught_when_the_help_page_shows() -> None:
    shown = screened("selfharm", "care", "hold", help_shown=True)
    held_without_help = screened("selfharm", "care", "hold")
    assert shown.caught and not held_without_help.caught


def test_honest_post_shown_the_help_page_is_a_false_hold_and_a_warning_is_counted_apart() -> None:
    items = [
        screened("tricky", "publish", "hold", help_shown=True),
        screened("tricky", "publish", "publish", help_shown=True),
        screened("venting", "publish", "publish_with_warning"),
        screened("benign", "publish", "publish"),
    ]
    assert false_holds(items).hits == 2 and warnings(items).hits == 1
    assert recall(items).total == 0


def test_summary_splits_cells_and_evasions() -> None:
    result = summary([screened("threat", "stop", "hold"), screened("benign", "publish", "hold")])
    cells = {(c["lang"], c["category"]): c for c in result["cells"]}
    assert cells[("en", "threat")]["recall"]["rate"] == 1.0
    assert cells[("en", "benign")]["false_holds"]["rate"] == 1.0
    assert result["evasions"]["leet"]["recall"]["hits"] == 1


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.99) == 99
    assert percentile([], 0.99) == 0


@pytest.mark.parametrize("part", ["heldout", "heldout2", "heldout3", "all"])
def test_misses_are_refused_outside_the_parts_one_may_read(part: str) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--part", part, "--misses"])
    assert refused.value.code == 2
