"""Example stacks shared by the stack suites (unit, proof harness, acceptance, benchmarks).

``orders()`` is the issue's example: a topic, a queue whose policy lets the topic send to it and
to which the topic subscribes, a bucket whose notifications go to the queue, and a role whose
inline policy reads the bucket. ``mixed(n)`` is an n-resource stack of every kind with three
levels of references (policies -> roles, queues -> topics -> buckets).
"""

from __future__ import annotations

from typing import Any

from awsstate import (
    BucketNotifications,
    IamPolicyDesired,
    IamRoleDesired,
    LogsLogGroupDesired,
    NotificationTarget,
    RedrivePolicy,
    S3BucketDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    Subscription,
)
from awsstate.models import DesiredModel

REGION = "eu-west-1"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"Service": "lambda.amazonaws.com"}}]}


def allow_sns_to_send(topic_arn: str) -> dict[str, Any]:
    """A queue policy letting one topic send to it."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "FromTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]}


def allow_s3_to_send(bucket_arn: str) -> dict[str, Any]:
    """A queue policy letting one bucket send its event notifications to it."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "FromBucket", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn}}}]}


def reads(bucket_arn: str) -> dict[str, Any]:
    """An identity policy reading one bucket's objects."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                     "Resource": f"{bucket_arn}/*"}]}


def orders(prefix: str = "orders", region: str = REGION) -> list[DesiredModel]:
    """The issue's example stack."""
    topic = SnsTopicDesired(name=prefix, region=region)
    bucket = S3BucketDesired(name=f"{prefix}-archive", region=region, versioning=True)
    queue = SqsQueueDesired(name=f"{prefix}-q", region=region, visibility_timeout_seconds=60, policy={
        "Version": "2012-10-17",
        "Statement": [*allow_sns_to_send(topic.ref.arn)["Statement"], *allow_s3_to_send(bucket.ref.arn)["Statement"]]})
    topic = topic.model_copy(update={"subscriptions": (Subscription(protocol="sqs", endpoint=queue.ref.arn),)})
    bucket = bucket.model_copy(update={"notifications": BucketNotifications(
        targets=[NotificationTarget(arn=queue.ref.arn, events=["s3:ObjectCreated:*"])])})
    role = IamRoleDesired(name=f"{prefix}-reader", trust_policy=TRUST, inline_policies={"read": reads(bucket.ref.arn)})
    return [topic, queue, bucket, role]


def mixed(n: int, prefix: str = "mix", region: str = REGION) -> list[DesiredModel]:
    """About ``n`` resources of every kind, three levels deep: bucket -> topic -> queue, policy -> role."""
    resources: list[DesiredModel] = []
    index = 0
    while len(resources) < n:
        tag = f"{prefix}{index}"
        bucket = S3BucketDesired(name=f"{tag}-bucket", region=region, tags={"unit": tag})
        topic = SnsTopicDesired(name=f"{tag}-topic", region=region, display_name=tag)
        dlq = SqsQueueDesired(name=f"{tag}-dlq", region=region)
        queue = SqsQueueDesired(name=f"{tag}-queue", region=region, policy=allow_sns_to_send(topic.ref.arn),
                                redrive_policy=RedrivePolicy(dead_letter_target_arn=dlq.ref.arn))
        topic = topic.model_copy(update={"subscriptions": (Subscription(protocol="sqs", endpoint=queue.ref.arn),)})
        policy = IamPolicyDesired(name=f"{tag}-read", document=reads(bucket.ref.arn))
        role = IamRoleDesired(name=f"{tag}-role", trust_policy=TRUST, managed_policy_arns=[policy.ref.arn])
        logs = LogsLogGroupDesired(name=f"/{prefix}/{tag}", region=region, retention_in_days=7)
        resources.extend([bucket, dlq, queue, topic, policy, role, logs])
        index += 1
    return resources
