"""Shared examples for sns_topic.

Subscription endpoints are plain ARNs: an SQS queue and a Lambda function in the moto account
(123456789012). Neither needs to exist: SNS (and moto) accept a subscription to an SQS or Lambda
ARN without checking it, and both are confirmed at once, unlike email and http/https endpoints,
which stay pending until their owner confirms them.
"""

from __future__ import annotations

import os
from typing import Any

from awsstate import SnsTopicDesired, SnsTopicManager, Subscription
from tests.examples import BotoClients, KindExamples


def _account() -> str:
    # The moto account by default; the real-AWS acceptance target sets the caller's own account.
    return os.environ.get("AWSSTATE_TEST_ACCOUNT_ID", "123456789012")


def _queue(region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{_account()}:{name}"


def _function(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{_account()}:function:{name}"


def _policy(action: list[str]) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "OwnerPublishes", "Effect": "Allow", "Principal": {"AWS": _account()},
                           "Action": action, "Resource": "*"}]}


def _name(token: str) -> str:
    return f"awsstate-test-{token}"


def _minimal(name: str, region: str) -> SnsTopicDesired:
    return SnsTopicDesired(name=name, region=region)


def _subscriptions(name: str, region: str, event: str) -> tuple[Subscription, ...]:
    return (
        Subscription(protocol="sqs", endpoint=_queue(region, f"{name}-orders"), raw_message_delivery=True,
                     filter_policy={"event": [event]}),
        Subscription(protocol="lambda", endpoint=_function(region, f"{name}-audit")),
    )


def _full(name: str, region: str) -> SnsTopicDesired:
    return SnsTopicDesired(
        name=name,
        region=region,
        fifo=False,
        display_name="Orders",
        policy=_policy(["sns:Publish"]),
        kms_master_key_id="alias/aws/sns",
        delivery_policy={"http": {"defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1,
                                                                "maxDelayTarget": 20}}},
        tags={"awsstate:test": "full", "env": "dev"},
        subscriptions=_subscriptions(name, region, "created"),
    )


def _update(name: str, region: str) -> SnsTopicDesired:
    return _full(name, region).model_copy(update={
        "display_name": "Orders (prod)",
        "tags": {"awsstate:test": "full", "env": "prod"},
        "subscriptions": _subscriptions(name, region, "shipped"),
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    sns = clients("sns", region)
    account = clients("sts", region).get_caller_identity()["Account"]
    arn = f"arn:aws:sns:{region}:{account}:{name}"
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Hacked")
    sns.untag_resource(ResourceArn=arn, TagKeys=["awsstate:test"])
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "hacked"}])
    for sub in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]:
        sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])


SNS_TOPIC_EXAMPLES = KindExamples(
    kind="sns_topic",
    manager=SnsTopicManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"display_name", "tags", "subscriptions"}),
    drift={
        "display_name": "Hacked",
        "tags": {"env": "hacked"},
        "subscriptions": [],  # every subscription removed out-of-band
    },
    drift_boto3=_drift_boto3,
    full_excludes={
        "content_based_deduplication": "FIFO topics only, and full is a standard topic so that it can subscribe a "
                                       "Lambda function (FIFO topics deliver only to SQS); see "
                                       "tests/unit/test_merge_modes.py and tests/integration/test_sns_topic_aws.py",
    },
)
