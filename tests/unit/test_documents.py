"""JSON documents: compared by meaning, refused when they are not JSON (pure functions of awsstate.canonical)."""

from __future__ import annotations

import pytest

from awsstate.canonical import MAX_JSON_DEPTH, canonical_document, check_json, load_json


@pytest.mark.parametrize(("given", "as_aws_hands_it_back"), [
    ({"numRetries": 20}, {"numRetries": "20"}),
    ({"minDelayTarget": 1.0}, {"minDelayTarget": 1}),
    ({"x": 1.5}, {"x": "1.5"}),
    ({"disableSubscriptionOverrides": False}, {"disableSubscriptionOverrides": "false"}),
    ({"a": [1, "LINEAR"]}, {"a": ["1", "LINEAR"]}),
])
def test_numbers_and_booleans_given_as_strings_compare_equal(given: object, as_aws_hands_it_back: object) -> None:
    assert canonical_document(given) == canonical_document(as_aws_hands_it_back)


@pytest.mark.parametrize("text", ["LINEAR", " 20", "+1", "nan", "0x10", ""])
def test_text_that_is_not_a_plain_number_stays_text(text: str) -> None:
    assert canonical_document({"k": text}) == {"k": text}


def test_without_scalar_coercion_strings_stay_strings_but_numbers_compare_by_value() -> None:
    assert canonical_document({"a": "1"}, scalars_as_strings=False) == {"a": "1"}
    assert canonical_document({"a": 1.0}, scalars_as_strings=False) == {"a": 1}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"a": [float("-inf")]}, {1: "x"}, {"a": {1, 2}}])
def test_what_json_cannot_represent_is_refused_saying_where(bad: object) -> None:
    with pytest.raises(ValueError, match=r"\$"):
        check_json(bad)


def test_nesting_is_checked_without_recursion_and_refused_past_the_limit() -> None:
    deep: object = "x"
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ValueError, match=f"more than {MAX_JSON_DEPTH} levels"):
        check_json(deep)
    with pytest.raises(ValueError, match="levels deep"):
        load_json("[" * 10_000 + "]" * 10_000)
    with pytest.raises(ValueError, match="not valid JSON"):
        load_json('{"a": NaN}')
