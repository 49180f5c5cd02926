"""Export is the exact inverse of the desired -> value mapping: what is read plans empty.

For every kind and every example (and, by hypothesis, for valid random desired models of every
kind): apply the desired model, read the resource back (``get``), turn it into a Desired model
(``to_desired``) and plan that against the same resource: nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from awsstate import AwsStateError, InMemoryProvider, RecordingProvider
from awsstate.spec import DesiredModel
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS
from tests.strategies import REGION, valid_desired

KINDS = sorted(EXAMPLES)


def _everything(example: KindExamples) -> Callable[[str, str], DesiredModel] | None:
    module = __import__(f"tests.examples.{example.kind}", fromlist=["everything"])
    return getattr(module, "everything", None)


CASES = [pytest.param(kind, variant, id=f"{kind}-{variant}") for kind in KINDS
         for variant in ("minimal", "full", "update", "everything")
         if variant != "everything" or _everything(EXAMPLES[kind]) is not None]


def _variant(example: KindExamples, variant: str) -> Callable[[str, str], DesiredModel]:
    found = _everything(example) if variant == "everything" else getattr(example, variant)
    assert found is not None
    return found


def _round_trip(example: KindExamples, desired: DesiredModel, provider: InMemoryProvider) -> DesiredModel:
    manager = example.manager(provider=provider, clock=FakeClock())
    manager.apply(desired, allow_replace=True)
    observed = manager.get(desired.name, REGION)
    assert observed is not None
    exported = observed.to_desired()
    assert type(exported) is type(desired) and exported.name == desired.name
    recorder = RecordingProvider(provider)
    plan = example.manager(provider=recorder, clock=FakeClock()).plan(exported)
    assert not plan.changed, f"export of {desired!r} plans changes:\n{plan}\nexported: {exported!r}"
    assert recorder.writes == []
    return exported


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_the_export_of_every_example_plans_empty(kind: str, variant: str, token: str) -> None:
    example = EXAMPLES[kind]
    desired = _variant(example, variant)(example.name(token), REGION)
    exported = _round_trip(example, desired, InMemoryProvider(region="us-east-1"))
    # Export manages everything that was read: every aspect of the kind.
    spec = example.manager.spec
    assert {a.name for a in spec.managed(exported)} >= {a.name for a in spec.managed(desired)} - {"acl"}


@pytest.mark.parametrize("kind", KINDS)
def test_manager_export_is_get_then_to_desired(kind: str, token: str) -> None:
    example = EXAMPLES[kind]
    manager = example.manager(provider=InMemoryProvider(), clock=FakeClock())
    desired = example.full(example.name(token), REGION)
    assert manager.export(desired.name, REGION) is None
    manager.apply(desired)
    observed = manager.get(desired.name, REGION)
    assert observed is not None
    assert manager.export(desired.name, REGION) == observed.to_desired()


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_the_export_of_any_valid_desired_state_plans_empty(kind: str, data: st.DataObject) -> None:
    example = EXAMPLES[kind]
    fields: dict[str, Any] = data.draw(valid_desired(example), label="desired")
    try:
        desired = example.manager.spec.desired_model.model_validate(fields)
    except ValidationError:
        return  # a combination AWS refuses: nothing to export
    STATS.add("desired states exported and re-planned", kind)
    provider = InMemoryProvider(region="us-east-1")
    try:
        example.manager(provider=provider, clock=FakeClock()).apply(desired, allow_replace=True)
    except AwsStateError:
        return  # refused by the backend (a reference to something missing, say): nothing was made
    _round_trip(example, desired, provider)
