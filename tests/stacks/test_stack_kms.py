"""One KMS key, named by alias, encrypting a resource of every kind that takes a key, in one stack:
the key's ARN is assigned by KMS, so it is known after apply; the key is created first and every
reference to it is filled in once it exists."""

from __future__ import annotations

from awsstate import (
    DynamodbTableDesired,
    EcrRepositoryDesired,
    InMemoryProvider,
    KmsKeyDesired,
    LogsLogGroupDesired,
    QueueEncryption,
    SecretsmanagerSecretDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    SsmParameterDesired,
    Stack,
)
from awsstate.models import DesiredModel
from awsstate.resources.dynamodb_table import KeyAttribute, TableBilling, TableEncryption
from tests.stacks.shapes import REGION


def key_and_users() -> tuple[KmsKeyDesired, list[DesiredModel]]:
    """The key, and one resource of every kind that takes a key, each encrypted with it."""
    key = KmsKeyDesired(name="data", region=REGION)
    arn = key.ref.arn
    users: list[DesiredModel] = [
        SqsQueueDesired(name="enc-q", region=REGION, encryption=QueueEncryption(mode="kms", kms_master_key_id=arn)),
        SnsTopicDesired(name="enc-t", region=REGION, kms_master_key_id=arn),
        LogsLogGroupDesired(name="/enc/logs", region=REGION, kms_key_id=arn),
        SsmParameterDesired(name="/enc/param", region=REGION, type="SecureString", value="s3cr3t", key_id=arn),
        SecretsmanagerSecretDesired(name="enc/secret", region=REGION, secret_string="s3cr3t", kms_key_id=arn),
        DynamodbTableDesired(name="enc-table", region=REGION, hash_key=KeyAttribute(name="pk", type="S"),
                             billing=TableBilling.on_demand(), encryption=TableEncryption.customer_managed(arn)),
        EcrRepositoryDesired(name="enc/repo", region=REGION, encryption_type="KMS", kms_key=arn),
    ]
    return key, users


def test_every_kind_that_takes_a_key_refers_to_one_created_in_the_same_stack() -> None:
    key, users = key_and_users()
    provider = InMemoryProvider(region=REGION)
    stack = Stack("enc", [*users, key], provider=provider)
    plan = stack.plan()
    assert plan.order[0] == "kms_key.data", plan.order
    assert all(plan.unknown[k] == ("kms_key.data.arn",) for k in plan.order[1:]), plan.unknown
    assert "s3cr3t" not in str(plan) and "s3cr3t" not in plan.model_dump_json()
    result = stack.apply(plan)
    assert result.ok and len(result.done) == 8
    assert not stack.plan().changed
    key_arn = stack.plan().plans["kms_key.data"].observed.attributes["arn"]  # assigned at create
    assert isinstance(key_arn, str) and key_arn.startswith(f"arn:aws:kms:{REGION}:")
    queue = provider.world.find("sqs_queue", "enc-q", REGION)
    assert queue is not None and key_arn in str(queue.aspects)
