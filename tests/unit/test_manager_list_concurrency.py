"""``Manager.list`` reads resources ahead of the iteration, ``parallelism`` at once, in name order.

``InFlight`` (tests/stacks/test_stack_write_concurrency.py) holds the existence reads until
``hold`` are in flight together, so a list that read one resource after another could never reach
it; no assertion is about time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    ProviderCall,
    RecordingProvider,
    SqsQueueDesired,
    SqsQueueManager,
    WrappingProvider,
)
from tests.stacks.test_stack_write_concurrency import InFlight

REGION = "eu-west-1"


def _queues(count: int) -> InMemoryProvider:
    memory = InMemoryProvider(region=REGION)
    manager = SqsQueueManager(provider=memory)
    for index in range(count):
        manager.apply(SqsQueueDesired(name=f"list-{index:02d}", region=REGION, visibility_timeout_seconds=index + 1))
    return memory


@pytest.mark.parametrize("parallelism", [4, 10])
def test_reads_are_in_flight_together_up_to_parallelism_and_come_back_in_name_order(parallelism: int) -> None:
    memory = _queues(25)
    spy = InFlight(memory, hold=parallelism, operations=("read_existence",))
    listed = list(SqsQueueManager(provider=spy).list(REGION, parallelism=parallelism))
    assert [q.name for q in listed] == [f"list-{i:02d}" for i in range(25)]
    assert [q.visibility_timeout_seconds for q in listed] == list(range(1, 26))
    assert spy.gate_met and spy.max_seen == parallelism, spy.max_seen


def test_with_parallelism_one_reads_are_one_at_a_time() -> None:
    spy = InFlight(_queues(5), hold=2, operations=("read_existence",), give_up=0.2)
    assert len(list(SqsQueueManager(provider=spy).list(REGION, parallelism=1))) == 5
    assert spy.max_seen == 1


def test_stopping_early_reads_at_most_parallelism_ahead_and_a_deleted_resource_is_left_out() -> None:
    memory = _queues(30)
    recorder = RecordingProvider(memory)
    listing = SqsQueueManager(provider=recorder).list(REGION, parallelism=5)
    first = [next(listing).name for _ in range(3)]
    listing.close()
    assert first == ["list-00", "list-01", "list-02"]
    assert len([c for c in recorder.calls if c.operation == "read_existence"]) <= 3 + 5

    class DeletesOneAfterTheListing(WrappingProvider):
        deleted = False

        def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
            if call.operation == "read_existence" and not self.deleted:
                self.deleted = True  # the listing named it; it is gone before its read
                SqsQueueManager(provider=memory).delete("list-07", REGION)
            return proceed()

    gone = [q.name for q in SqsQueueManager(provider=DeletesOneAfterTheListing(memory)).list(REGION, parallelism=5)]
    assert "list-07" not in gone and len(gone) == 29
    with pytest.raises(ValueError, match="parallelism"):
        next(SqsQueueManager(provider=memory).list(REGION, parallelism=0))


def test_a_read_that_fails_raises_at_its_place_after_the_ones_before_it() -> None:
    from awsstate import FaultInjectingProvider, ProviderError

    memory = _queues(12)
    failing = FaultInjectingProvider(memory, fail_on=lambda c: c.operation == "read_existence" and c.name == "list-05",
                                     error="server_error")
    seen: list[str] = []
    with pytest.raises(ProviderError, match="list-05"):
        for queue in SqsQueueManager(provider=failing).list(REGION, parallelism=4):
            seen.append(queue.name)
    assert seen == [f"list-{i:02d}" for i in range(5)]
