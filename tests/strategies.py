"""Hypothesis strategies shared by the fuzz and export suites: valid random desired states of any kind."""

from __future__ import annotations

import math
from typing import Any

import annotated_types
from hypothesis import strategies as st

from tests.examples import KindExamples

__all__ = ["REGION", "TAG_TEXT", "bounds", "valid_desired"]

REGION = "eu-west-1"
TAG_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 _.:/=+-@", max_size=30)
"""Tag keys and values AWS accepts."""


def bounds(example: KindExamples, field: str) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for rule in example.manager.spec.desired_model.model_fields[field].metadata:
        if isinstance(rule, annotated_types.Ge):
            low = float(rule.ge)
        elif isinstance(rule, annotated_types.Le):
            high = float(rule.le)
    return low, high


def valid_desired(example: KindExamples) -> st.SearchStrategy[dict[str, Any]]:
    """Field by field: unset, or a value one of the examples uses, or a random value that is valid."""
    model = example.manager.spec.desired_model
    samples = [getattr(example, variant)(example.name("fuzz"), REGION) for variant in ("minimal", "full", "update")]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in model.model_fields:
        if field in ("name", "state"):
            continue
        seen = []
        for sample in samples:
            value = sample.model_dump()[field]
            if value not in seen:
                seen.append(value)
        options: list[st.SearchStrategy[Any]] = [st.sampled_from(seen)]
        if field == "tags":
            options.append(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_.:/=+@-]{0,20}", fullmatch=True),
                                           TAG_TEXT, max_size=8))
        elif any(isinstance(value, int) and not isinstance(value, bool) for value in seen):
            low, high = bounds(example, field)
            if low > -math.inf and high < math.inf:
                options.append(st.integers(min_value=int(low), max_value=int(high)))
        fields[field] = st.one_of(options)
    token = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
    return st.fixed_dictionaries({"name": token.map(example.name), **fields})
