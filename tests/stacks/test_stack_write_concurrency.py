"""Stacks, writing: independent resources' writes are in flight together, never more than ``parallelism``.

``InFlight`` counts the writes in flight at once and holds them until ``hold`` are in flight
together, so a stack that wrote one resource after another could never reach ``hold``. Waits
have bounds only so that a broken stack fails instead of hanging: no assertion is about time,
only about how many writes were in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    ProviderCall,
    S3BucketDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    Stack,
    StackEvent,
    Subscription,
    WrappingProvider,
)
from tests.stacks.shapes import REGION

GIVE_UP = 10.0  # seconds a held write waits for the others before it goes on alone


class InFlight(WrappingProvider):
    """Counts writes in flight (the most ever seen) and holds them until ``hold`` are in flight at once.

    When the ``hold``-th arrives, the gate stays shut ``overflow`` seconds more: a stack that let
    more than ``hold`` writes go would get one more in meanwhile (its workers are free and it has
    work), and :attr:`max_seen` would show it. Then the gate opens for good; later writes are only
    counted. The first wait that lasts ``give_up`` seconds also opens it, so that a stack that never
    reaches ``hold`` fails the test instead of hanging.
    """

    def __init__(self, inner: InMemoryProvider, *, hold: int, give_up: float = GIVE_UP, overflow: float = 0.5,
                 operations: tuple[str, ...] = ("create", "write_aspect")) -> None:
        super().__init__(inner)
        self.hold = hold
        self.give_up = give_up
        self.overflow = overflow
        self.operations = operations
        self.in_flight = 0
        self.max_seen = 0
        self.writes = 0
        self.gate_met = False  # hold writes were in flight at one moment
        self.open = False
        self._condition = threading.Condition()

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.operation not in self.operations:
            return proceed()
        with self._condition:
            self.in_flight += 1
            self.writes += 1
            self.max_seen = max(self.max_seen, self.in_flight)
            self._condition.notify_all()
            if not self.open and not self.gate_met and self.in_flight >= self.hold:
                self.gate_met = True
                self._condition.wait_for(lambda: self.in_flight > self.hold, timeout=self.overflow)
                self.open = True
                self._condition.notify_all()
            elif not self.open and not self._condition.wait_for(lambda: self.open, timeout=self.give_up):
                self.open = True  # given up on: the stack never had hold writes in flight
                self._condition.notify_all()
        try:
            return proceed()
        finally:
            with self._condition:
                self.in_flight -= 1


def _queues(count: int, prefix: str) -> list[SqsQueueDesired]:
    return [SqsQueueDesired(name=f"{prefix}-{index}", region=REGION) for index in range(count)]


def test_the_default_parallelism_is_ten_writes_in_flight_together_and_never_more() -> None:
    provider = InMemoryProvider(region=REGION)
    queues = _queues(30, "gaps-wide")
    plan = Stack("wide", queues, provider=provider).plan()  # planned unwrapped: only the apply is counted
    spy = InFlight(provider, hold=10)
    stack = Stack("wide", queues, provider=spy)
    result = stack.apply(plan)
    assert result.ok and len(result.done) == 30
    assert spy.gate_met, f"10 independent creates were never in flight together (at most {spy.max_seen})"
    assert spy.max_seen == 10, f"{spy.max_seen} writes in flight: more than the default parallelism of 10"
    assert spy.writes == 30, "one create per queue"
    assert stack.parallelism == 10


@pytest.mark.parametrize("parallelism", [3, 17])
def test_writes_in_flight_reach_the_stacks_parallelism_and_never_exceed_it(parallelism: int) -> None:
    provider = InMemoryProvider(region=REGION)
    buckets = [S3BucketDesired(name=f"gaps-par-{parallelism}-{index}", region=REGION) for index in range(40)]
    plan = Stack("wide", buckets, provider=provider, parallelism=parallelism).plan()
    spy = InFlight(provider, hold=parallelism)
    result = Stack("wide", buckets, provider=spy, parallelism=parallelism).apply(plan)
    assert result.ok and len(result.done) == 40
    assert spy.gate_met and spy.max_seen == parallelism, spy.max_seen
    assert spy.writes == 80, "a bucket is a create and its ownership tag"


def test_with_parallelism_one_no_two_writes_are_ever_in_flight_together() -> None:
    provider = InMemoryProvider(region=REGION)
    queues = _queues(6, "gaps-one")
    plan = Stack("narrow", queues, provider=provider, parallelism=1).plan()
    spy = InFlight(provider, hold=2, give_up=1.0)  # the first create waits for a second one, which never comes
    result = Stack("narrow", queues, provider=spy, parallelism=1).apply(plan)
    assert result.ok and len(result.done) == 6
    assert not spy.gate_met and spy.max_seen == 1 and spy.writes == 6


def test_deletes_of_independent_resources_are_bounded_by_the_parallelism_too() -> None:
    provider = InMemoryProvider(region=REGION)
    queues = _queues(12, "gaps-gone")
    Stack("gone", queues, provider=provider).apply()
    absent = [queue.model_copy(update={"state": "absent"}) for queue in queues]
    spy = InFlight(provider, hold=4, operations=("delete",))
    result = Stack("gone", absent, provider=spy, parallelism=4).apply()
    assert result.ok and len(result.done) == 12
    assert spy.gate_met and spy.max_seen == 4, spy.max_seen
    assert all(provider.world.find("sqs_queue", queue.name, REGION) is None for queue in queues)


def test_no_write_of_a_dependent_starts_before_what_it_depends_on_is_applied() -> None:
    # Ten topics subscribe to one queue, so depend on it. The queue's create is held until some
    # other write arrives (or a second passes): a stack that did not wait would write a topic then.
    provider = InMemoryProvider(region=REGION)
    queue = SqsQueueDesired(name="gaps-hub", region=REGION)
    topics = [SnsTopicDesired(name=f"gaps-spoke-{index}", region=REGION,
                              subscriptions=(Subscription(protocol="sqs", endpoint=queue.ref.arn),))
              for index in range(10)]
    plan = Stack("hub", [*topics, queue], provider=provider).plan()
    spy = Before(provider, watched="gaps-hub")
    result = Stack("hub", [*topics, queue], provider=spy, on_event=spy.event).apply(plan)
    assert result.ok and len(result.done) == 11
    assert spy.watched_writes == 1 and spy.other_writes == 20, "a topic is a create and its subscription"
    assert spy.early == [], f"written before sqs_queue.gaps-hub was applied: {spy.early}"


class Before(WrappingProvider):
    """Lists the writes of other resources made before the ``watched`` one's apply finished; holds
    the watched resource's writes until another write arrives, or ``give_up`` seconds pass."""

    def __init__(self, inner: InMemoryProvider, watched: str, give_up: float = 1.0) -> None:
        super().__init__(inner)
        self.watched = watched
        self.give_up = give_up
        self.finished = False
        self.early: list[str] = []
        self.watched_writes = 0
        self.other_writes = 0
        self._condition = threading.Condition()

    def event(self, event: StackEvent) -> None:
        """The stack's progress callback: notes when the watched resource's apply is over."""
        if event.phase == "apply" and event.resource.endswith(f".{self.watched}") and event.status != "started":
            with self._condition:
                self.finished = True

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.access != "write":
            return proceed()
        with self._condition:
            if call.name == self.watched:
                self.watched_writes += 1
                self._condition.wait_for(lambda: bool(self.early), timeout=self.give_up)
            else:
                self.other_writes += 1
                if not self.finished:
                    self.early.append(f"{call.operation} {call.kind}.{call.name}")
                    self._condition.notify_all()
        return proceed()
