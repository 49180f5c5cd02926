"""Stacks, failure isolation: what is in flight when a resource fails still finishes.

``Gated`` refuses every write of the failing resource A, but only once B (independent) is inside
its create, so B is in flight when A fails. It holds B there until the stack has *recorded* A's
failure and gone on without it: until D, an independent resource that can only start once A's
worker is free again, has been applied. Only then is B let through, and B must be reported done.
What depends on A is skipped with a reason naming A; one more apply (A no longer refused)
converges, writing only what was left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    InvalidRequestError,
    ProviderCall,
    RecordingProvider,
    RedrivePolicy,
    S3BucketDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    Stack,
    StackApplyError,
    StackEvent,
    Subscription,
    WrappingProvider,
)
from tests.stacks.shapes import REGION

GIVE_UP = 10.0  # seconds B waits for D before it goes on anyway (only so that a broken stack fails, not hangs)

FAILING = SqsQueueDesired(name="gaps-a-fails", region=REGION)
IN_FLIGHT = S3BucketDesired(name="gaps-b-in-flight", region=REGION)
DEPENDENT = SqsQueueDesired(name="gaps-c-dependent", region=REGION,
                            redrive_policy=RedrivePolicy(dead_letter_target_arn=FAILING.ref.arn))
INDEPENDENT = S3BucketDesired(name="gaps-d-independent", region=REGION)
TRANSITIVE = SnsTopicDesired(name="gaps-e-transitive", region=REGION,
                             subscriptions=(Subscription(protocol="sqs", endpoint=DEPENDENT.ref.arn),))
RESOURCES = [FAILING, IN_FLIGHT, DEPENDENT, INDEPENDENT, TRANSITIVE]


class Gated(WrappingProvider):
    """Refuses A's writes; holds B's create until D's apply is over (see the module docstring)."""

    def __init__(self, inner: InMemoryProvider) -> None:
        super().__init__(inner)
        self.independent_done = threading.Event()
        self.b_in_create = threading.Event()
        self.a_refused_with_b_in_flight = False
        self.a_failed = threading.Event()
        self.b_waited_for: list[str] = []
        self.b_writes_after_failure = 0
        self.events: list[StackEvent] = []
        self._lock = threading.Lock()

    def event(self, event: StackEvent) -> None:
        """The stack's progress callback."""
        with self._lock:
            self.events.append(event)
        if event.phase != "apply":
            return
        if event.resource == "sqs_queue.gaps-a-fails" and event.status == "failed":
            self.a_failed.set()
        if event.resource == "s3_bucket.gaps-d-independent" and event.status == "done":
            self.independent_done.set()

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.access == "write" and call.name == FAILING.name:
            self.a_refused_with_b_in_flight = self.b_in_create.wait(GIVE_UP)
            raise InvalidRequestError("refused for the test", kind=call.kind, name=call.name, operation="CreateQueue")
        if call.access == "write" and call.name == IN_FLIGHT.name:
            if call.operation == "create":
                self.b_in_create.set()
                if self.independent_done.wait(GIVE_UP):
                    self.b_waited_for.append("sqs_queue.gaps-a-fails failed, s3_bucket.gaps-d-independent done")
            if self.a_failed.is_set():
                self.b_writes_after_failure += 1
        return proceed()


def _statuses(events: list[StackEvent]) -> list[tuple[str, str]]:
    return [(e.resource, e.status) for e in events if e.phase == "apply"]


