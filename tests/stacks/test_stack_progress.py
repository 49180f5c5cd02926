"""Stacks report progress: an event as each resource starts and finishes, in every phase."""

from __future__ import annotations

import pytest

from awsstate import InMemoryProvider, S3BucketDesired, Stack, StackApplyError, StackEvent
from tests.stacks.shapes import REGION, orders
from tests.stacks.test_stack_apply import FailOne


def _recorder() -> tuple[list[StackEvent], Stack, InMemoryProvider]:
    events: list[StackEvent] = []
    provider = InMemoryProvider(region=REGION)
    return events, Stack("orders", orders(), provider=provider, on_event=events.append), provider


def test_plan_and_apply_report_each_resource_starting_and_finishing() -> None:
    events, stack, _ = _recorder()
    plan = stack.plan()
    total = len(plan.order)
    assert [e.phase for e in events] == ["plan"] * 2 * total
    assert sorted(e.resource for e in events if e.status == "started") == sorted(plan.order)
    assert [e.finished for e in events if e.status == "done"] == list(range(1, total + 1))
    events.clear()
    stack.apply(plan)
    finished = [e for e in events if e.status != "started"]
    assert {e.phase for e in events} == {"apply"} and len(finished) == total
    assert all(e.status == "done" and e.actions >= 1 for e in finished)
    assert str(finished[-1]).startswith(f"[{total}/{total}] apply ")
    events.clear()
    stack.apply()
    assert {e.status for e in events if e.phase == "apply" and e.status != "started"} == {"unchanged"}


def test_a_failure_and_what_it_skips_are_reported_with_the_reason() -> None:
    events: list[StackEvent] = []
    stack = Stack("orders", orders(), provider=FailOne(InMemoryProvider(region=REGION), "orders-q"),
                  on_event=events.append)
    with pytest.raises(StackApplyError):
        stack.apply()
    applied = {e.resource: e for e in events if e.phase == "apply" and e.status != "started"}
    assert applied["sqs_queue.orders-q"].status == "failed"
    assert "refused for the test" in applied["sqs_queue.orders-q"].detail
    assert applied["sns_topic.orders"].status == "skipped"
    assert applied["sns_topic.orders"].detail == "depends on sqs_queue.orders-q, which failed"
    assert "skipped: depends on sqs_queue.orders-q" in str(applied["sns_topic.orders"])


def test_deletes_are_reported_in_their_own_phase() -> None:
    provider = InMemoryProvider(region=REGION)
    Stack("logs", [S3BucketDesired(name="logs-a", region=REGION)], provider=provider).apply()
    events: list[StackEvent] = []
    Stack("logs", [S3BucketDesired(name="logs-a", region=REGION, state="absent")], provider=provider,
          on_event=events.append).apply()
    deleted = [e for e in events if e.phase == "delete" and e.status != "started"]
    assert [(e.resource, e.status, e.finished, e.total) for e in deleted] == [("s3_bucket.logs-a", "done", 1, 1)]


def test_a_broken_callback_never_changes_what_is_applied() -> None:
    def broken(event: StackEvent) -> None:
        raise ValueError("display went away")

    provider = InMemoryProvider(region=REGION)
    result = Stack("orders", orders(), provider=provider, on_event=broken).apply()
    assert result.ok and not Stack("orders", orders(), provider=provider).plan().changed
