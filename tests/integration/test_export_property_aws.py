"""Export round trip on moto, property-tested: a random valid desired state of any kind, applied
through AwsProvider to moto, exported, plans empty against it (the in-memory half of this
property is tests/unit/test_export_round_trip.py). Derandomized, so a run is repeatable."""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from awsstate import AwsStateError
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.strategies import REGION, valid_desired

KINDS = sorted(EXAMPLES)
_names = itertools.count()


FULL = os.environ.get("AWSSTATE_FULL_SWEEP") == "1"  # `make sweep`: many more examples


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=40 if FULL else 4, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_export_of_a_random_desired_state_plans_empty_on_moto(kind: str, data: st.DataObject, aws: AwsProvider,
                                                                    request: pytest.FixtureRequest) -> None:
    example = EXAMPLES[kind]
    reason = example.xfail_moto.get("export")
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    fields: dict[str, Any] = data.draw(valid_desired(example), label="desired")
    fields["name"] = example.name(f"p{next(_names)}")
    try:
        desired = example.manager.spec.desired_model.model_validate(fields)
    except ValidationError:
        return  # a combination AWS refuses: nothing to export
    manager = example.manager(provider=aws, clock=FakeClock())  # one moto for every example: names differ
    try:
        manager.apply(desired, allow_replace=True)
    except AwsStateError:
        return  # refused by the backend (a reference to something missing, say): nothing was made
    exported = manager.export(desired.name, REGION)
    assert exported is not None
    plan = manager.plan(exported)
    assert not plan.changed, f"export of {desired!r} plans changes on moto:\n{plan}\nexported: {exported!r}"


@pytest.mark.parametrize("kind", [k for k in KINDS if "tags" in EXAMPLES[k].manager.spec.aspect_names])
def test_a_tag_with_an_empty_value_round_trips(kind: str, aws: AwsProvider, token: str) -> None:
    # Found by the property above: S3's GetBucketTagging leaves the Value out of a tag whose value is "".
    example = EXAMPLES[kind]
    manager = example.manager(provider=aws, clock=FakeClock())
    desired = example.minimal(example.name(token), REGION).model_copy(update={"tags": {"empty": ""}})
    manager.apply(desired)
    assert not manager.plan(desired).changed
    observed = manager.get(desired.name, REGION)
    assert observed is not None and observed.tags == {"empty": ""}
