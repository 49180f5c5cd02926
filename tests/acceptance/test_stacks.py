"""Acceptance: a stack of connected resources end to end over real HTTP (a moto server; real AWS
when configured): plan -> apply -> empty plan -> drift on two resources -> plan shows exactly
those -> apply converges -> a removed resource is pruned only with ``prune=True``."""

from __future__ import annotations

import pytest

from awsstate import S3BucketDesired, Stack, StackPlan
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
