"""Call budgets counted where they cost: requests received by a moto server over real HTTP.

For every kind in the shared examples:

* a no-op plan of the ``full`` example costs at most one request per managed aspect plus one;
* converging one drifted aspect costs exactly one provider write, and at the server at most the
  no-op plan, the requests of that one write, and one read back.

The requests are counted from the server's own access log (:meth:`MotoServer.requests`), so nothing
the client does (retries included) can hide a request. The figures are printed at the end of the run.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from awsstate import RecordingProvider
from awsstate.providers.aws import AwsProvider
from awsstate.spec import ResourceRef
from awsstate.testing import FakeClock, MotoServer
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS

pytestmark = pytest.mark.acceptance

REGION = "eu-west-1"
_SQS_POLICY = ("moto 5.2.5: any SetQueueAttributes without Policy clears the queue policy (AWS leaves attributes "
               "not named in the call alone), so this one-attribute drift drifts policy too")
MOTO_DEVIATIONS = {
    ("iam_role", "max_session_duration"): (
        "moto 5.2.5: UpdateRole without Description clears the role's description (moto's update_role assigns "
        "it unconditionally; AWS leaves it unchanged), so this one-setting drift drifts description too"),
    ("sqs_queue", "visibility_timeout_seconds"): _SQS_POLICY,
    ("sqs_queue", "encryption"): _SQS_POLICY,
}
"""(kind, aspect) -> why changing only that aspect out-of-band changes another one on moto server."""

DRIFTS = [
    pytest.param(kind, aspect, id=f"{kind}-{aspect}",
                 marks=[pytest.mark.xfail(strict=True, reason=MOTO_DEVIATIONS[(kind, aspect)])]
                 if (kind, aspect) in MOTO_DEVIATIONS else [])
    for kind in sorted(EXAMPLES) for aspect in EXAMPLES[kind].drift
]


@pytest.fixture
def server(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    moto_server.reset()
    return moto_server


def _provider(server: MotoServer) -> AwsProvider:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    return AwsProvider(session, region="us-east-1", endpoint_url=server.url, max_attempts=1)


def _cleanup(example: KindExamples, provider: AwsProvider, desired: Any) -> None:
    update: dict[str, Any] = {"state": "absent"}
    if "force_destroy" in type(desired).model_fields:
        update["force_destroy"] = True
    example.manager(provider=provider).apply(desired.model_copy(update=update))


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_no_op_plan_of_the_full_example_costs_at_most_managed_aspects_plus_one_requests(
    request: pytest.FixtureRequest, server: MotoServer, kind: str, token: str
) -> None:
    example = EXAMPLES[kind]
    provider = _provider(server)
    manager = example.manager(provider=provider, clock=FakeClock())
    desired = example.full(example.name(f"http{token}"), REGION)
    request.addfinalizer(lambda: _cleanup(example, provider, desired))
    manager.apply(desired)
    assert not manager.plan(desired).changed

    server.clear_requests()
    plan = manager.plan(desired)
    requests = server.requests()
    assert not plan.changed, str(plan)
    budget = len(manager.spec.managed(desired)) + 1
    STATS.add("HTTP requests per no-op plan of full (moto server)", kind, len(requests))
    assert len(requests) <= budget, f"{len(requests)} requests, budget {budget}: {requests}"
    assert not any(r.startswith(("PUT", "DELETE")) for r in requests), requests


@pytest.mark.parametrize(("kind", "aspect"), DRIFTS)
def test_one_drifted_aspect_converges_with_one_write_and_a_bounded_number_of_requests(
    request: pytest.FixtureRequest, server: MotoServer, kind: str, aspect: str, token: str
) -> None:
    example = EXAMPLES[kind]
    provider = _provider(server)
    recorder = RecordingProvider(provider)
    manager = example.manager(provider=recorder, clock=FakeClock())
    desired = example.full(example.name(f"drift{token}"), REGION)
    request.addfinalizer(lambda: _cleanup(example, provider, desired))
    manager.apply(desired)

    # Out-of-band, through a second client: the drift example's value for this aspect only.
    ref = ResourceRef(manager.spec, desired.name, REGION if manager.spec.regional else None)
    other = _provider(server)
    other.write_aspect(ref, aspect, example.drift[aspect])
    drifted = manager.plan(desired)
    assert drifted.aspects == (aspect,), str(drifted)

    recorder.clear()
    server.clear_requests()
    manager.apply(desired)
    requests = server.requests()
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", aspect)]
    # the apply's plan, the write (some writes take two requests: tags are untag + tag), one read back
    budget = len(manager.spec.managed(desired)) + 1 + 2 + 1
    assert len(requests) <= budget, f"{len(requests)} requests, budget {budget}: {requests}"
    assert not manager.plan(desired).changed
