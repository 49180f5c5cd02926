"""Bad input is refused before any call, for every Desired model; valid random input never crashes.

Property-based (hypothesis), over every kind in the shared examples, starting from the kind's
``full`` example and breaking one thing at a time:

* invalid names, invalid tags, out-of-range sizes (top-level and nested, negative or beyond the
  API's int32/int64), values of the wrong type, invalid ``state`` and unknown fields each raise
  pydantic's ``ValidationError`` naming the field; a manager on a recording provider sees zero calls;
* so do hostile documents and references: NaN/Infinity or nesting thousands deep anywhere in a JSON
  document (as a mapping or as text), an ARN with a trailing newline or of an unknown partition
  (in a field or as a document's resource or principal), control characters in an action,
  principals that are not principals, IAM documents with characters IAM refuses, SQS policies over
  20 statements or 8,192 bytes, and S3 notification targets in another region;
* random *valid* desired states (each field unset or one of the examples' values, random sizes in
  range, random tags and names) never crash ``plan``, whatever the resource's current state; apply
  either converges (the next plan is empty) or raises an awsstate error.

The models are found through the examples, not listed here, so a new kind is fuzzed as soon as it
has examples. The number of inputs fuzzed is printed at the end of the run.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from typing import Any

import annotated_types
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from awsstate import AwsStateError, InMemoryProvider, RecordingProvider
from awsstate.spec import DesiredModel
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS
from tests.strategies import (
    CONTROL_CHARACTERS,
    NOT_JSON_NUMBERS,
    TAG_TEXT,
    arn_leaves,
    bounds,
    deep_documents,
    document_leaves,
    replace,
    valid_desired,
)

REGION = "eu-west-1"
KINDS = sorted(EXAMPLES)
FUZZ = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
HOSTILE = settings(FUZZ, max_examples=30)
"""Fewer examples for the hostile-document tests: each input is refused before any call, cheaply."""

# Characters no AWS resource name accepts (S3, SQS, SNS, IAM names alike).
BAD_NAME_CHARS = " #%!*?\"'<>\\^`{}|~$&()[];/\n\t"
BAD_TAG_CHARS = "#%!*?\"<>\\^`{}|~$&()[];\n"


def _model(example: KindExamples) -> type[DesiredModel]:
    return example.manager.spec.desired_model


def _full_data(example: KindExamples) -> dict[str, Any]:
    return example.full(example.name("fuzz"), REGION).model_dump()


def _fullest(example: KindExamples) -> DesiredModel:
    """The kind module's ``with_arns`` (every ARN-valued setting too, naming resources that never exist),
    else its ``everything`` (every aspect, for the in-memory provider), else ``full``."""
    module = importlib.import_module(f"tests.examples.{example.kind}")
    build = getattr(module, "with_arns", None) or getattr(module, "everything", example.full)
    desired: DesiredModel = build(example.name("fuzz"), REGION)
    return desired


def _refused(example: KindExamples, data: dict[str, Any], field: str, nested: str | None = None) -> None:
    """Building the model from ``data`` fails naming ``field`` (and ``nested``), with zero calls."""
    STATS.add("inputs fuzzed", example.kind)
    recorder = RecordingProvider(InMemoryProvider())
    manager = example.manager(provider=recorder, clock=FakeClock())
    with pytest.raises(ValidationError) as caught:
        manager.plan(_model(example).model_validate(data))
    locations = [error["loc"] for error in caught.value.errors()]
    assert any(loc and loc[0] == field for loc in locations), f"{field} not named: {caught.value}"
    if nested is not None:
        assert any(nested in loc for loc in locations if loc and loc[0] == field), f"{nested} not named: {locations}"
    assert recorder.calls == []


# -- invalid input -------------------------------------------------------------------------------

def bad_names(example: KindExamples) -> st.SearchStrategy[str]:
    """Names the kind refuses: empty, too long, or with a character its names cannot have."""
    bad_chars = "".join(c for c in BAD_NAME_CHARS if c not in example.name_chars)
    longest = example.max_name_length
    return st.one_of(
        st.just(""),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=longest + 1, max_size=longest + 400),
        st.builds(lambda left, bad, right: f"{left}{bad}{right}",
                  st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=20),
                  st.sampled_from(bad_chars),
                  st.text(max_size=20)),
    )


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_invalid_names_are_refused_naming_the_field_before_any_call(kind: str, data: st.DataObject) -> None:
    example = EXAMPLES[kind]
    name = data.draw(bad_names(example), label="name")
    _refused(example, {**_full_data(example), "name": name}, "name")


@pytest.mark.parametrize("kind", KINDS)
def test_a_name_with_a_trailing_newline_is_refused(kind: str) -> None:
    # `$` matches before a final newline: patterns must end in \Z
    example = EXAMPLES[kind]
    _refused(example, {**_full_data(example), "name": example.name("valid") + "\n"}, "name")


bad_tags = st.one_of(
    st.builds(lambda key, value: {f"aws:{key}": value}, TAG_TEXT, TAG_TEXT),
    st.builds(lambda value: {"": value}, TAG_TEXT),
    st.builds(lambda key: {key: "v"}, st.text(alphabet="abc", min_size=129, max_size=300)),
    st.builds(lambda value: {"k": value}, st.text(alphabet="abc", min_size=257, max_size=600)),
    st.builds(lambda key, bad: {f"{key}{bad}": "v"}, TAG_TEXT, st.sampled_from(BAD_TAG_CHARS)),
    st.builds(lambda value, bad: {"k": f"{value}{bad}"}, TAG_TEXT, st.sampled_from(BAD_TAG_CHARS)),
    st.dictionaries(st.from_regex(r"[a-z]{1,12}", fullmatch=True), TAG_TEXT, min_size=51, max_size=60),
)
TAGGED = [kind for kind in KINDS if "tags" in _model(EXAMPLES[kind]).model_fields]


@pytest.mark.parametrize("kind", TAGGED)
@FUZZ
@given(tags=bad_tags)
@example(tags={"env\n": "dev"})
@example(tags={"env": "dev\n"})
@example(tags={"env\t": "dev"})
def test_invalid_tags_are_refused_naming_the_field_before_any_call(kind: str, tags: dict[str, str]) -> None:
    example = EXAMPLES[kind]
    _refused(example, {**_full_data(example), "tags": tags}, "tags")


def _int_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every integer (not bool) in a dumped model, as a path of keys and indexes."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _int_paths(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _int_paths(item, (*path, index))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, value)}
    return [_replace(item, rest, value) if index == head else item for index, item in enumerate(data)]


def _size_paths(example: KindExamples) -> list[tuple[Any, ...]]:
    """Top-level sizes, and sizes inside nested models. Free-form JSON documents (policies, an SNS
    delivery policy) are left out: awsstate checks that they are JSON objects, AWS checks their content."""
    full = _fullest(example)
    paths = []
    for path in _int_paths(full.model_dump()):
        value = getattr(full, path[0])
        items = value if isinstance(value, list | tuple) else [value]
        if len(path) == 1 or all(isinstance(item, BaseModel) for item in items):
            paths.append(path)
    return paths


SIZED = [kind for kind in KINDS if _size_paths(EXAMPLES[kind])]


def _nested_high(desired: BaseModel, path: tuple[Any, ...]) -> int:
    """The largest value the nested field at ``path`` accepts (its declared bound: the API's int32 or
    int64 range, or less)."""
    parent: Any = desired
    for key in path[:-1]:
        parent = parent[key] if isinstance(parent, list | tuple | dict) else getattr(parent, key)
    for rule in type(parent).model_fields[path[-1]].metadata:
        if isinstance(rule, annotated_types.Le):
            return int(rule.le)
        if isinstance(rule, annotated_types.Lt):
            return int(rule.lt) - 1
    raise AssertionError(f"{'.'.join(map(str, path))} has no upper bound: give it the API's range")


@pytest.mark.parametrize("kind", SIZED)
@FUZZ
@given(data=st.data())
def test_sizes_out_of_range_are_refused_naming_the_field_before_any_call(kind: str, data: st.DataObject) -> None:
    example = EXAMPLES[kind]
    full = _fullest(example).model_dump()
    path = data.draw(st.sampled_from(_size_paths(example)), label="path")
    if len(path) == 1:  # a top-level size: just outside its declared range, or absurd
        low, high = bounds(example, path[0])
        candidates = [st.integers(max_value=-1), st.integers(min_value=10**12)]
        if low > -math.inf:
            candidates.append(st.integers(max_value=int(low) - 1, min_value=int(low) - 1000))
        if high < math.inf:
            candidates.append(st.integers(min_value=int(high) + 1, max_value=int(high) + 1000))
        bad = data.draw(st.one_of(candidates), label="value")
    else:  # nested sizes (days, counts, seconds, bytes): never negative, and within the API's int32/int64
        high = _nested_high(_fullest(example), path)
        bad = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=high + 1, max_value=2**70),
                                  st.sampled_from([high + 1, 2**63])), label="value")
    _refused(example, _replace(full, path, bad), path[0], nested=path[-1] if len(path) > 1 else None)


WRONG_TYPES = st.sampled_from([object(), 1j, frozenset({1, 2}), float("nan"), b"\xff\xfe", Ellipsis])


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_values_of_the_wrong_type_are_refused_naming_the_field_before_any_call(
    kind: str, data: st.DataObject
) -> None:
    example = EXAMPLES[kind]
    field = data.draw(st.sampled_from(sorted(_model(example).model_fields)), label="field")
    _refused(example, {**_full_data(example), field: data.draw(WRONG_TYPES, label="value")}, field)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(state=st.text(max_size=20).filter(lambda s: s not in ("present", "absent")))
def test_an_unknown_state_is_refused_naming_the_field(kind: str, state: str) -> None:
    example = EXAMPLES[kind]
    _refused(example, {**_full_data(example), "state": state}, "state")


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(key=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True))
def test_unknown_fields_are_refused_naming_them(kind: str, key: str) -> None:
    example = EXAMPLES[kind]
    if key in _model(example).model_fields:
        return
    _refused(example, {**_full_data(example), key: "x"}, key)


# -- hostile documents, ARNs and principals -----------------------------------------------------------

DOCUMENTED = [kind for kind in KINDS if document_leaves(_fullest(EXAMPLES[kind]))]
ARNED = [kind for kind in KINDS if arn_leaves(_fullest(EXAMPLES[kind]))]


@pytest.mark.parametrize("kind", DOCUMENTED)
@HOSTILE
@given(data=st.data())
def test_nan_infinity_and_deep_nesting_in_any_document_are_refused_naming_the_field(
    kind: str, data: st.DataObject
) -> None:
    # Both were sent to AWS as invalid JSON or crashed with a RecursionError before.
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    path = data.draw(st.sampled_from(document_leaves(fullest)), label="path")
    bad = data.draw(st.one_of(NOT_JSON_NUMBERS, deep_documents()), label="value")
    _refused(example, replace(fullest.model_dump(mode="json"), path, bad), path[0])


@pytest.mark.parametrize("kind", DOCUMENTED)
@HOSTILE
@given(data=st.data())
def test_a_document_given_as_text_nested_thousands_deep_is_refused_naming_the_field(
    kind: str, data: st.DataObject
) -> None:
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    roots = sorted({path[0] for path in document_leaves(fullest)
                    if isinstance(_fullest(example).model_dump(mode="json").get(path[0]), dict)
                    and path[0] != "inline_policies"})
    if not roots:
        return
    field = data.draw(st.sampled_from(roots), label="field")
    depth = data.draw(st.integers(min_value=65, max_value=20000), label="depth")
    _refused(example, {**fullest.model_dump(mode="json"), field: "[" * depth + "]" * depth}, field)


@pytest.mark.parametrize("kind", ARNED)
@HOSTILE
@given(data=st.data())
def test_an_arn_with_a_trailing_newline_or_of_an_unknown_partition_is_refused_naming_the_field(
    kind: str, data: st.DataObject
) -> None:
    # `$` matches before a final newline; partitions are botocore's, not any "aws-..." string.
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    dumped = fullest.model_dump(mode="json")
    path = data.draw(st.sampled_from(arn_leaves(fullest)), label="path")
    arn = dumped
    for key in path:
        arn = arn[key]
    partition = data.draw(st.from_regex(r"aws-[a-z]{3,8}", fullmatch=True).filter(
        lambda p: p not in ("aws-cn", "aws-iso", "aws-us-gov")), label="partition")
    bad = data.draw(st.sampled_from([f"{arn}\n", f"{arn}\r", arn.replace("arn:aws:", f"arn:{partition}:", 1)]),
                    label="arn")
    _refused(example, replace(dumped, path, bad), path[0])


def _statement_paths(desired: DesiredModel, key: str) -> list[tuple[Any, ...]]:
    return sorted({path[:path.index(key) + 1] for path in document_leaves(desired) if key in path})


@pytest.mark.parametrize("kind", DOCUMENTED)
@HOSTILE
@given(data=st.data())
def test_control_characters_in_an_action_are_refused_naming_the_field(kind: str, data: st.DataObject) -> None:
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    paths = _statement_paths(fullest, "Action")
    if not paths:
        return
    path = data.draw(st.sampled_from(paths), label="path")
    action = data.draw(st.builds(lambda a, c, b: f"{a}{c}{b}", st.sampled_from(["s3:Get", "sqs:", "iam:Pass"]),
                                 CONTROL_CHARACTERS, st.sampled_from(["Object", "SendMessage", "*"])), label="action")
    _refused(example, replace(fullest.model_dump(mode="json"), path, action), path[0])


NOT_PRINCIPALS = st.one_of(
    st.fixed_dictionaries({"AWS": st.text(alphabet="abcdefghijklmnop -", min_size=1, max_size=20)}),
    st.fixed_dictionaries({"Service": st.from_regex(r"[a-z]{2,10}", fullmatch=True)}),
    st.fixed_dictionaries({"Federated": st.just("not a provider")}),
    st.fixed_dictionaries({"Robot": st.just("*")}),
    st.fixed_dictionaries({"AWS": st.just("arn:aws-moon:iam::123456789012:root")}),
    st.fixed_dictionaries({"CanonicalUser": st.text(alphabet="0123456789abcdef", max_size=63)}),
)


@pytest.mark.parametrize("kind", [k for k in DOCUMENTED if _statement_paths(_fullest(EXAMPLES[k]), "Principal")])
@HOSTILE
@given(data=st.data())
def test_principals_that_are_not_principals_are_refused_naming_the_field(kind: str, data: st.DataObject) -> None:
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    path = data.draw(st.sampled_from(_statement_paths(fullest, "Principal")), label="path")
    _refused(example, replace(fullest.model_dump(mode="json"), path, data.draw(NOT_PRINCIPALS, label="principal")),
             path[0])


IAM_KINDS = [kind for kind in ("iam_policy", "iam_role") if kind in EXAMPLES]


@pytest.mark.parametrize("kind", IAM_KINDS)
@HOSTILE
@given(data=st.data(), char=st.characters(min_codepoint=0x100, max_codepoint=0x10FFFF,
                                          blacklist_categories=("Cs",)))
def test_iam_documents_with_characters_iam_does_not_accept_are_refused(kind: str, data: st.DataObject,
                                                                       char: str) -> None:
    example = EXAMPLES[kind]
    fullest = _fullest(example)
    paths = [p for p in document_leaves(fullest) if p[-1] in ("Sid", "Resource") or p[-2:-1] == ("Resource",)]
    path = data.draw(st.sampled_from(paths or document_leaves(fullest)), label="path")
    value: Any = fullest.model_dump(mode="json")
    for key in path:
        value = value[key]
    _refused(example, replace(fullest.model_dump(mode="json"), path, f"{value}{char}"), path[0])


@HOSTILE
@given(statements=st.integers(min_value=21, max_value=60), padding=st.integers(min_value=0, max_value=9000))
def test_sqs_policies_over_twenty_statements_or_8192_bytes_are_refused(statements: int, padding: int) -> None:
    example = EXAMPLES["sqs_queue"]
    statement = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sqs:SendMessage",
                 "Resource": "*"}
    many = {"Version": "2012-10-17", "Statement": [{**statement, "Sid": f"S{i}"} for i in range(statements)]}
    big = {"Version": "2012-10-17", "Statement": [{**statement, "Sid": "x" * (8192 + padding)}]}
    for policy in (many, big):
        _refused(example, {**_full_data(example), "policy": policy}, "policy")


@HOSTILE
@given(region=st.sampled_from(["us-east-1", "ap-south-1", "cn-north-1"]))
def test_s3_notification_targets_in_another_region_are_refused(region: str) -> None:
    example = EXAMPLES["s3_bucket"]
    data = _fullest(example).model_dump(mode="json")
    target = dict(data["notifications"]["targets"][0])
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    target["arn"] = f"arn:{partition}:sqs:{region}:123456789012:elsewhere"
    _refused(example, {**data, "notifications": {**data["notifications"], "targets": [target]}}, "notifications")


# -- valid random input --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_valid_random_desired_states_never_crash_plan_and_apply_converges_or_says_why(
    kind: str, data: st.DataObject
) -> None:
    example = EXAMPLES[kind]
    fields = data.draw(valid_desired(example), label="desired")
    STATS.add("inputs fuzzed", kind)
    try:
        desired = _model(example).model_validate(fields)
    except ValidationError as refused:  # a combination AWS refuses (say, FIFO-only settings on a standard queue)
        assert all(error["loc"] or error["msg"] for error in refused.errors())
        return
    provider = InMemoryProvider(region="us-east-1")
    start = data.draw(st.sampled_from(["missing", "minimal", "full", "drifted"]), label="start")
    if start != "missing":
        base = (example.minimal if start == "minimal" else example.full)(desired.name, REGION)
        example.manager(provider=provider, clock=FakeClock()).apply(base)
        if start == "drifted":
            for aspect, value in example.drift.items():
                provider.world.set_aspect(kind, desired.name, aspect, value, region=REGION)
    manager = example.manager(provider=provider, clock=FakeClock())
    plan = manager.plan(desired)
    assert plan.kind == kind and plan.name == desired.name
    try:
        manager.apply(desired, allow_replace=True)
    except AwsStateError as refused:  # the backend refused the change: the error must say what and where
        assert desired.name in str(refused)
        return
    after = manager.plan(desired)
    assert not after.changed, f"not converged from {start}:\n{after}"
