"""Adaptive rate limits, unit by unit: AIMD on an injected clock, and which calls share a limiter.

:class:`~awsstate.stack.AdaptiveLimiter` takes ``clock`` and ``sleep``; with a
:class:`~awsstate.testing.FakeClock` every pause it makes is recorded instead of waited, so its
pace is asserted as the sleeps it asks for (``1 / rate`` between requests), never as wall time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    IamPolicyDesired,
    IamRoleDesired,
    InMemoryProvider,
    ProviderCall,
    S3BucketDesired,
    SqsQueueDesired,
    Stack,
    ThrottledError,
    World,
    WrappingProvider,
)
from awsstate.kinds import kind_spec
from awsstate.stack import AdaptiveLimiter, RateLimitedProvider, RateLimits
from awsstate.testing import FakeClock
from tests.stacks.shapes import REGION
from tests.stacks.shapes import TRUST as _TRUST

ACCOUNT = "123456789012"
TRUST: dict[str, Any] = _TRUST


def _limiter(clock: FakeClock, **options: Any) -> AdaptiveLimiter:
    return AdaptiveLimiter(clock=clock.monotonic, sleep=clock.sleep, **options)


def _gaps(clock: FakeClock, limiter: AdaptiveLimiter, requests: int) -> list[float]:
    """The pauses the limiter asks for over ``requests`` back-to-back requests."""
    before = len(clock.slept)
    for _ in range(requests):
        limiter.acquire()
    return clock.slept[before:]


def test_a_limiter_never_throttled_lets_every_request_through_without_waiting() -> None:
    clock = FakeClock()
    limiter = _limiter(clock)
    assert _gaps(clock, limiter, 200) == []
    for _ in range(200):
        limiter.succeeded()
    assert limiter.rate is None and limiter.throttles == 0


def test_throttling_halves_the_rate_the_service_was_accepting_and_paces_requests_to_it() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, increase=1.0)
    for _ in range(40):  # 40 requests accepted within the one-second window: 40/s
        limiter.acquire()
        limiter.succeeded()
    limiter.throttled()
    assert limiter.rate == 20.0 and limiter.throttles == 1
    gaps = _gaps(clock, limiter, 5)
    assert gaps == pytest.approx([1 / 20] * 4), "the first goes at once, then one every 1/rate seconds"


def test_each_throttle_after_the_window_halves_again_down_to_the_minimum_rate() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, min_rate=2.0, window=1.0)
    for _ in range(32):
        limiter.succeeded()
    rates = []
    for _ in range(6):
        limiter.throttled()
        rates.append(limiter.rate)
        clock.advance(1.0)  # past the calm window: a new refusal is news
    assert rates == [16.0, 8.0, 4.0, 2.0, 2.0, 2.0]
    assert limiter.throttles == 6


def test_refusals_within_one_window_halve_the_rate_only_once() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, window=1.0)
    for _ in range(20):
        limiter.succeeded()
    limiter.throttled()
    clock.advance(0.5)
    limiter.throttled()  # sent at the old pace, in flight when the first refusal came: nothing new
    limiter.throttled()
    assert limiter.rate == 10.0 and limiter.throttles == 3
    clock.advance(0.6)
    limiter.throttled()
    assert limiter.rate == 5.0


def test_the_rate_recovers_additively_one_step_per_request_that_succeeds() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, increase=0.5)
    for _ in range(16):
        limiter.succeeded()
    limiter.throttled()
    assert limiter.rate == 8.0
    seen = []
    for _ in range(8):
        limiter.acquire()
        limiter.succeeded()
        seen.append(limiter.rate)
    assert seen == [8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0], "a constant step: additive, not multiplicative"
    assert _gaps(clock, limiter, 2)[-1] == pytest.approx(1 / 12.0)


def test_rate_limits_keep_one_limiter_per_account_service_and_region() -> None:
    limits = RateLimits()
    first = limits.limiter(ACCOUNT, "s3", REGION)
    assert limits.limiter(ACCOUNT, "s3", REGION) is first
    others = [limits.limiter("210987654321", "s3", REGION), limits.limiter(ACCOUNT, "sqs", REGION),
              limits.limiter(ACCOUNT, "s3", "us-west-2"), limits.limiter(ACCOUNT, "iam", None)]
    assert len({id(limiter) for limiter in [first, *others]}) == 5
    assert [key for key, _ in limits.items()] == sorted(
        [(ACCOUNT, "s3", REGION), ("210987654321", "s3", REGION), (ACCOUNT, "sqs", REGION),
         (ACCOUNT, "s3", "us-west-2"), (ACCOUNT, "iam", None)], key=str)


def test_threads_asking_for_a_new_limiter_at_once_share_the_one_made() -> None:
    made: list[AdaptiveLimiter] = []
    inside = [0, 0]  # now, most at once
    condition = threading.Condition()

    def factory() -> AdaptiveLimiter:
        with condition:
            inside[0] += 1
            inside[1] = max(inside[1], inside[0])
            condition.notify_all()
            condition.wait_for(lambda: inside[0] > 1, timeout=0.3)  # a racing second maker would come now
            inside[0] -= 1
        limiter = AdaptiveLimiter()
        made.append(limiter)
        return limiter

    limits = RateLimits(factory)
    barrier = threading.Barrier(16)
    got: list[AdaptiveLimiter] = []

    def ask() -> None:
        barrier.wait(timeout=5)
        got.append(limits.limiter(ACCOUNT, "s3", REGION))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(got) == 16 and len(made) == 1 and inside[1] == 1
    assert all(limiter is made[0] for limiter in got)


def test_a_stack_keys_its_limiters_by_service_and_region_and_iam_by_account_alone() -> None:
    provider = InMemoryProvider(region=REGION)
    limits = RateLimits()
    resources = [S3BucketDesired(name="gaps-lim-eu", region=REGION),
                 S3BucketDesired(name="gaps-lim-us", region="us-west-2"),
                 SqsQueueDesired(name="gaps-lim-q", region=REGION),
                 IamRoleDesired(name="gaps-lim-role", trust_policy=TRUST),
                 IamPolicyDesired(name="gaps-lim-policy", document={"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})]
    Stack("limits", resources, provider=provider, rate_limits=limits).apply()
    assert [key for key, _ in limits.items()] == sorted([(ACCOUNT, "iam", None), (ACCOUNT, "s3", REGION),
                                                         (ACCOUNT, "s3", "us-west-2"), (ACCOUNT, "sqs", REGION)],
                                                        key=str)
    before = dict(limits.items())
    Stack("other", [IamRoleDesired(name="gaps-lim-role-2", trust_policy=TRUST)], provider=provider,
          rate_limits=limits).plan()
    assert dict(limits.items()) == before, "stacks given the same limits share them: no new IAM limiter"


def test_accounts_do_not_share_limiters() -> None:
    limits = RateLimits()
    for account in ("111111111111", "222222222222"):
        provider = InMemoryProvider(World(account_id=account), region=REGION)
        Stack("accounts", [IamRoleDesired(name="gaps-acct-role", trust_policy=TRUST)], provider=provider,
              rate_limits=limits).plan()
    assert [key for key, _ in limits.items()] == [("111111111111", "iam", None), ("222222222222", "iam", None)]


class ThrottleFirst(WrappingProvider):
    """Refuses the first ``count`` calls of ``kind`` as throttled (the call is not made)."""

    def __init__(self, inner: InMemoryProvider, kind: str, count: int) -> None:
        super().__init__(inner)
        self.kind = kind
        self.left = count
        self.made = 0

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.kind == self.kind and self.left > 0:
            self.left -= 1
            raise ThrottledError("throttled for the test", kind=call.kind, name=call.name, code="Throttling")
        self.made += 1
        return proceed()


def _paced(inner: WrappingProvider, clock: FakeClock, retries: int = 8) -> tuple[RateLimitedProvider, RateLimits]:
    limits = RateLimits(lambda: _limiter(clock))
    return RateLimitedProvider(inner, limits, account=ACCOUNT, retries=retries, sleep=clock.sleep), limits


def test_a_throttled_call_is_retried_with_backoff_and_slows_its_limiter() -> None:
    clock = FakeClock()
    inner = ThrottleFirst(InMemoryProvider(region=REGION), "s3_bucket", count=0)
    paced, limits = _paced(inner, clock)
    spec = kind_spec("s3_bucket")
    for index in range(10):  # ten accepted at t=0: the service was taking 10/s
        paced.read_existence(spec.ref(f"gaps-b{index}", REGION))
    inner.left = 3
    assert paced.read_existence(spec.ref("gaps-b0", REGION)) is None
    limiter = limits.limiter(ACCOUNT, "s3", REGION)
    assert limiter.throttles == 3 and inner.made == 11
    assert clock.slept == pytest.approx([0.1, 0.2, 0.4]), "backoff doubles; the calls themselves were not paced"
    assert limiter.rate == pytest.approx(5.0 + 1.0), "halved once (one window), then one step up for the success"


def test_a_call_still_throttled_after_every_retry_raises() -> None:
    clock = FakeClock()
    inner = ThrottleFirst(InMemoryProvider(region=REGION), "sqs_queue", count=100)
    paced, limits = _paced(inner, clock, retries=2)
    with pytest.raises(ThrottledError):
        paced.read_existence(kind_spec("sqs_queue").ref("gaps-q", REGION))
    assert limits.limiter(ACCOUNT, "sqs", REGION).throttles == 3 and inner.made == 0


def test_a_throttled_iam_kind_slows_every_iam_kind_and_no_other_service() -> None:
    clock = FakeClock()
    inner = ThrottleFirst(InMemoryProvider(region=REGION), "iam_role", count=0)
    paced, limits = _paced(inner, clock)
    role, policy, bucket = kind_spec("iam_role"), kind_spec("iam_policy"), kind_spec("s3_bucket")
    for index in range(8):
        paced.read_existence(role.ref(f"gaps-r{index}", None))
        paced.read_existence(bucket.ref(f"gaps-s{index}", REGION))
    inner.left = 1
    paced.read_existence(role.ref("gaps-r0", None))  # throttled once, retried: the IAM limiter halves
    iam = limits.limiter(ACCOUNT, "iam", None)
    assert iam.throttles == 1 and iam.rate == 4.0 + 1.0  # 8/s halved, then one step for the retry's success
    slept = len(clock.slept)
    paced.read_existence(policy.ref("gaps-p0", None))
    paced.read_existence(policy.ref("gaps-p1", None))
    # Paced by the role's limiter (the one IAM limiter): 1/4 s after the retry, then 1/5 s.
    assert clock.slept[slept:] == pytest.approx([1 / 4.0, 1 / 5.0])
    slept = len(clock.slept)
    for index in range(8):
        paced.read_existence(bucket.ref(f"gaps-s{index}", REGION))
    assert len(clock.slept) == slept and limits.limiter(ACCOUNT, "s3", REGION).rate is None
    assert [key for key, _ in limits.items()] == [(ACCOUNT, "iam", None), (ACCOUNT, "s3", REGION)]
