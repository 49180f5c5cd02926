"""Throttling on the real client path: AWS says "slow down", botocore retries, apply converges.

A share of requests is answered with a throttling error *at the botocore level*: a ``before-send``
hook on the session (the event botocore emits just before it would put a request on the wire)
returns an HTTP response carrying the error each service really sends (S3: 503 ``SlowDown``; query
services such as IAM/SNS/STS: 400 ``Throttling``; JSON services such as SQS: 400
``ThrottlingException``). Everything after it is real: botocore parses the error, its standard
retry mode decides to retry and computes the backoff, awsstate's call wrapper logs the retries.
The other requests go to moto in-process.

Only botocore's ``time.sleep`` between attempts is replaced, by a recorder, so that the backoff
costs nothing and can be asserted on: the computed delays are still botocore's own.
"""

from __future__ import annotations

import re
import threading
import types
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from structlog.testing import capture_logs

from awsstate import ThrottledError
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES, KindExamples
from tests.harness_stats import STATS
from tests.wire import throttling_response

REGION = "eu-west-1"


class Throttler:
    """A ``before-send`` hook answering every ``every``-th request with a throttling error.

    With ``first_attempts_only``, botocore's retries (``amz-sdk-request: attempt=2`` and on) are never
    throttled, so no call is throttled twice whatever the order concurrent reads arrive in.
    """

    def __init__(self, every: int, *, first_attempts_only: bool = False) -> None:
        self.every = every
        self.first_attempts_only = first_attempts_only
        self.requests = 0
        self.throttled: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        if self.first_attempts_only and _attempt(request) > 1:
            return None
        with self._lock:
            self.requests += 1
            if self.requests % self.every:
                return None
            self.throttled.append(event_name.removeprefix("before-send."))
        return throttling_response(event_name.split(".")[1], request)


def _attempt(request: Any) -> int:
    """Which attempt of its call a request is (botocore's ``amz-sdk-request`` header; 1 without it)."""
    header = request.headers.get("amz-sdk-request") or ""
    if isinstance(header, bytes):
        header = header.decode()
    match = re.search(r"attempt=(\d+)", header)
    return int(match.group(1)) if match else 1


@pytest.fixture
def botocore_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Botocore's backoff sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


def _throttled_provider(every: int, max_attempts: int, *, first_attempts_only: bool = False
                        ) -> tuple[AwsProvider, Throttler]:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    throttler = Throttler(every, first_attempts_only=first_attempts_only)
    # First: moto's in-process stub is also a before-send handler, and the first answer wins.
    session.events.register_first("before-send", throttler)
    return AwsProvider(session, region="us-east-1", max_attempts=max_attempts), throttler


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_apply_converges_while_every_third_request_is_throttled_and_the_retries_are_logged(
    moto: None, botocore_sleeps: list[float], kind: str, token: str
) -> None:
    example: KindExamples = EXAMPLES[kind]
    # Every third first attempt: concurrent reads share the count, so throttling retries too could
    # throttle one call on all four of its attempts (seen once in a few hundred runs).
    provider, throttler = _throttled_provider(every=3, max_attempts=4, first_attempts_only=True)
    manager = example.manager(provider=provider, clock=FakeClock())
    desired = example.full(example.name(token), REGION)
    with capture_logs() as logs:
        assert manager.apply(desired).changed
        assert not manager.plan(desired).changed
    assert throttler.throttled, "no request was throttled"
    retried = [entry for entry in logs if entry["event"] == "aws.retried"]
    assert sum(entry["retries"] for entry in retried) == len(throttler.throttled), (retried, throttler.throttled)
    assert all(entry["log_level"] == "info" and entry["kind"] == kind for entry in retried)
    assert len(botocore_sleeps) == len(throttler.throttled) and all(s >= 0 for s in botocore_sleeps)
    STATS.add("requests throttled and retried (botocore level)", kind, len(throttler.throttled))


def test_a_call_still_throttled_after_the_providers_attempts_is_a_throttled_error_naming_it(
    moto: None, botocore_sleeps: list[float], token: str
) -> None:
    example = EXAMPLES[sorted(EXAMPLES)[0]]
    provider, throttler = _throttled_provider(every=1, max_attempts=3)
    desired = example.full(example.name(token), REGION)
    with pytest.raises(ThrottledError) as caught:
        example.manager(provider=provider, clock=FakeClock()).plan(desired)
    assert throttler.requests == 3, "max_attempts is the total number of attempts"
    assert caught.value.kind == example.kind and caught.value.name == desired.name
    assert caught.value.operation and caught.value.code in {"SlowDown", "Throttling", "ThrottlingException"}
    assert "max_attempts" in str(caught.value)
