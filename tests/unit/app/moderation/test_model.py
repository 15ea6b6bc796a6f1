from __future__ import annotations

from app.moderation.decision import ALLOW, HOLD
from app.moderation.model import (
    CARE,
    STOP,
    Head,
    Model,
    check_model,
    default_model,
    features,
    model_says_care,
    shipped_threshold,
)
from app.moderation.normalize import normalize


def test_features_read_the_evasion_free_forms() -> None:
    spaced = features(normalize("你 是 个 废 物"))
    plain = features(normalize("你是个废物"))
    assert "c废物" in plain and plain <= spaced
    assert "wloser" in features(normalize("ｌｏｓｅｒ"))
    assert "byou are" in features(normalize("u r"))


INSULT = "你是个废物，全班同学都知道你就是个废物"  # long enough for the stop head to judge


def test_a_head_flags_at_its_threshold() -> None:
    model = Model({STOP: Head(-2.0, {"c废物": 3.0}, 0.7), CARE: Head(-5.0, {}, 0.5)})
    assert check_model(normalize(INSULT), model).action == HOLD
    assert check_model(normalize("今天天气很好，我们一起去公园散步吧"), model).action == ALLOW
    assert model.flags(normalize(INSULT)) == {STOP}


def test_the_stop_head_leaves_short_texts_to_the_rules() -> None:
    """Six words or twelve Chinese characters at least: below that a few n-grams decide alone."""
    model = Model({STOP: Head(-2.0, {"c废物": 3.0, "walone": 3.0}, 0.7)})
    assert model.flags(normalize("你是个废物")) == {STOP}, "the head itself would flag it"
    assert check_model(normalize("你是个废物"), model).action == ALLOW
    assert check_model(normalize("You are not alone."), model).action == ALLOW
    longer = "You are not alone, whatever they told you."
    assert check_model(normalize(longer), model).action == HOLD


def test_the_shipped_weights_load_with_both_heads() -> None:
    model = default_model()
    assert model is not None
    assert set(model.heads) == {STOP, CARE}
    assert all(0.5 <= head.threshold <= 1 for head in model.heads.values())


def test_an_admin_threshold_replaces_the_shipped_one_and_one_turns_a_head_off() -> None:
    # sigmoid(-2 + 3) ≈ 0.73 for the stop head; sigmoid(-1 + 4) ≈ 0.95 for the care head.
    model = Model({STOP: Head(-2.0, {"c废物": 3.0}, 0.7), CARE: Head(-1.0, {"c想死": 4.0}, 0.9)})
    insult = normalize(INSULT)
    assert check_model(insult, model, threshold=None).action == HOLD
    assert check_model(insult, model, threshold=0.8).action == ALLOW
    assert check_model(insult, model, threshold=0.5).action == HOLD
    assert check_model(insult, model, threshold=1.0).action == ALLOW
    despair = normalize("我想死")
    assert model_says_care(despair, model)
    assert not model_says_care(despair, model, threshold=0.99)
    assert not model_says_care(despair, model, threshold=1.0)
    # A head that scores every text near 1 is still off at 1.
    certain = Model({STOP: Head(50.0, {}, 0.7)})
    assert check_model(insult, certain, threshold=1.0).action == ALLOW


def test_the_shipped_thresholds_are_what_the_admin_page_offers_as_default() -> None:
    model = default_model()
    assert model is not None
    assert shipped_threshold(STOP) == model.heads[STOP].threshold
    assert shipped_threshold(CARE) == model.heads[CARE].threshold
