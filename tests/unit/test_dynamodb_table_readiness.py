"""DynamoDB readiness: a table being created, updated (an index building) or deleted is waited for.

Apply waits for a new table to be ACTIVE; a write DynamoDB refuses while the table is busy waits
until it is ready and is made again; both within the readiness budget (30 minutes by default,
``SettlePolicy.ready_timeout``), and the read-backs after a build keep the whole settle budget.
A table being deleted counts as gone, and a replace waits for it before creating the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from structlog.testing import capture_logs

from awsstate import (
    ConvergenceError,
    DynamodbTableManager,
    EventualConsistency,
    InMemoryProvider,
    ProviderError,
    RecordingProvider,
    SettlePolicy,
    TableBilling,
    WrappingProvider,
)
from awsstate.canonical import Json
from awsstate.providers.base import ProviderCall
from awsstate.resources.dynamodb_table.kind import DYNAMODB_TABLE
from awsstate.testing import FakeClock
from tests.unit.test_dynamodb_table_plan import KEYS, NAME, REGION, _desired, _table

T = TypeVar("T")

class BusyAfterWrites(WrappingProvider):
    """DynamoDB as it is: after each create or write the table reads UPDATING for ``reads`` existence
    reads, and refuses changes meanwhile (ResourceInUseException)."""

    def __init__(self, inner: Any, reads: int) -> None:
        super().__init__(inner)
        self.reads = reads
        self.left = 0
        self.refused: list[str] = []

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        if call.operation == "read_existence":
            found: Any = proceed()
            if found is not None and self.left > 0:
                self.left -= 1
                return {**found, "status": "UPDATING"}  # type: ignore[no-any-return]
            return found  # type: ignore[no-any-return]
        if call.operation in ("write_aspect", "delete") and self.left > 0:
            self.refused.append(str(call.aspect or call.operation))
            raise ProviderError("Attempt to change a resource which is still in use", kind=call.kind, name=call.name,
                                aspect=call.aspect, operation="UpdateTable", code="ResourceInUseException")
        result = proceed()
        if call.operation in ("create", "write_aspect"):
            self.left = self.reads
        return result


def test_writes_wait_for_the_table_to_be_ready_within_the_settle_budget(memory: InMemoryProvider) -> None:
    busy = BusyAfterWrites(memory, reads=2)
    recorder = RecordingProvider(busy)
    clock = FakeClock()
    desired = _desired(**KEYS, billing=TableBilling.on_demand(), ttl="expires_at", point_in_time_recovery=True)
    with capture_logs() as logs:
        DynamodbTableManager(provider=recorder, clock=clock).apply(desired)
    assert busy.refused == ["ttl", "point_in_time_recovery"], "each write after a change found the table busy once"
    assert [(c.operation, c.aspect) for c in recorder.writes if c.outcome == "ok"] == [
        ("create", None), ("write_aspect", "ttl"), ("write_aspect", "point_in_time_recovery")]
    waits = [e for e in logs if e["event"] == "settle.waiting" and e["aspect"] == "readiness"]
    # two busy reads before each of the two writes, and two before the settle finds the table ACTIVE
    assert len(waits) == 6 and len(clock.slept) == 6
    assert not DynamodbTableManager(provider=memory).plan(desired).changed


def test_a_table_that_stays_busy_is_a_convergence_error_naming_the_write(memory: InMemoryProvider) -> None:
    busy = BusyAfterWrites(memory, reads=10_000)
    clock = FakeClock()
    manager = DynamodbTableManager(provider=busy, clock=clock, settle=SettlePolicy(timeout=5.0, ready_timeout=5.0))
    with pytest.raises(ConvergenceError, match="ttl") as caught:
        manager.apply(_desired(**KEYS, billing=TableBilling.on_demand(), ttl="expires_at"))
    assert caught.value.aspect == "ttl" and clock.now == pytest.approx(5.0)


def test_an_index_build_is_waited_for_30_minutes_by_default_not_the_60_s_settle_budget(
        memory: InMemoryProvider) -> None:
    # After each write, 200 busy reads at the 5 s backoff ceiling: about 16 minutes of waiting, each
    # far past the 60 s settle timeout, and no error.
    busy = BusyAfterWrites(memory, reads=200)
    clock = FakeClock()
    desired = _desired(**KEYS, billing=TableBilling.on_demand(), ttl="expires_at")
    DynamodbTableManager(provider=busy, clock=clock).apply(desired)
    assert clock.now > 900 and not DynamodbTableManager(provider=memory).plan(desired).changed
    stuck = BusyAfterWrites(InMemoryProvider(region="us-east-1"), reads=100_000)  # a table never ready
    later = FakeClock()
    with pytest.raises(ConvergenceError, match="ttl"):
        DynamodbTableManager(provider=stuck, clock=later).apply(desired)
    assert later.now == pytest.approx(1800.0)
    assert SettlePolicy(timeout=3600).for_readiness(1800).timeout == 3600  # a longer settle budget wins


def test_a_refusal_of_a_ready_table_is_raised_at_once(memory: InMemoryProvider) -> None:
    class Refusing(WrappingProvider):
        def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
            if call.operation == "write_aspect":
                raise ProviderError("no", kind=call.kind, name=call.name, code="ValidationException")
            return proceed()

    _table(memory)
    clock = FakeClock()
    with pytest.raises(ProviderError, match="no"):
        DynamodbTableManager(provider=Refusing(memory), clock=clock).apply(_desired(ttl="expires_at"))
    assert clock.slept == []


def test_a_table_being_deleted_counts_as_gone(memory: InMemoryProvider) -> None:
    _table(memory)
    record = memory.world.require("dynamodb_table", NAME, REGION)
    record.attributes["status"] = "DELETING"
    manager = DynamodbTableManager(provider=memory)
    assert manager.get(NAME, REGION) is None
    assert not manager.plan(_desired(state="absent")).changed
    assert DYNAMODB_TABLE.gone is not None and DYNAMODB_TABLE.ready is not None


class SlowDelete(WrappingProvider):
    """DynamoDB as it is: a deleted table reads DELETING for ``reads`` existence reads, and its name
    cannot be created again meanwhile (ResourceInUseException)."""

    def __init__(self, inner: Any, reads: int) -> None:
        super().__init__(inner)
        self.reads = reads
        self.left = 0
        self.deleted: dict[str, Json] = {}

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        if call.operation == "delete":
            found = self.inner.read_existence(call.ref)
            result = proceed()
            if found is not None:
                self.deleted, self.left = {**found, "status": "DELETING"}, self.reads
            return result
        if call.operation == "read_existence" and self.left > 0:
            self.left -= 1
            return self.deleted  # type: ignore[return-value]
        if call.operation == "create" and self.left > 0:
            raise ProviderError("Table already exists", kind=call.kind, name=call.name, operation="CreateTable",
                                code="ResourceInUseException")
        return proceed()


def test_a_replace_waits_for_the_old_table_to_be_gone_before_creating_the_new_one(memory: InMemoryProvider) -> None:
    _table(memory)
    slow = SlowDelete(memory, reads=3)
    recorder = RecordingProvider(slow)
    clock = FakeClock()
    desired = _desired(hash_key=("pk", "N"), billing=TableBilling.on_demand())
    DynamodbTableManager(provider=recorder, clock=clock).apply(desired, allow_replace=True)
    # refused while the old table is being deleted, then made once it is gone
    assert [c.outcome for c in recorder.writes if c.operation == "create"] == ["ProviderError", "ok"]
    assert clock.slept, "it waited for the deletion"
    assert DynamodbTableManager(provider=memory).get(NAME, REGION).hash_key.type == "N"  # type: ignore[union-attr]


def test_a_long_build_leaves_the_read_backs_after_it_their_whole_settle_budget() -> None:
    # The table is busy for about 16 minutes after its create, then every written value reads
    # stale once: the read-backs still have their 60 s.
    lagging = InMemoryProvider(region="us-east-1", consistency=EventualConsistency(stale_reads=1))
    busy = BusyAfterWrites(lagging, reads=200)
    desired = _desired(**KEYS, billing=TableBilling.on_demand(), ttl="expires_at")
    DynamodbTableManager(provider=busy, clock=FakeClock()).apply(desired)
    assert not DynamodbTableManager(provider=lagging).plan(desired).changed
