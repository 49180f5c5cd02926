"""Shared examples for sqs_queue.

``full`` is a FIFO queue so that every aspect can be set (content-based deduplication exists only
on FIFO queues). Two moto 5.2.5 deviations shape these examples (both have their own strict
xfail tests in tests/integration/test_sqs_queue_aws.py):

* moto never returns RedriveAllowPolicy, so ``full`` uses ``allowAll``, which AWS reports the same
  as no policy at all;
* moto clears the queue policy on any SetQueueAttributes that does not carry ``Policy``, so the
  update and the drift both change the policy too (awsstate writes ``policy`` after the other
  attributes, so converging restores it).

The redrive policy is managed as "none" (``False``): a dead-letter queue would have to exist first.
"""

from __future__ import annotations

from typing import Any

from awsstate import QueueEncryption, RedriveAllowPolicy, RedrivePolicy, SqsQueueDesired, SqsQueueManager
from tests.examples import BotoClients, KindExamples


def _policy(sid: str, action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                           "Action": action, "Resource": "*"}]}


SEND = _policy("AllowSnsSend", "sqs:SendMessage")
SEND_AND_READ = _policy("AllowSnsSendAndRead", ["sqs:SendMessage", "sqs:GetQueueAttributes"])


def _name(token: str) -> str:
    return f"awsstate-test-{token}.fifo"


def _minimal(name: str, region: str) -> SqsQueueDesired:
    return SqsQueueDesired(name=name, region=region)


def _full(name: str, region: str) -> SqsQueueDesired:
    return SqsQueueDesired(
        name=name,
        region=region,
        fifo=True,
        visibility_timeout_seconds=60,
        message_retention_seconds=86400,
        delay_seconds=5,
        max_message_size=262144,
        receive_wait_time_seconds=10,
        content_based_deduplication=True,
        redrive_policy=False,
        redrive_allow_policy=RedriveAllowPolicy(permission="allowAll"),
        encryption=QueueEncryption.sqs_managed(),
        policy=SEND,
        tags={"awsstate:test": "full", "env": "dev"},
    )


def with_arns(name: str, region: str) -> SqsQueueDesired:
    """``full`` with the ARN-valued settings too (a dead-letter queue, source queues): for the fuzz
    suite, which only builds models (the queues these ARNs name never exist)."""
    account = "123456789012"
    return _full(name, region).model_copy(update={
        "redrive_policy": RedrivePolicy(dead_letter_target_arn=f"arn:aws:sqs:{region}:{account}:dlq.fifo",
                                        max_receive_count=5),
        "redrive_allow_policy": RedriveAllowPolicy(permission="byQueue",
                                                   source_queue_arns=[f"arn:aws:sqs:{region}:{account}:src.fifo"]),
    })


def _update(name: str, region: str) -> SqsQueueDesired:
    return _full(name, region).model_copy(update={
        "visibility_timeout_seconds": 120,
        "policy": SEND_AND_READ,
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    sqs = clients("sqs", region)
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "VisibilityTimeout": "99", "SqsManagedSseEnabled": "false", "Policy": "",
    })
    sqs.untag_queue(QueueUrl=url, TagKeys=["awsstate:test"])
    sqs.tag_queue(QueueUrl=url, Tags={"env": "hacked"})


SQS_QUEUE_EXAMPLES = KindExamples(
    kind="sqs_queue",
    manager=SqsQueueManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"visibility_timeout_seconds", "policy", "tags"}),
    drift={
        "visibility_timeout_seconds": 99,
        "encryption": {"mode": "none", "kms_master_key_id": None, "kms_data_key_reuse_period_seconds": None},
        "policy": None,
        "tags": {"env": "hacked"},
    },
    drift_boto3=_drift_boto3,
)
