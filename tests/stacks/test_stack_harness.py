"""The proof harness over stacks: a fault at any call of a stack apply, eventual consistency, budgets.

For the example stack and a 56-resource mixed stack (eight groups of seven), every call of a clean
apply is failed in turn (throttling, an HTTP 500 after the call took effect, a crash before it, a
crash after it took effect, an answer lost after the call took effect and the call sent again).
After each: one more apply converges, the next plan is empty, nothing was created twice and nothing
was deleted. Throttling is absorbed by the stack's adaptive limiter (the apply succeeds), a lost
answer by sending again. CI runs every call of the example stack and a sample of the mixed stack's
calls; ``AWSSTATE_FULL_SWEEP=1`` (``make sweep``) runs them all.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    EventualConsistency,
    FaultInjectingProvider,
    InMemoryProvider,
    RecordingProvider,
    SimulatedCrash,
    Stack,
    StackApplyError,
)
from awsstate.models import DesiredModel
from awsstate.stack import AdaptiveLimiter, RateLimits
from awsstate.testing import FakeClock
from tests.harness_stats import STATS
from tests.stacks.shapes import REGION, mixed, orders

FULL = os.environ.get("AWSSTATE_FULL_SWEEP") == "1"
MODES = [("throttled", "before"), ("server_error", "after"), ("crash", "before"), ("crash", "after"),
         ("drop_response", "after")]
SHAPES: dict[str, Callable[[], list[DesiredModel]]] = {"orders": orders, "mixed": lambda: mixed(50)}


def _stack(resources: list[DesiredModel], provider: Any) -> Stack:
    # parallelism=1: the calls come in one order, so "call N" is the same call in every run; the
    # limiter recovers fast, as one injected throttle says nothing about the service's real pace
    return Stack("harness", resources, provider=provider, parallelism=1, clock=FakeClock(),
                 rate_limits=RateLimits(lambda: AdaptiveLimiter(increase=100.0)))


def _calls(shape: str) -> int:
    counter = FaultInjectingProvider(InMemoryProvider(region=REGION))
    _stack(SHAPES[shape](), counter).apply()
    return counter.calls


CALLS = {shape: _calls(shape) for shape in SHAPES}
CASES = [
    pytest.param(shape, error, when, n, id=f"{shape}-{error}-{when}-call{n:03d}")
    for shape, calls in CALLS.items()
    for n in range(1, calls + 1)
    if FULL or shape == "orders" or n % 17 == 1
    for error, when in MODES
]


@pytest.mark.faults
@pytest.mark.parametrize(("shape", "error", "when", "n"), CASES)
def test_after_a_fault_at_any_call_of_a_stack_apply_one_more_apply_converges(
        shape: str, error: Any, when: Any, n: int) -> None:
    memory = InMemoryProvider(region=REGION)
    recorder = RecordingProvider(memory)  # under the injector: sees only calls that reached the backend
    faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)
    resources = SHAPES[shape]()
    try:
        _stack(resources, faulty).apply()
    except SimulatedCrash:
        assert error == "crash"
    except StackApplyError as failure:  # a write failed: the result says which resource
        assert error == "server_error", f"{error} surfaced as {failure!r}"
        assert failure.result.failed, str(failure)
    except AwsStateError as failure:  # a read of the apply's own plan failed: nothing was written
        assert error == "server_error" and faulty.injected[0].call.access == "read", repr(failure)
        assert faulty.injected[0].call.name in str(failure)
    else:  # absorbed: throttling by the limiter, a lost answer by sending again (and reusing what it made)
        assert error in ("throttled", "drop_response"), f"the fault at call {n} ({faulty.injected}) did not stop " \
            "the apply"
    assert len(faulty.injected) == 1
    STATS.add("stack faults injected", shape)
    _stack(resources, recorder).apply()
    assert not _stack(resources, recorder).plan().changed
    creates = Counter((c.kind, c.name) for c in recorder.calls if c.operation == "create")
    lost = faulty.injected[0].call
    if error == "drop_response" and lost.operation == "create":  # the wire sent it twice; one resource
        creates[(lost.kind, lost.name)] -= 1
    assert all(count == 1 for count in creates.values()), f"created more than once: {creates}"
    assert len(creates) == len(resources)
    assert [c for c in recorder.calls if c.operation == "delete"] == []


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_stack_settles_through_eventual_consistency_without_creating_twice(shape: str) -> None:
    lagging = InMemoryProvider(region=REGION, consistency=EventualConsistency(missing_after_create=2, stale_reads=2))
    recorder = RecordingProvider(lagging)
    resources = SHAPES[shape]()
    Stack("lag", resources, provider=recorder, clock=FakeClock()).apply()
    creates = Counter((c.kind, c.name) for c in recorder.calls if c.operation == "create")
    assert len(creates) == len(resources) and set(creates.values()) == {1}
    assert not Stack("lag", resources, provider=lagging, clock=FakeClock()).plan().changed


def test_a_stack_apply_that_fails_names_the_resource_and_the_call() -> None:
    faulty = FaultInjectingProvider(InMemoryProvider(region=REGION),
                                    fail_on=lambda c: c.operation == "create" and c.kind == "sqs_queue",
                                    error="server_error")
    with pytest.raises(AwsStateError, match=r"failed  sqs_queue.orders-q: sqs_queue 'orders-q': HTTP 500"):
        _stack(orders(), faulty).apply()
