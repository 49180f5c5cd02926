"""Stacks, applying: order, bounded parallelism, failure isolation, prune, and adaptive rate limits."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    InvalidRequestError,
    ProviderCall,
    RecordingProvider,
    S3BucketDesired,
    Stack,
    StackApplyError,
    StalePlanError,
    ThrottledError,
    WrappingProvider,
)
from awsstate.stack import OWNER_TAG, AdaptiveLimiter, RateLimits
from tests.stacks.shapes import REGION, mixed, orders


@pytest.fixture
def provider() -> InMemoryProvider:
    return InMemoryProvider(region=REGION)


class Order(WrappingProvider):
    """Records the first write of each resource, in the order writes happen."""

    def __init__(self, inner: InMemoryProvider) -> None:
        super().__init__(inner)
        self.first_writes: list[str] = []
        self._lock = threading.Lock()

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.access == "write":
            with self._lock:
                key = f"{call.kind}.{call.name}"
                if key not in self.first_writes:
                    self.first_writes.append(key)
        return proceed()


def test_creates_run_after_what_they_depend_on_and_a_second_apply_is_a_no_op(provider: InMemoryProvider) -> None:
    spy = Order(provider)
    result = Stack("orders", orders(), provider=spy, parallelism=4).apply()
    assert result.ok and sorted(result.done) == sorted(f"{r.kind_spec.kind}.{r.name}" for r in orders())
    writes = spy.first_writes
    assert writes.index("sqs_queue.orders-q") < writes.index("sns_topic.orders")
    assert writes.index("sqs_queue.orders-q") < writes.index("s3_bucket.orders-archive")
    recorder = RecordingProvider(provider)
    again = Stack("orders", orders(), provider=recorder).apply()
    assert not again.changed and recorder.writes == []


class Barrier(WrappingProvider):
    """Holds every existence read until ``width`` are in flight: sequential reads would time out."""

    def __init__(self, inner: InMemoryProvider, width: int) -> None:
        super().__init__(inner)
        self.barrier = threading.Barrier(width, timeout=2)

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.operation == "read_existence":
            self.barrier.wait()
        return proceed()


def test_independent_resources_are_planned_concurrently_up_to_the_parallelism(provider: InMemoryProvider) -> None:
    buckets = [S3BucketDesired(name=f"parallel-{i}", region=REGION) for i in range(8)]
    plan = Stack("wide", buckets, provider=Barrier(provider, width=8), parallelism=8).plan()
    assert len(plan.order) == 8
    with pytest.raises(threading.BrokenBarrierError):  # at most 4 in flight: 8 never meet
        Stack("wide", buckets, provider=Barrier(provider, width=8), parallelism=4).plan()


class FailOne(WrappingProvider):
    """Refuses every write to one resource."""

    def __init__(self, inner: InMemoryProvider, name: str) -> None:
        super().__init__(inner)
        self.name = name

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.access == "write" and call.name == self.name:
            raise InvalidRequestError("refused for the test", kind=call.kind, name=call.name, operation="create")
        return proceed()


def test_a_failure_skips_what_depends_on_it_and_lets_the_rest_finish(provider: InMemoryProvider) -> None:
    with pytest.raises(StackApplyError) as caught:
        Stack("orders", orders(), provider=FailOne(provider, "orders-q")).apply()
    result = caught.value.result
    assert result.failed == ["sqs_queue.orders-q"]
    assert sorted(result.skipped) == ["s3_bucket.orders-archive", "sns_topic.orders"]
    assert result.outcomes["sns_topic.orders"].reason == "depends on sqs_queue.orders-q, which failed"
    assert result.done == ["iam_role.orders-reader"]
    assert provider.world.find("sns_topic", "orders", REGION) is None, "skipped: never half-made"
    assert "failed  sqs_queue.orders-q: sqs_queue 'orders-q': refused for the test" in str(caught.value)
    assert Stack("orders", orders(), provider=provider).apply().ok  # one more apply converges
    assert not Stack("orders", orders(), provider=provider).plan().changed


def test_a_stale_resource_plan_is_refused_before_its_writes(provider: InMemoryProvider) -> None:
    stack = Stack("orders", orders(), provider=provider)
    stack.apply()
    plan = Stack("orders", [*orders()[:1], orders()[1].model_copy(update={"visibility_timeout_seconds": 90}),
                            *orders()[2:]], provider=provider).plan()
    provider.world.set_aspect("sqs_queue", "orders-q", "visibility_timeout_seconds", 5, region=REGION)
    changed = Stack("orders", [*orders()[:1], orders()[1].model_copy(update={"visibility_timeout_seconds": 90}),
                               *orders()[2:]], provider=provider)
    with pytest.raises(StackApplyError) as caught:
        changed.apply(plan)
    assert caught.value.result.failed == ["sqs_queue.orders-q"]
    assert "changed since the plan was computed" in caught.value.result.outcomes["sqs_queue.orders-q"].error
    assert provider.world.require("sqs_queue", "orders-q", REGION).aspects["visibility_timeout_seconds"] == 5
    assert issubclass(StalePlanError, Exception)


def test_prune_deletes_only_what_this_stack_owns_and_only_when_asked(provider: InMemoryProvider) -> None:
    kept = S3BucketDesired(name="kept-bucket", region=REGION)
    dropped = S3BucketDesired(name="dropped-bucket", region=REGION)
    Stack("owner", [kept, dropped], provider=provider).apply()
    Stack("other", [S3BucketDesired(name="someone-elses", region=REGION)], provider=provider).apply()
    smaller = Stack("owner", [kept], provider=provider)
    assert not smaller.plan().changed, "without prune=True nothing is ever deleted"
    plan = smaller.plan(prune=True)
    assert plan.pruned == ("s3_bucket.dropped-bucket",) and plan.deletes() == ["s3_bucket.dropped-bucket"]
    assert "s3_bucket dropped-bucket (eu-west-1): 1 change(s) (pruned: no longer in the stack)" in str(plan)
    result = smaller.apply(plan)
    assert result.done == ["s3_bucket.dropped-bucket"]
    assert provider.world.find("s3_bucket", "dropped-bucket") is None
    assert provider.world.find("s3_bucket", "someone-elses") is not None
    assert provider.world.require("s3_bucket", "kept-bucket").aspects["tags"] == {OWNER_TAG: "owner"}
    assert not smaller.plan(prune=True).changed


def test_absent_resources_are_deleted_dependents_first(provider: InMemoryProvider) -> None:
    stack = Stack("orders", orders(), provider=provider)
    stack.apply()
    gone = [r.model_copy(update={"state": "absent", "force_destroy": True} if r.kind_spec.kind == "s3_bucket"
                         else {"state": "absent"}) for r in orders()]
    spy = Order(provider)
    result = Stack("orders", gone, provider=spy).apply()
    assert result.ok and len(result.done) == 4
    assert spy.first_writes.index("sns_topic.orders") < spy.first_writes.index("sqs_queue.orders-q")
    assert all(provider.world.find(r.kind_spec.kind, r.name, REGION) is None for r in orders())


LARGE = 1001 if os.environ.get("AWSSTATE_FULL_SWEEP") == "1" else 140  # `make sweep`: the 1,000-resource run


def test_a_large_stack_converges_at_the_services_pace_with_no_throttling_error() -> None:
    throttled = InMemoryProvider(region=REGION, throttle={"s3": 60, "sqs": 60, "sns": 60, "iam": 60, "logs": 60})
    limits = RateLimits(lambda: AdaptiveLimiter(increase=2.0))
    resources = mixed(LARGE)
    Stack("busy", resources, provider=throttled, parallelism=20, rate_limits=limits).apply()
    assert throttled.throttle is not None and throttled.throttle.refused > 0, "the fake did throttle"
    assert any(limiter.throttles for _, limiter in limits.items()), "the limiters slowed down"
    assert not Stack("busy", resources, provider=throttled, parallelism=20, rate_limits=limits).plan().changed


def test_without_the_stacks_limiter_the_same_throttling_reaches_the_caller() -> None:
    throttled = InMemoryProvider(region=REGION, throttle={"s3": 5})
    from awsstate import S3BucketManager

    manager = S3BucketManager(provider=throttled)
    with pytest.raises(ThrottledError):
        for index in range(20):
            manager.plan(S3BucketDesired(name=f"raw-{index}", region=REGION))
