from __future__ import annotations

from app.moderation.decision import ALLOW, HOLD
from app.moderation.model import CARE, STOP, Head, Model, check_model, default_model, features
from app.moderation.normalize import normalize


def test_features_read_the_evasion_free_forms() -> None:
    spaced = features(normalize("你 是 个 废 物"))
    plain = features(normalize("你是个废物"))
    assert "c废物" in plain and plain <= spaced
    assert "wloser" in features(normalize("ｌｏｓｅｒ"))
    assert "byou are" in features(normalize("u r"))


def test_a_head_flags_at_its_threshold() -> None:
    model = Model({STOP: Head(-2.0, {"c废物": 3.0}, 0.7), CARE: Head(-5.0, {}, 0.5)})
    assert check_model(normalize("你是个废物"), model).action == HOLD
    assert check_model(normalize("今天天气很好"), model).action == ALLOW
    assert model.flags(normalize("你是个废物")) == {STOP}


def test_the_shipped_weights_load_with_both_heads() -> None:
    model = default_model()
    assert model is not None
    assert set(model.heads) == {STOP, CARE}
    assert all(0.5 <= head.threshold <= 1 for head in model.heads.values())
