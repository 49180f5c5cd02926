"""The provider contract: the same cases for every kind, on the in-memory fake and on AWS-on-moto.

If the fake drifts from AWS (as moto shows it), a case fails here on one backend only. A known moto
deviation is listed in the kind's examples (``xfail_moto``) and runs as a strict expected failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from awsstate import AwsStateError, RecordingProvider
from awsstate.providers.aws import AwsProvider
from awsstate.providers.base import Provider
from awsstate.providers.memory import InMemoryProvider
from tests.examples import EXAMPLES, KindExamples
from tests.integration.conftest import SESSION

REGION = "eu-west-1"


@dataclass
class Backend:
    """A provider plus a way to change resources out-of-band on it."""

    label: str
    provider: Provider
    drift: Callable[[KindExamples, str, str], None]


def _memory_backend() -> Backend:
    provider = InMemoryProvider(region="us-east-1")

    def drift(example: KindExamples, name: str, region: str) -> None:
        for aspect, value in example.drift.items():  # World ignores region for global/account scopes
            provider.world.set_aspect(example.kind, name, aspect, value, region=region)

    return Backend("memory", provider, drift)


@pytest.fixture(params=["memory", "moto"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield _memory_backend()
        return
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        def clients(service: str, region: str | None) -> Any:
            return SESSION.client(service, region_name=region)

        yield Backend("moto", AwsProvider(SESSION, region="us-east-1", max_attempts=2),
                      lambda example, name, region: example.drift_boto3(clients, name, region))


@pytest.fixture(params=sorted(EXAMPLES))
def example(request: pytest.FixtureRequest) -> KindExamples:
    return EXAMPLES[request.param]


@pytest.fixture
def recorder(backend: Backend) -> RecordingProvider:
    return RecordingProvider(backend.provider)


def _expect_moto_deviation(request: pytest.FixtureRequest, backend: Backend, example: KindExamples, case: str) -> None:
    reason = example.xfail_moto.get(case)
    if reason and backend.label == "moto":
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _manager(example: KindExamples, recorder: RecordingProvider) -> Any:
    return example.manager(provider=recorder)


def test_missing_resource_reads_as_none_and_plans_a_create(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "read_missing")
    manager = _manager(example, recorder)
    name = example.name(token)
    assert manager.get(name, REGION) is None
    plan = manager.plan(example.full(name, REGION))
    assert plan.actions[0].type == "create"
    assert recorder.writes == []


def test_create_reads_back_as_desired_and_reapply_writes_nothing(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "create")
    manager = _manager(example, recorder)
    desired = example.full(example.name(token), REGION)
    assert manager.apply(desired).changed
    assert manager.get(desired.name, REGION) is not None
    recorder.clear()
    again = manager.apply(desired)
    assert not again.changed, str(again.plan)
    assert recorder.writes == []
    managed = len(manager.spec.managed(desired))
    assert len(recorder.reads) <= managed + 1


def test_minimal_desired_creates_and_converges(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "minimal")
    manager = _manager(example, recorder)
    desired = example.minimal(example.name(token), REGION)
    manager.apply(desired)
    assert not manager.plan(desired).changed


def test_update_changes_exactly_the_updated_aspects(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "update")
    manager = _manager(example, recorder)
    name = example.name(token)
    manager.apply(example.full(name, REGION))
    plan = manager.plan(example.update(name, REGION))
    assert set(plan.aspects) == set(example.update_aspects), str(plan)
    recorder.clear()
    manager.apply(example.update(name, REGION))
    assert sorted(c.aspect or "" for c in recorder.writes) == sorted(example.update_aspects)
    assert not manager.plan(example.update(name, REGION)).changed


def test_drift_is_planned_exactly_and_converged_with_one_write_per_aspect(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "drift")
    manager = _manager(example, recorder)
    desired = example.full(example.name(token), REGION)
    manager.apply(desired)
    backend.drift(example, desired.name, REGION)
    plan = manager.plan(desired)
    assert set(plan.aspects) == set(example.drift), str(plan)
    recorder.clear()
    manager.apply(desired)
    assert sorted(c.aspect or "" for c in recorder.writes) == sorted(example.drift)
    assert not manager.plan(desired).changed


def test_absent_deletes_and_is_then_a_no_op(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "absent")
    manager = _manager(example, recorder)
    desired = example.full(example.name(token), REGION)
    manager.apply(desired)
    gone = desired.model_copy(update={"state": "absent"})
    assert manager.apply(gone).changed
    assert manager.get(desired.name, REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed
    assert recorder.writes == []


def test_the_export_of_an_applied_resource_plans_empty(
    request: pytest.FixtureRequest, backend: Backend, example: KindExamples, recorder: RecordingProvider, token: str
) -> None:
    _expect_moto_deviation(request, backend, example, "export")
    manager = _manager(example, recorder)
    desired = example.full(example.name(token), REGION)
    manager.apply(desired)
    exported = manager.export(desired.name, REGION)
    assert exported is not None and type(exported) is type(desired)
    recorder.clear()
    plan = manager.plan(exported)
    assert not plan.changed, f"{plan}\nexported: {exported!r}"
    assert recorder.writes == []


def test_errors_from_the_backend_are_awsstate_errors(backend: Backend, example: KindExamples, token: str) -> None:
    # Writing an aspect of a resource that does not exist must surface as an awsstate error, never a vendor one.
    from awsstate.spec import ResourceRef

    spec = example.manager.spec
    aspect = spec.aspects[0].name
    ref = ResourceRef(spec, example.name(token), REGION if spec.regional else None)
    with pytest.raises(AwsStateError):
        backend.provider.read_aspect(ref, aspect)
