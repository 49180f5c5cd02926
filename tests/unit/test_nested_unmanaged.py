"""Unset means unmanaged at every depth: a sub-field left unset inside a nested model survives.

For every nested configuration model of every kind (tests/examples/nested.py): start from a
resource whose sub-fields all hold values other than AWS's defaults, give one sub-field at a
time, and check that it changed and that every other sub-field kept its value. A guard checks
that every nested model a Desired field uses is in the table, or listed as given whole.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from awsstate import InMemoryProvider
from awsstate.aspects import to_json
from awsstate.canonical import Json
from awsstate.kinds import KINDS, kind_spec, manager_class
from awsstate.resources.settings import Settings
from awsstate.testing import FakeClock
from tests.examples.nested import CASES, REGION, WHOLE, NestedCase, Step, named

NAME = "nested-subject"
STEPS = [pytest.param(case, step, id=f"{case.kind}-{case.aspect}-{step.label}") for case in CASES
         for step in case.steps]


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            stack.extend(typing.get_args(annotation))
            if (isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen
                    and annotation.__module__.startswith("awsstate.resources.")):
                seen.add(annotation)
                found |= {annotation} | _models(annotation, seen)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_nested_model_of_every_kind_is_in_the_table_or_given_whole(kind: str) -> None:
    nested = _models(kind_spec(kind).desired_model, set())
    tabled = {case.model for case in CASES}
    missing = [m.__name__ for m in nested if (m not in tabled if issubclass(m, Settings) else m not in WHOLE)]
    assert not missing, f"{kind}: {missing}: make each a Settings model with a row in CASES, or list it in WHOLE"
    for model in nested:
        if issubclass(model, Settings):
            assert "sub-field" in (model.__doc__ or "") or "unset" in (model.__doc__ or "").lower(), \
                f"{model.__name__}'s docstring does not state the unset rule"


def test_the_table_names_only_models_some_kind_uses() -> None:
    nested = set().union(*(_models(kind_spec(kind).desired_model, set()) for kind in KINDS))
    assert {case.model for case in CASES} <= nested


def subject(case: NestedCase, name: str, value: Any) -> Any:
    """The desired model managing ``case.aspect`` with ``value``."""
    model = kind_spec(case.kind).desired_model
    wrapped = (value,) if case.aspect == "subscriptions" else value
    return model(name=name, region=REGION, **case.extra(name), **{case.aspect: wrapped})


def read(provider: Any, case: NestedCase, name: str) -> Json:
    observed = manager_class(case.kind)(provider=provider, clock=FakeClock()).get(name, REGION)
    assert observed is not None
    return to_json(getattr(observed, case.aspect))


def expected_after(case: NestedCase, step: Step, before: Json, name: str) -> Json:
    changed = named(step.changed, name)
    assert isinstance(changed, dict)
    if isinstance(before, list):  # a set of members: the one member of the case
        return [{**before[0], **changed}]
    assert isinstance(before, dict)
    return {**before, **changed}


def run_step(provider: Any, case: NestedCase, step: Step, name: str) -> None:
    """Converge the base, give one sub-field, check it and that the others survived."""
    manager = manager_class(case.kind)(provider=provider, clock=FakeClock())
    if case.setup is not None:
        case.setup(provider, name)
    manager.apply(subject(case, name, case.base(name)))
    before = read(provider, case, name)
    desired = subject(case, name, step.value(name))
    manager.apply(desired)
    after = read(provider, case, name)
    aspect = kind_spec(case.kind).aspect(case.aspect)
    wanted = expected_after(case, step, before, name)
    assert aspect.equal(after, wanted), f"{step.label}: read {after}, expected {wanted} (before: {before})"
    if step.changed:
        assert not aspect.equal(after, before), f"{step.label} did not change"
    assert not manager.plan(desired).changed


@pytest.mark.parametrize(("case", "step"), STEPS)
def test_giving_one_sub_field_changes_it_and_keeps_every_other(case: NestedCase, step: Step) -> None:
    run_step(InMemoryProvider(region=REGION), case, step, NAME)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}-{c.aspect}" for c in CASES])
def test_on_a_new_resource_unset_sub_fields_take_aws_defaults(case: NestedCase) -> None:
    provider = InMemoryProvider(region=REGION)
    if case.setup is not None:
        case.setup(provider, NAME)
    step = case.steps[0]
    manager = manager_class(case.kind)(provider=provider, clock=FakeClock())
    manager.apply(subject(case, NAME, step.value(NAME)))
    value = read(provider, case, NAME)
    given = step.value(NAME)
    dumped = given.model_dump(mode="json")
    assert set(dumped) == set(given.model_fields_set), "a dump holds exactly the sub-fields given"
    entry = value[0] if isinstance(value, list) else value
    assert isinstance(entry, dict)
    for sub_field in set(type(given).model_fields) - given.model_fields_set:
        default = type(given).model_fields[sub_field].get_default(call_default_factory=True)
        if sub_field in entry and default is not None:
            assert entry[sub_field] == to_json(default), f"{sub_field}: {entry[sub_field]!r} is not AWS's default"
