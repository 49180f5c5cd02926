"""S3 objects and directory syncs in a stack: planned and applied after their bucket, in one plan.

A bucket the plan creates has nothing to read, so its content is planned without a call; a bucket
that exists is read as ``S3Objects.plan`` reads it. A content member's plan is in the stack plan
(JSON included) under ``s3_object.<bucket>/<key>`` or ``s3_sync.<bucket>/<prefix>``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    RecordingProvider,
    S3BucketDesired,
    S3ObjectDesired,
    S3SyncDesired,
    Stack,
    World,
)
from awsstate.errors import InvalidPlanError, NotFoundError, StackApplyError, StackError, UnsafeChangeError
from awsstate.objects.plans import ObjectPlan, SyncPlan
from awsstate.objects.verbs import S3Objects
from awsstate.providers.base import Provider
from awsstate.providers.faults import FaultInjectingProvider
from awsstate.stack import StackPlan
from awsstate.testing import FakeClock
from tests.objects_support import stored, tree

BUCKET = "stack-content-site"
OBJECT_CALLS = {"read_object_head", "read_object_tags", "list_objects", "write_object", "copy_object",
                "write_object_tags", "delete_object"}


def _site(tmp_path: Path, **bucket: Any) -> tuple[S3BucketDesired, S3ObjectDesired, S3SyncDesired, S3ObjectDesired]:
    root = tree(tmp_path / "site", {"index.html": "<h1>hi</h1>", "assets/a.css": "a{}", "assets/b.js": "let b",
                                    "assets/img/c.svg": "<svg/>"})
    site = S3BucketDesired(name=BUCKET, region="eu-west-1", **bucket)
    index = S3ObjectDesired(bucket=site.ref.name, key="index.html", source=root / "index.html",
                            cache_control="no-cache")
    assets = S3SyncDesired(bucket=site.ref.name, prefix="assets", source=root / "assets", delete=True)
    note = S3ObjectDesired(bucket=BUCKET, key="note.txt", text="hello")  # by plain name: ordered all the same
    return site, index, assets, note


def _stack(members: list[Any], provider: Provider, **options: Any) -> Stack:
    return Stack("site", members, provider=provider, clock=FakeClock(), **options)


def test_a_bucket_its_objects_and_a_sync_converge_in_one_stack(tmp_path: Path, world: World,
                                                                recorder: RecordingProvider) -> None:
    site, index, assets, note = _site(tmp_path)
    stack = _stack([note, assets, index, site], recorder)
    plan = stack.plan()
    keys = ["s3_bucket.stack-content-site", "s3_object.stack-content-site/note.txt",
            "s3_sync.stack-content-site/assets/", "s3_object.stack-content-site/index.html"]
    assert list(plan.order) == keys  # the bucket first, whatever order the members were given in
    assert all(plan.depends_on[key] == ("s3_bucket.stack-content-site",) for key in keys[1:])
    assert isinstance(plan.plans[keys[1]], ObjectPlan) and isinstance(plan.plans[keys[2]], SyncPlan)
    assert [a.type for a in plan.plans[keys[2]].actions] == ["put", "put", "put"]
    # A bucket the plan creates has nothing to read: no object call at all, and no LIST counted.
    assert not {c.operation for c in recorder.calls} & OBJECT_CALLS
    sync_plan = plan.plans[keys[2]]
    assert isinstance(sync_plan, SyncPlan) and sync_plan.list_requests == 0
    assert "+ put assets/img/c.svg" in str(plan) and "s3 object s3://stack-content-site/note.txt" in str(plan)

    recorder.clear()
    result = stack.apply(plan)
    assert result.ok and set(result.done) == set(keys), str(result)
    operations = [c.operation for c in recorder.writes]
    assert operations.index("create") < min(i for i, op in enumerate(operations) if op == "write_object")
    assert stored(world, BUCKET) == {"index.html": b"<h1>hi</h1>", "note.txt": b"hello", "assets/a.css": b"a{}",
                                     "assets/b.js": b"let b", "assets/img/c.svg": b"<svg/>"}
    head = S3Objects(InMemoryProvider(world), progress=False).head(f"s3://{BUCKET}/index.html")
    assert head is not None and head.cache_control == "no-cache" and head.content_type == "text/html"

    recorder.clear()
    again = stack.plan()
    assert not again.changed, str(again)
    content_calls = sorted(c.operation for c in recorder.calls if c.operation in OBJECT_CALLS)
    assert content_calls == ["list_objects", "read_object_head", "read_object_head"]  # one HEAD per object, one LIST
    assert all(c.region == "eu-west-1" for c in recorder.calls if c.operation in OBJECT_CALLS)  # the bucket's region
    recorder.clear()
    assert not stack.apply().changed and not recorder.writes


def test_drift_in_content_is_found_and_reverted_and_an_absent_object_is_deleted(
        tmp_path: Path, world: World, recorder: RecordingProvider) -> None:
    site, index, assets, note = _site(tmp_path)
    _stack([site, index, assets, note], recorder).apply()
    outside = S3Objects(InMemoryProvider(world), progress=False)
    outside.write(f"s3://{BUCKET}/index.html", b"<h1>changed</h1>")
    outside.write(f"s3://{BUCKET}/assets/stale.css", b"old")
    gone = note.model_copy(update={"state": "absent", "text": None})
    stack = _stack([site, index, assets, gone], recorder)
    plan = stack.plan()
    assert [a.type for a in plan.plans[f"s3_object.{BUCKET}/index.html"].actions] == ["replace"]
    assert [(a.type, a.key) for a in plan.plans[f"s3_sync.{BUCKET}/assets/"].actions] == [("delete",
                                                                                           "assets/stale.css")]
    assert [a.type for a in plan.plans[f"s3_object.{BUCKET}/note.txt"].actions] == ["delete"]
    assert plan.deletes() == []  # content deletes are not resource deletes: they run after the bucket, not last
    stack.apply(plan)
    assert stored(world, BUCKET)["index.html"] == b"<h1>hi</h1>"
    assert "assets/stale.css" not in stored(world, BUCKET) and "note.txt" not in stored(world, BUCKET)
    assert not stack.plan().changed


def test_content_in_a_bucket_outside_the_stack_is_read_and_orders_nothing(world: World,
                                                                          recorder: RecordingProvider) -> None:
    outside = S3Objects(InMemoryProvider(world), progress=False)
    _stack([S3BucketDesired(name=BUCKET)], InMemoryProvider(world)).apply()
    outside.write(f"s3://{BUCKET}/readme.txt", b"old")
    stack = Stack("other", [S3ObjectDesired(bucket=BUCKET, key="readme.txt", text="new")], provider=recorder,
                  clock=FakeClock())
    plan = stack.plan()
    assert plan.depends_on == {f"s3_object.{BUCKET}/readme.txt": ()}
    assert [a.type for a in plan.plans[f"s3_object.{BUCKET}/readme.txt"].actions] == ["replace"]
    assert [c.operation for c in recorder.calls if c.operation in OBJECT_CALLS] == ["read_object_head",
                                                                                     "read_object_tags"]
    stack.apply(plan)
    assert stored(world, BUCKET)["readme.txt"] == b"new"


@pytest.mark.parametrize("members, message", [
    pytest.param(lambda site: [S3ObjectDesired(bucket=site.ref.name, key="k", text="x")],
                 "s3_bucket 'stack-content-site' is not in the stack", id="ref-to-a-bucket-not-in-the-stack"),
    pytest.param(lambda site: [site.model_copy(update={"state": "absent"}),
                               S3ObjectDesired(bucket=BUCKET, key="k", text="x")],
                 "is absent in the stack", id="content-in-a-bucket-the-stack-deletes"),
    pytest.param(lambda site: [site, S3ObjectDesired(bucket=BUCKET, key="k", text="x"),
                               S3ObjectDesired(bucket=site.ref.name, key="k", text="y")],
                 "s3_object.stack-content-site/k is in the stack twice", id="one-object-twice"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, prefix="p", source={"a": b"1"}),
                               S3SyncDesired(bucket=BUCKET, prefix="p/", source={"b": b"2"})],
                 "s3_sync.stack-content-site/p/ is in the stack twice", id="one-prefix-synced-twice"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, source={"a": b"1"}, delete=True),
                               S3ObjectDesired(bucket=BUCKET, key="extra.txt", text="x")],
                 "extra.txt is under s3_sync.stack-content-site/, which would also write or delete it",
                 id="an-object-a-deleting-sync-would-delete"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, prefix="p", source={"a.txt": b"1"}),
                               S3ObjectDesired(bucket=BUCKET, key="p/a.txt", text="x")],
                 "p/a.txt is under s3_sync.stack-content-site/p/", id="an-object-a-sync-would-overwrite"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, prefix="a", source={"x": b"1"}, delete=True),
                               S3SyncDesired(bucket=BUCKET, prefix="a/b", source={"y": b"2"})],
                 "s3_sync.stack-content-site/a/ and s3_sync.stack-content-site/a/b/ nest", id="nested-deleting-syncs"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, source={"b/z.css": b"1"}, include=("*.css",)),
                               S3SyncDesired(bucket=BUCKET, prefix="b", source={"y": b"2"})],
                 "nest, and the outer sync would write", id="an-outer-sync-uploading-into-an-inner-prefix"),
    pytest.param(lambda site: [site, S3SyncDesired(bucket=BUCKET, source={"a": b"1"}, delete=True,
                                                   exclude=("assets/*",)),
                               S3SyncDesired(bucket=BUCKET, prefix="assets", source={"img/x.png": b"2"})],
                 "nest", id="an-exclude-that-leaves-sub-folders-in-scope"),
    pytest.param(lambda site: [site, S3ObjectDesired(bucket=BUCKET, key="k", text="x",
                                                     metadata={"queue": "${sqs_queue.q.arn}"})],
                 r"metadata\.queue refers to \$\{sqs_queue\.q\.arn\}, but in an S3 object or sync only bucket may",
                 id="a-reference-outside-bucket"),
    pytest.param(lambda site: [site.model_copy(update={"region": "us-west-2"}),
                               S3ObjectDesired(bucket=BUCKET, key="k", text="x", region="eu-west-1")],
                 "region eu-west-1, but its bucket s3_bucket.stack-content-site is in us-west-2",
                 id="another-region-than-its-bucket"),
])
def test_content_the_stack_cannot_hold_is_refused_before_any_call(members: Callable[[S3BucketDesired], list[Any]],
                                                                   message: str,
                                                                   recorder: RecordingProvider) -> None:
    stack = _stack(members(S3BucketDesired(name=BUCKET)), recorder)
    with pytest.raises(StackError, match=message):
        stack.validate()
    with pytest.raises(StackError, match=message):
        stack.plan()
    assert not recorder.calls


def test_a_bucket_reference_outside_a_stack_is_refused_before_any_call(recorder: RecordingProvider) -> None:
    reference = S3BucketDesired(name=BUCKET).ref.name
    objects = S3Objects(recorder, progress=False)
    with pytest.raises(StackError, match=r"only a Stack resolves.*give the bucket's name \('stack-content-site'\)"):
        objects.plan(S3ObjectDesired(bucket=reference, key="k", text="x"))
    with pytest.raises(StackError, match="only a Stack resolves"):
        objects.apply(S3SyncDesired(bucket=reference, source={"a": b"1"}))
    assert not recorder.calls
    with pytest.raises(ValueError, match=r"expected a reference to s3_bucket\.<name>\.name"):
        S3ObjectDesired(bucket="${sqs_queue.q.arn}", key="k", text="x")


def test_a_sync_whose_deletes_the_guard_refuses_stops_the_stack_plan(tmp_path: Path, world: World) -> None:
    site = S3BucketDesired(name=BUCKET)
    outside = S3Objects(InMemoryProvider(world), progress=False)
    _stack([site], InMemoryProvider(world)).apply()
    for index in range(4):
        outside.write(f"s3://{BUCKET}/p/old{index}", b"x")
    shrunk = S3SyncDesired(bucket=site.ref.name, prefix="p", source={"new": b"1"}, delete=True)
    with pytest.raises(UnsafeChangeError, match=r"more than max_delete_fraction=0\.5"):
        _stack([site, shrunk], InMemoryProvider(world)).plan()
    assert len(stored(world, BUCKET)) == 4


def test_a_saved_plan_round_trips_and_applies_in_another_process(tmp_path: Path, world: World) -> None:
    site, index, assets, note = _site(tmp_path)
    plan = _stack([site, index, assets, note], InMemoryProvider(world)).plan()
    saved = StackPlan.model_validate_json(plan.model_dump_json())
    assert saved == plan and isinstance(saved.plans[f"s3_sync.{BUCKET}/assets/"], SyncPlan)
    # Files are read again from their paths; text given in memory is not in the JSON: say so before any write.
    recorder = RecordingProvider(InMemoryProvider(world))
    bare = Stack.for_plan(saved, provider=recorder, clock=FakeClock())
    with pytest.raises(InvalidPlanError, match=r"note\.txt: the saved plan uploads text.*Nothing was written"):
        bare.apply(saved)
    assert not recorder.writes and world.find("s3_bucket", BUCKET) is None
    # The stack with its desired state applies the same saved plan whole.
    full = _stack([site, index, assets, note], recorder)
    assert full.apply(StackPlan.model_validate_json(plan.model_dump_json())).ok
    assert stored(world, BUCKET)["note.txt"] == b"hello" and stored(world, BUCKET)["index.html"] == b"<h1>hi</h1>"
    # A desired state that no longer uploads that key cannot supply it either.
    gone = note.model_copy(update={"state": "absent", "text": None})
    again = StackPlan.model_validate_json(_stack([site, index, assets, note], InMemoryProvider(World())).plan()
                                          .model_dump_json())
    with pytest.raises(InvalidPlanError, match=r"note\.txt"):
        _stack([site, index, assets, gone], InMemoryProvider(World())).apply(again)


def test_a_saved_plan_whose_object_changed_since_is_refused(tmp_path: Path, world: World) -> None:
    site, index, assets, note = _site(tmp_path)
    stack = _stack([site, index, assets, note], InMemoryProvider(world))
    stack.apply()
    (tmp_path / "site" / "index.html").write_text("<h1>v2</h1>")
    plan = stack.plan()
    S3Objects(InMemoryProvider(world), progress=False).write(f"s3://{BUCKET}/index.html", b"someone else")
    with pytest.raises(StackApplyError) as failed:
        stack.apply(plan)
    assert failed.value.result.failed == [f"s3_object.{BUCKET}/index.html"]
    assert stored(world, BUCKET)["index.html"] == b"someone else"  # refused, not overwritten
    stack.apply()
    assert stored(world, BUCKET)["index.html"] == b"<h1>v2</h1>"


def test_content_is_skipped_when_its_bucket_fails_and_the_next_apply_converges(tmp_path: Path, world: World) -> None:
    site, index, assets, note = _site(tmp_path)
    failing = FaultInjectingProvider(InMemoryProvider(world), fail_on=lambda c: c.operation == "create",
                                     error="server_error", limit=1)
    stack = _stack([site, index, assets, note], failing)
    with pytest.raises(StackApplyError) as failed:
        stack.apply()
    result = failed.value.result
    assert result.failed == [f"s3_bucket.{BUCKET}"]
    assert sorted(result.skipped) == sorted(k for k in result.outcomes if not k.startswith("s3_bucket"))
    assert all(f"depends on s3_bucket.{BUCKET}, which failed" == result.outcomes[k].reason for k in result.skipped)
    assert stack.apply().ok and len(stored(world, BUCKET)) == 5
    assert not stack.plan().changed


def test_planning_for_a_bucket_not_created_yet_makes_no_call(recorder: RecordingProvider) -> None:
    objects = S3Objects(recorder, progress=False)
    sync = objects.plan(S3SyncDesired(bucket=BUCKET, source={"a": b"1", "b/c": b"22"}), new_bucket=True)
    single = objects.plan(S3ObjectDesired(bucket=BUCKET, key="k", text="x", tags={"t": "1"}), new_bucket=True)
    assert [(a.type, a.key) for a in sync.actions] == [("put", "a"), ("put", "b/c")] and sync.list_requests == 0
    assert [(a.type, a.tags) for a in single.actions] == [("put", {"t": "1"})]
    assert not recorder.calls


def test_content_in_a_bucket_neither_in_the_stack_nor_in_aws_fails_the_plan_naming_it(
        recorder: RecordingProvider) -> None:
    stack = _stack([S3ObjectDesired(bucket="stack-content-nowhere", key="k", text="x")], recorder)
    with pytest.raises(NotFoundError, match=r"s3://stack-content-nowhere/k.*create it first"):
        stack.plan()
    assert not recorder.writes


def test_content_the_stack_can_hold_side_by_side_is_not_refused(recorder: RecordingProvider) -> None:
    site = S3BucketDesired(name=BUCKET)
    members = [site,
               S3SyncDesired(bucket=BUCKET, source={"a": b"1"}, delete=True,
                             exclude=("static/**", "keep/**", "extra.txt")),
               S3SyncDesired(bucket=BUCKET, prefix="static", source={"s.css": b"2"}),  # excluded by the outer one
               S3ObjectDesired(bucket=BUCKET, key="extra.txt", text="x"),  # excluded too
               S3SyncDesired(bucket=BUCKET, prefix="keep", source={"k": b"3"}),
               S3ObjectDesired(bucket=BUCKET, key="keep/other.txt", text="y")]  # not in that source, no delete
    stack = _stack(members, recorder)
    stack.validate()
    assert stack.apply().ok and not stack.plan().changed


def test_common_layouts_are_not_refused(tmp_path: Path, recorder: RecordingProvider) -> None:
    root = tree(tmp_path / "site", {"index.html": "<h1>", "img/logo.svg": "<svg/>"})
    tree(tmp_path / "assets", {"app.js": "start()"})
    members = [S3BucketDesired(name=BUCKET),
               S3SyncDesired(bucket=BUCKET, source=root),  # the root from site/, no delete, no assets/ in it
               S3SyncDesired(bucket=BUCKET, prefix="assets", source=tmp_path / "assets", delete=True),
               S3ObjectDesired(bucket=BUCKET, key="img", text="a key named like a folder of the source"),
               S3ObjectDesired(bucket=BUCKET, key="ab/x", text="beside, not under, a/"),
               S3SyncDesired(bucket=BUCKET, prefix="a", source={"y": b"1"}, delete=True),
               S3ObjectDesired(bucket=BUCKET, key="a/gone.txt", state="absent"),  # both only delete it
               S3ObjectDesired(bucket=BUCKET, key="js.txt",
                               text="const here = `${window.location.href}`")]  # not a reference: content
    stack = _stack(members, recorder)
    stack.validate()
    assert stack.apply().ok and not stack.plan().changed


def test_a_saved_plan_of_a_manifest_of_files_applies_from_its_json(tmp_path: Path, world: World) -> None:
    (tmp_path / "m.txt").write_text("from a file")
    site = S3BucketDesired(name=BUCKET)
    sync = S3SyncDesired(bucket=site.ref.name, source={"docs/m.txt": tmp_path / "m.txt"})
    saved = StackPlan.model_validate_json(_stack([site, sync], InMemoryProvider(world)).plan().model_dump_json())
    assert Stack.for_plan(saved, provider=InMemoryProvider(world), clock=FakeClock()).apply(saved).ok
    assert stored(world, BUCKET) == {"docs/m.txt": b"from a file"}


def test_content_whose_stack_bucket_names_no_region_is_in_the_providers_default(world: World) -> None:
    stack = _stack([S3BucketDesired(name=BUCKET), S3ObjectDesired(bucket=BUCKET, key="k", text="x",
                                                                  region="eu-west-1")],
                   InMemoryProvider(world, region="us-east-1"))
    with pytest.raises(StackError, match=r"region eu-west-1, but its bucket s3_bucket\.\S+ is in us-east-1"):
        stack.validate()


def test_a_replaced_bucket_gets_its_content_again(tmp_path: Path, world: World) -> None:
    site, index, assets, note = _site(tmp_path, force_destroy=True)
    _stack([site, index, assets, note], InMemoryProvider(world)).apply()
    moved = site.model_copy(update={"region": "us-west-2"})
    stack = _stack([moved, index, assets, note], InMemoryProvider(world))
    plan = stack.plan()
    assert plan.plans[f"s3_object.{BUCKET}/note.txt"].actions[0].type == "put"  # the new bucket starts empty
    assert stack.apply(plan, allow_replace=True).ok
    assert len(stored(world, BUCKET)) == 5 and not stack.plan().changed


def test_objects_in_flight_per_member_follow_the_stacks_parallelism(world: World) -> None:
    from tests.stacks.test_stack_write_concurrency import InFlight

    memory = InMemoryProvider(world, region="us-east-1")
    site = S3BucketDesired(name=BUCKET)
    _stack([site], memory).apply()
    sync = S3SyncDesired(bucket=BUCKET, source={f"f{i}": b"x" for i in range(12)})
    spy = InFlight(memory, hold=3, operations=("write_object",))
    assert _stack([site, sync], spy, parallelism=3).apply().ok
    assert spy.gate_met and spy.max_seen == 3, spy.max_seen
