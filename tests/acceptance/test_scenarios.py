"""The user scenario, for every kind, over real HTTP (moto server; real AWS when configured).

plan shows changes -> apply -> plan is empty -> apply writes nothing -> drift made out-of-band with
plain boto3 -> plan shows exactly that drift -> apply converges with one write per drifted aspect.
"""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import Plan, RecordingProvider
from tests.acceptance.conftest import Target
from tests.examples import EXAMPLES, KindExamples

pytestmark = pytest.mark.acceptance


@pytest.fixture(params=sorted(EXAMPLES))
def example(request: pytest.FixtureRequest, target: Target) -> KindExamples:
    found = EXAMPLES[request.param]
    reason = found.xfail_moto.get("acceptance")
    if reason and target.label == "moto-server":
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    return found


def _cleanup(manager: Any, desired: Any) -> None:
    update: dict[str, Any] = {"state": "absent"}
    if "force_destroy" in type(desired).model_fields:
        update["force_destroy"] = True
    manager.apply(desired.model_copy(update=update))


def test_plan_apply_noop_drift_converge(
    request: pytest.FixtureRequest, target: Target, example: KindExamples, token: str
) -> None:
    recorder = RecordingProvider(target.provider)
    manager = example.manager(provider=recorder)
    desired = example.full(example.name(target.token(token)), target.region)
    request.addfinalizer(lambda: _cleanup(example.manager(provider=target.provider), desired))

    first = manager.plan(desired)
    assert first.changed and first.actions[0].type == "create"
    assert recorder.writes == [], "plan must never write"

    assert manager.apply(desired).changed
    settled: Plan = target.eventually(lambda: manager.plan(desired), lambda p: not p.changed)
    assert not settled.changed, str(settled)

    recorder.clear()
    if target.server is not None:
        target.server.clear_requests()
    again = manager.apply(desired)
    assert not again.changed and recorder.writes == []
    if target.server is not None:
        # Counted at the server: a no-op plan costs at most one request per managed aspect, plus existence.
        assert len(target.server.requests()) <= len(manager.spec.managed(desired)) + 1, target.server.requests()

    example.drift_boto3(target.clients, desired.name, target.region)
    drifted: Plan = target.eventually(lambda: manager.plan(desired), lambda p: set(p.aspects) == set(example.drift))
    assert set(drifted.aspects) == set(example.drift), str(drifted)

    recorder.clear()
    manager.apply(desired)
    assert sorted(c.aspect or "" for c in recorder.writes) == sorted(example.drift)
    final: Plan = target.eventually(lambda: manager.plan(desired), lambda p: not p.changed)
    assert not final.changed, str(final)
