"""Prune finds a stack's resources with one tagging listing per region, not one per kind.

The regions listed are those of the stack's resources and the provider's default region.

Every regional kind whose resources the Resource Groups Tagging API lists is asked in one paginated
``GetResources`` (all their resource types at once); IAM lists its roles and policies itself and a
KMS key is found by its alias. Requests are counted on the wire (moto in-process).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3

from awsstate import InMemoryProvider, KmsKeyDesired, RecordingProvider, S3BucketDesired, SqsQueueDesired, Stack
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.stacks.shapes import orders

REGION = "eu-west-1"


def test_a_prune_plan_makes_one_tagging_listing_per_region(moto: None) -> None:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    sent: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        sent[event_name.removeprefix("before-send.")] += 1

    session.events.register("before-send", count)
    provider = AwsProvider(session, region=REGION)
    west = SqsQueueDesired(name="orders-west", region="us-west-2")
    resources = [*orders(), west, S3BucketDesired(name="orders-extra", region=REGION),
                 KmsKeyDesired(name="orders-extra-key", region=REGION),
                 SqsQueueDesired(name="orders-west-extra", region="us-west-2")]
    Stack("orders", resources, provider=provider, clock=FakeClock()).apply()
    smaller = Stack("orders", resources[:-3], provider=provider, clock=FakeClock())  # still in both regions
    sent.clear()
    plan = smaller.plan(prune=True)
    assert set(plan.pruned) == {"s3_bucket.orders-extra", "kms_key.orders-extra-key", "sqs_queue.orders-west-extra"}, \
        plan.pruned
    tagging = {operation: n for operation, n in sent.items() if operation.startswith("resource-groups-tagging")}
    assert tagging == {"resource-groups-tagging-api.GetResources": 2}, sent  # eu-west-1 and us-west-2
    assert sent["kms.ListAliases"] == 1, "the key's alias looked up where a key was found, only there"


def test_a_wrapped_provider_sees_one_listing_call_per_region_and_one_for_global_kinds() -> None:
    memory = InMemoryProvider(region=REGION)
    resources = [*orders(), SqsQueueDesired(name="orders-west", region="us-west-2"),
                 SqsQueueDesired(name="orders-west-extra", region="us-west-2")]
    Stack("orders", resources, provider=memory, clock=FakeClock()).apply()
    recorder = RecordingProvider(memory)
    plan = Stack("orders", resources[:-1], provider=recorder, clock=FakeClock()).plan(prune=True)
    assert plan.pruned == ("sqs_queue.orders-west-extra",)
    listings = [call for call in recorder.calls if call.operation.startswith("list_tagged")]
    assert sorted((call.operation, str(call.region)) for call in listings) == [
        ("list_tagged_kinds", "None"), ("list_tagged_kinds", "eu-west-1"), ("list_tagged_kinds", "us-west-2")]
