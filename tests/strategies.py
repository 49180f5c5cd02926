"""Hypothesis strategies shared by the fuzz and export suites: valid random desired states of any kind."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.examples import KindExamples

__all__ = ["CONTROL_CHARACTERS", "NOT_JSON_NUMBERS", "REGION", "TAG_TEXT", "arn_leaves", "bounds", "deep_documents",
           "document_leaves", "replace", "valid_desired"]

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


NOT_JSON_NUMBERS = st.sampled_from([float("nan"), float("inf"), float("-inf")])
"""Floats Python has and JSON (and AWS) does not."""
CONTROL_CHARACTERS = st.sampled_from([chr(c) for c in (*range(0, 32), 127)])


def deep_documents(min_depth: int = 65, max_depth: int = 5000) -> st.SearchStrategy[Any]:
    """JSON nested ``min_depth`` to ``max_depth`` levels deep (objects or arrays)."""

    def build(depth: int, arrays: bool) -> Any:
        value: Any = "x"
        for _ in range(depth):
            value = [value] if arrays else {"a": value}
        return value

    return st.builds(build, st.integers(min_value=min_depth, max_value=max_depth), st.booleans())


Path = tuple[Any, ...]


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def _documents(model: BaseModel, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(path, dumped value) of every JSON document field (a plain mapping other than tags) at any depth."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list | tuple) else [value]
        if isinstance(value, dict) and name != "tags":
            yield (*path, name), model.model_dump(mode="json")[name]
        for index, item in enumerate(items):
            if isinstance(item, BaseModel):
                yield from _documents(item, (*path, name, index) if isinstance(value, list | tuple) else (*path, name))


def document_leaves(desired: BaseModel) -> list[Path]:
    """Paths (in ``desired.model_dump()``) of every scalar inside a JSON document field."""
    return [(*root, *inner) for root, document in _documents(desired)
            for inner, leaf in _walk(document, ()) if not isinstance(leaf, dict | list)]


_ARN_KEYS = ("Resource", "NotResource", "Principal", "NotPrincipal")


def arn_leaves(desired: BaseModel) -> list[Path]:
    """Paths of every ARN in ``desired.model_dump()``: in fields, and as a document's resource or principal
    (not inside conditions, whose values are free text to AWS)."""
    documents = [root for root, _ in _documents(desired)]
    found = []
    for path, value in _walk(desired.model_dump(mode="json"), ()):
        if not (isinstance(value, str) and value.startswith("arn:")):
            continue
        inside = next((root for root in documents if path[:len(root)] == root), None)
        if inside is None or any(key in path[len(inside):] for key in _ARN_KEYS):
            found.append(path)
    return found


def replace(data: Any, path: Path, value: Any) -> Any:
    """``data`` (dumped JSON) with the value at ``path`` replaced."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: replace(data[head], rest, value)}
    return [replace(item, rest, value) if index == head else item for index, item in enumerate(data)]
