"""The proof harness for S3 objects and sync: call budgets, a fault sweep on a small tree, eventual consistency.

The sweep fails every call of a clean sync apply in turn (throttling before the call, an HTTP 500
after it took effect, a crash before and after), over a tree that needs every kind of action
(puts, replaces, a same-size edit, a metadata-only update, a delete) next to objects that must
survive (outside the prefix, excluded by a glob). Each time: the failed apply raises a clear
error naming the bucket (and the key), one more apply converges to exactly the clean run's end
state, nothing already written is written again, and nothing but the planned delete is deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    EventualConsistency,
    FaultInjectingProvider,
    InMemoryProvider,
    RecordingProvider,
    S3ObjectDesired,
    S3Objects,
    S3SyncDesired,
    SimulatedCrash,
    UnsafeChangeError,
    World,
)
from awsstate.kinds import kind_spec
from awsstate.testing import FakeClock
from tests.harness_stats import STATS
from tests.objects_support import BUCKET, buckets, objects_on

MODES = [("throttled", "before"), ("server_error", "after"), ("crash", "before"), ("crash", "after")]
REMOTE = {"static/same.txt": b"same", "static/edit.txt": b"old1", "static/grow.txt": b"short",
          "static/gone.txt": b"bye", "static/keep.tmp": b"excluded", "elsewhere/keep.txt": b"bystander"}
LOCAL: dict[str, bytes | Path] = {"same.txt": b"same", "edit.txt": b"new1", "grow.txt": b"much longer",
                                  "new.txt": b"new", "sub/deep.txt": b"deep"}
DESIRED = S3SyncDesired(bucket=BUCKET, prefix="static", source=LOCAL, delete=True, exclude=("*.tmp",),
                        verify_metadata=True, metadata={"v": "2"})


def _world() -> tuple[World, InMemoryProvider]:
    world = World()
    memory = InMemoryProvider(world)
    buckets(memory, BUCKET)
    store = world.contents("s3_bucket", BUCKET)
    for key, body in REMOTE.items():
        store.put_object(key, body)
    return world, memory


def _snapshot(world: World) -> dict[str, Any]:
    store = world.contents("s3_bucket", BUCKET)
    state = {}
    for key, body in store.objects.items():
        head = store.heads.get(key)
        state[key] = (body, head and (head.content_type, dict(head.metadata), head.sha256, head.storage_class))
    return state


def _clean() -> tuple[int, dict[str, Any]]:
    world, memory = _world()
    counter = FaultInjectingProvider(memory)
    S3Objects(counter, clock=FakeClock(), progress=False).apply(DESIRED)
    return counter.calls, _snapshot(world)


CALLS, CLEAN_STATE = _clean()
CASES = [pytest.param(error, when, n, id=f"s3_sync-{error}-{when}-call{n:02d}")
         for n in range(1, CALLS + 1) for error, when in MODES]


def test_the_sweep_tree_needs_every_kind_of_action() -> None:
    _, memory = _world()
    plan = S3Objects(memory, progress=False).plan(DESIRED)
    assert sorted({a.type for a in plan.actions}) == ["delete", "put", "replace", "update_metadata"]
    assert CALLS >= 9


@pytest.mark.faults
@pytest.mark.parametrize(("error", "when", "n"), CASES)
def test_after_a_fault_at_any_call_of_a_sync_one_more_apply_converges(error: Any, when: Any, n: int) -> None:
    world, memory = _world()
    recorder = RecordingProvider(memory)
    faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)
    try:
        S3Objects(faulty, clock=FakeClock(), progress=False).apply(DESIRED)
    except SimulatedCrash:
        assert error == "crash"
    except AwsStateError as failure:
        assert error != "crash", f"a crash surfaced as {failure!r}"
        call = faulty.injected[0].call
        assert BUCKET in str(failure), f"unclear error: {failure}"
        assert call.key is None or call.key in str(failure), f"the error does not name the key: {failure}"
    else:
        pytest.fail(f"the fault at call {n} did not stop the apply")
    STATS.add("faults injected", "s3_sync")
    written_before = {c.key for c in recorder.writes if c.outcome == "ok"}
    recorder.clear()

    rerun = S3Objects(recorder, clock=FakeClock(), progress=False)
    rerun.apply(DESIRED)
    rewritten = {c.key for c in recorder.writes} & written_before
    assert not rewritten, f"written twice: {rewritten}"
    assert not rerun.plan(DESIRED).changed
    assert _snapshot(world) == CLEAN_STATE
    STATS.add("faults survived", "s3_sync")


def test_a_sync_right_after_the_buckets_create_waits_for_it_and_writes_each_object_once() -> None:
    memory = InMemoryProvider(consistency=EventualConsistency(missing_after_create=3))
    memory.create(kind_spec("s3_bucket").ref(BUCKET, "us-east-1"), {})
    recorder = RecordingProvider(memory)
    clock = FakeClock()
    objects = S3Objects(recorder, clock=clock, progress=False)
    objects.apply(S3SyncDesired(bucket=BUCKET, source={"a": b"1", "b": b"2"}, delete=True))
    assert clock.slept, "the lag was waited out"
    assert sorted(c.key for c in recorder.writes if c.outcome == "ok") == ["a", "b"]
    assert [c for c in recorder.calls if c.operation == "delete_object"] == []
    assert not objects.plan(S3SyncDesired(bucket=BUCKET, source={"a": b"1", "b": b"2"}, delete=True)).changed


def test_an_object_right_after_the_buckets_create_is_written_once() -> None:
    memory = InMemoryProvider(consistency=EventualConsistency(missing_after_create=2))
    memory.create(kind_spec("s3_bucket").ref(BUCKET, "us-east-1"), {})
    recorder = RecordingProvider(memory)
    objects = S3Objects(recorder, clock=FakeClock(), progress=False)
    objects.apply(S3ObjectDesired(bucket=BUCKET, key="k", text="v"))
    assert [c.operation for c in recorder.writes] == ["write_object"]


def test_budgets_plan_never_writes_first_upload_is_one_list_plus_one_write_per_file(memory: InMemoryProvider) -> None:
    buckets(memory)
    recorder, objects = objects_on(memory)
    manifest: dict[str, bytes | Path] = {f"{i:04d}": b"x" for i in range(1200)}
    desired = S3SyncDesired(bucket=BUCKET, source=manifest)
    objects.plan(desired)
    assert recorder.writes == [] and [c.operation for c in recorder.calls] == ["list_objects"]
    recorder.clear()
    objects.apply(desired)
    operations = [c.operation for c in recorder.calls]
    assert operations.count("list_objects") == 1 and operations.count("write_object") == 1200
    assert len(operations) == 1201
    recorder.clear()
    objects.apply(desired)
    assert [c.operation for c in recorder.calls] == ["list_objects"] * 2, "⌈1200/1000⌉ LISTs and nothing else"
    recorder.clear()
    with pytest.raises(UnsafeChangeError):
        objects.apply(S3SyncDesired(bucket=BUCKET, source={"only": b"1"}, delete=True))
    assert recorder.writes == []


def test_budgets_a_converged_object_costs_one_head(memory: InMemoryProvider) -> None:
    buckets(memory)
    recorder, objects = objects_on(memory)
    desired = S3ObjectDesired(bucket=BUCKET, key="k.txt", text="v", metadata={"a": "b"}, cache_control="no-cache")
    objects.apply(desired)
    recorder.clear()
    assert not objects.apply(desired).changed
    assert [c.operation for c in recorder.calls] == ["read_object_head"]