def test_a_resource_in_flight_when_another_fails_finishes_and_is_done() -> None:
    provider = InMemoryProvider(region=REGION)
    plan = Stack("isolated", RESOURCES, provider=provider, parallelism=2).plan()
    assert plan.order[:2] == ("sqs_queue.gaps-a-fails", "s3_bucket.gaps-b-in-flight"), "A and B start together"
    gate = Gated(provider)
    stack = Stack("isolated", RESOURCES, provider=gate, parallelism=2, on_event=gate.event)
    with pytest.raises(StackApplyError) as caught:
        stack.apply(plan)
    result = caught.value.result
    assert gate.a_refused_with_b_in_flight, "A failed while B was inside its create"
    assert gate.b_waited_for, "B's create was let through only once A had failed and D was done"
    assert gate.b_writes_after_failure == 2, "B's create and its tag write, both after A's failure"
    assert result.failed == ["sqs_queue.gaps-a-fails"]
    assert sorted(result.done) == ["s3_bucket.gaps-b-in-flight", "s3_bucket.gaps-d-independent"]
    assert sorted(result.skipped) == ["sns_topic.gaps-e-transitive", "sqs_queue.gaps-c-dependent"]
    assert result.outcomes["sqs_queue.gaps-c-dependent"].reason == "depends on sqs_queue.gaps-a-fails, which failed"
    assert result.outcomes["sns_topic.gaps-e-transitive"].reason == \
        "depends on sqs_queue.gaps-c-dependent, which was skipped"
    assert "refused for the test" in str(result.outcomes["sqs_queue.gaps-a-fails"].error)
    statuses = _statuses(gate.events)
    failed_at = statuses.index(("sqs_queue.gaps-a-fails", "failed"))
    assert statuses.index(("s3_bucket.gaps-d-independent", "started")) > failed_at, "D started after A failed"
    assert statuses.index(("s3_bucket.gaps-b-in-flight", "done")) > failed_at, "B finished after A failed"
    world = provider.world
    assert world.find("s3_bucket", IN_FLIGHT.name) is not None and world.find("s3_bucket", INDEPENDENT.name)
    for skipped in (DEPENDENT, TRANSITIVE, FAILING):
        assert world.find(skipped.kind_spec.kind, skipped.name, REGION) is None, f"{skipped.name}: never half-made"

    recorder = RecordingProvider(provider)
    again = Stack("isolated", RESOURCES, provider=recorder).apply()
    assert again.ok
    assert sorted(again.done) == ["sns_topic.gaps-e-transitive", "sqs_queue.gaps-a-fails", "sqs_queue.gaps-c-dependent"]
    assert {c.name for c in recorder.writes} == {FAILING.name, DEPENDENT.name, TRANSITIVE.name}, \
        "what the first apply finished is not written again"
    assert not Stack("isolated", RESOURCES, provider=provider).plan().changed


def test_in_flight_resources_finish_when_a_failure_comes_while_they_are_held() -> None:
    # Wider: A is refused only once eight independent buckets are inside their creates (parallelism
    # 9); each is held there until A's failure is reported, and every one must end done.
    provider = InMemoryProvider(region=REGION)
    buckets = [S3BucketDesired(name=f"gaps-held-{index}", region=REGION) for index in range(8)]
    resources = [FAILING, *buckets, DEPENDENT]
    plan = Stack("held", resources, provider=provider, parallelism=9).plan()
    failed = threading.Event()
    all_in_flight = threading.Barrier(9, timeout=GIVE_UP)
    held: list[str] = []
    lock = threading.Lock()

    class HoldUntilFailed(WrappingProvider):
        def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
            if call.access == "write" and call.name == FAILING.name:
                all_in_flight.wait()
                raise InvalidRequestError("refused for the test", kind=call.kind, name=call.name)
            if call.operation == "create" and call.name.startswith("gaps-held-"):
                all_in_flight.wait()
                assert failed.wait(GIVE_UP), "A's failure never came while this create was held"
                with lock:
                    held.append(call.name)
            return proceed()

    def on_event(event: StackEvent) -> None:
        if event.phase == "apply" and event.resource == "sqs_queue.gaps-a-fails" and event.status == "failed":
            failed.set()

    with pytest.raises(StackApplyError) as caught:
        Stack("held", resources, provider=HoldUntilFailed(provider), parallelism=9, on_event=on_event).apply(plan)
    result = caught.value.result
    assert sorted(held) == sorted(b.name for b in buckets), "all eight were in flight when A failed"
    assert sorted(result.done) == sorted(f"s3_bucket.{b.name}" for b in buckets)
    assert result.failed == ["sqs_queue.gaps-a-fails"] and result.skipped == ["sqs_queue.gaps-c-dependent"]
    assert Stack("held", resources, provider=provider).apply().ok
    assert not Stack("held", resources, provider=provider).plan().changed
