"""Acceptance: a stack of connected resources end to end over real HTTP (a moto server; real AWS
when configured): plan -> apply -> empty plan -> drift on two resources -> plan shows exactly
those -> apply converges -> a removed resource is pruned only with ``prune=True``."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsstate import S3BucketDesired, S3ObjectDesired, S3SyncDesired, Stack, StackPlan
from awsstate.stack import OWNER_TAG
from awsstate.testing import FakeClock
from tests.acceptance.conftest import Target
from tests.stacks.shapes import orders

pytestmark = pytest.mark.acceptance


def _stack(target: Target, resources: list) -> Stack:  # type: ignore[type-arg]
    return Stack(f"acc{target.run_id}", resources, provider=target.provider, clock=FakeClock())


def test_a_stack_of_connected_resources_end_to_end(target: Target) -> None:
    prefix = f"acc{target.token('stack')}"
    resources = orders(prefix, target.region)
    extra = S3BucketDesired(name=f"{prefix}-extra", region=target.region)
    stack = _stack(target, [*resources, extra])
    try:
        plan = stack.plan()
        assert plan.changed and all(plan.plans[key].actions[0].type == "create" for key in plan.order)
        saved = StackPlan.model_validate_json(plan.model_dump_json())  # reviewed in one job, applied in another
        result = _stack(target, [*resources, extra]).apply(saved)
        assert result.ok and len(result.done) == 5
        assert target.eventually(lambda: stack.plan(), lambda p: not p.changed).changed is False

        queue_url = target.clients("sqs", target.region).get_queue_url(QueueName=f"{prefix}-q")["QueueUrl"]
        target.clients("sqs", target.region).set_queue_attributes(QueueUrl=queue_url,
                                                                    Attributes={"VisibilityTimeout": "5"})
        target.clients("s3", target.region).put_bucket_versioning(
            Bucket=f"{prefix}-archive", VersioningConfiguration={"Status": "Suspended"})
        drifted = stack.plan()
        changed = {key: plan.aspects for key, plan in drifted.plans.items() if plan.changed}
        # moto's SetQueueAttributes without Policy clears the queue policy (see moto-behaviour.md)
        assert set(changed) == {f"sqs_queue.{prefix}-q", f"s3_bucket.{prefix}-archive"}, changed
        assert "visibility_timeout_seconds" in changed[f"sqs_queue.{prefix}-q"]
        assert changed[f"s3_bucket.{prefix}-archive"] == ("versioning",)
        assert stack.apply(drifted).ok
        assert not stack.plan().changed

        smaller = _stack(target, resources)
        assert not smaller.plan().changed, "without prune=True nothing is deleted"
        pruning = smaller.plan(prune=True)
        assert pruning.pruned == (f"s3_bucket.{prefix}-extra",), pruning.pruned
        tags = target.clients("s3", target.region).get_bucket_tagging(Bucket=f"{prefix}-extra")["TagSet"]
        assert {"Key": OWNER_TAG, "Value": f"acc{target.run_id}"} in tags
        assert smaller.apply(pruning).done == [f"s3_bucket.{prefix}-extra"]
        assert not smaller.plan(prune=True).changed
    finally:
        gone = [r.model_copy(update={"state": "absent", "force_destroy": True} if r.kind_spec.kind == "s3_bucket"
                             else {"state": "absent"}) for r in [*resources, extra]]
        _stack(target, gone).apply()


def test_a_bucket_with_its_objects_and_a_sync_end_to_end(target: Target, tmp_path: Path) -> None:
    prefix = f"acc{target.token('content')}"
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.js").write_text("start()")
    (tmp_path / "static" / "app.css").write_text("a{}")
    site = S3BucketDesired(name=f"{prefix}-site", region=target.region)
    members = [site, S3ObjectDesired(bucket=site.ref.name, key="index.html", text="<h1>hi</h1>"),
               S3SyncDesired(bucket=site.ref.name, prefix="static", source=tmp_path / "static", delete=True)]
    stack = _stack(target, members)
    try:
        plan = stack.plan()
        assert plan.order[0] == f"s3_bucket.{prefix}-site" and plan.changes == 5, str(plan)
        assert stack.apply(plan).ok
        assert target.eventually(lambda: stack.plan(), lambda p: not p.changed).changed is False
        s3 = target.clients("s3", target.region)
        s3.put_object(Bucket=f"{prefix}-site", Key="static/stray.txt", Body=b"not in the source")
        (tmp_path / "static" / "app.js").write_text("begin()")
        drifted = stack.plan()
        sync = drifted.plans[f"s3_sync.{prefix}-site/static/"]
        assert sorted((a.type, a.key) for a in sync.actions) == [("delete", "static/stray.txt"),
                                                                ("replace", "static/app.js")], str(drifted)
        assert stack.apply(drifted).ok and not stack.plan().changed
        assert s3.get_object(Bucket=f"{prefix}-site", Key="static/app.js")["Body"].read() == b"begin()"
    finally:
        _stack(target, [site.model_copy(update={"state": "absent", "force_destroy": True})]).apply()
