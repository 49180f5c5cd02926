"""S3 event notifications, deletion, replacement and stale plans through the AWS handler, on moto.

Notification targets are real moto resources made with boto3 (a queue and a topic whose policies
let S3 send, a Lambda function with an S3 invoke permission), never mocks.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from awsstate import RecordingProvider, S3BucketDesired, S3BucketManager
from awsstate.errors import InvalidRequestError, StalePlanError
from awsstate.plan import Plan
from awsstate.resources.s3_bucket import BucketNotifications, NotificationTarget
from tests.integration.conftest import SESSION

REGION = "eu-west-1"
NAME = "events-bucket"
BUCKET_ARN = f"arn:aws:s3:::{NAME}"


def _allow_s3(service_arn: str, action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": action, "Resource": service_arn,
        "Condition": {"ArnLike": {"aws:SourceArn": BUCKET_ARN}}}]})


@pytest.fixture
def targets(moto: None) -> dict[str, str]:
    """A queue, a topic and a function, each allowing this bucket to notify it."""
    sqs = SESSION.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="bucket-events")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _allow_s3(queue, "sqs:SendMessage")})
    sns = SESSION.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="bucket-alerts")["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=_allow_s3(topic, "sns:Publish"))
    iam = SESSION.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="bucket-fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    lam = SESSION.client("lambda", region_name=REGION)
    function = lam.create_function(FunctionName="bucket-fn", Runtime="python3.12", Role=role, Handler="index.handler",
                                   Code={"ZipFile": code.getvalue()})["FunctionArn"]
    lam.add_permission(FunctionName="bucket-fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=BUCKET_ARN)
    return {"queue": queue, "topic": topic, "function": function}


def _notifications(targets: dict[str, str], *, eventbridge: bool = False) -> BucketNotifications:
    return BucketNotifications(eventbridge=eventbridge, targets=[
        NotificationTarget(arn=targets["queue"], events=["s3:ObjectCreated:*"], prefix="uploads/", suffix=".csv"),
        NotificationTarget(id="alerts", arn=targets["topic"], events=["s3:ObjectRemoved:*"]),
        NotificationTarget(arn=targets["function"], events=["s3:ObjectCreated:Put"], prefix="images/"),
    ])


def test_notifications_to_queue_topic_and_function_converge(
    manager: S3BucketManager, recorder: RecordingProvider, targets: dict[str, str], s3: Any
) -> None:
    desired = S3BucketDesired(name=NAME, region=REGION, notifications=_notifications(targets))
    manager.apply(desired)
    config = s3.get_bucket_notification_configuration(Bucket=NAME)
    assert len(config["QueueConfigurations"]) == len(config["TopicConfigurations"]) == 1
    assert len(config["LambdaFunctionConfigurations"]) == 1
    recorder.clear()
    assert not manager.apply(desired).changed
    assert recorder.writes == [] and len(recorder.reads) == 2


def test_notifications_drift_is_reverted_with_one_write(
    manager: S3BucketManager, recorder: RecordingProvider, targets: dict[str, str], s3: Any
) -> None:
    desired = S3BucketDesired(name=NAME, region=REGION, notifications=_notifications(targets))
    manager.apply(desired)
    s3.put_bucket_notification_configuration(Bucket=NAME, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": targets["queue"], "Events": ["s3:ObjectRemoved:*"]}]})
    recorder.clear()
    manager.apply(desired)
    assert [c.aspect for c in recorder.writes] == ["notifications"]
    assert not manager.plan(desired).changed


def test_notifications_set_elsewhere_with_generated_ids_are_adopted(
    manager: S3BucketManager, targets: dict[str, str], s3: Any
) -> None:
    manager.apply(S3BucketDesired(name=NAME, region=REGION))
    s3.put_bucket_notification_configuration(Bucket=NAME, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": targets["queue"], "Events": ["s3:ObjectCreated:*"]}]})  # moto, like AWS, generates an Id
    desired = S3BucketDesired(name=NAME, region=REGION, notifications={"targets": [
        {"arn": targets["queue"], "events": ["s3:ObjectCreated:*"]}]})
    assert not manager.plan(desired).changed


def test_empty_notifications_remove_every_target(manager: S3BucketManager, targets: dict[str, str], s3: Any) -> None:
    manager.apply(S3BucketDesired(name=NAME, region=REGION, notifications=_notifications(targets)))
    manager.apply(S3BucketDesired(name=NAME, region=REGION, notifications={}))
    config = s3.get_bucket_notification_configuration(Bucket=NAME)
    assert not any(key.endswith("Configurations") for key in config)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: GetBucketNotificationConfiguration drops "
                                       "EventBridgeConfiguration (AWS returns it)")
def test_eventbridge_notifications_round_trip(manager: S3BucketManager, recorder: RecordingProvider) -> None:
    desired = S3BucketDesired(name=NAME, region=REGION, notifications={"eventbridge": True})
    manager.apply(desired)
    assert not manager.plan(desired).changed


# -- deletion -----------------------------------------------------------------------------------


def _versioned_with_history(manager: S3BucketManager, s3: Any) -> None:
    manager.apply(S3BucketDesired(name=NAME, region=REGION, versioning=True))
    for body in (b"1", b"2", b"3"):
        s3.put_object(Bucket=NAME, Key="doc", Body=body)
    s3.delete_object(Bucket=NAME, Key="doc")  # leaves three versions and a delete marker


def test_absent_refuses_a_bucket_holding_only_old_versions(manager: S3BucketManager, s3: Any) -> None:
    _versioned_with_history(manager, s3)
    with pytest.raises(InvalidRequestError, match="force_destroy"):
        manager.apply(S3BucketDesired(name=NAME, state="absent"))
    assert len(s3.list_object_versions(Bucket=NAME)["Versions"]) == 3


def test_force_destroy_deletes_versions_delete_markers_then_the_bucket(manager: S3BucketManager, s3: Any) -> None:
    _versioned_with_history(manager, s3)
    assert manager.apply(S3BucketDesired(name=NAME, state="absent", force_destroy=True)).changed
    assert manager.get(NAME) is None


def test_absent_on_a_missing_bucket_is_a_no_op(manager: S3BucketManager, recorder: RecordingProvider) -> None:
    assert not manager.apply(S3BucketDesired(name=NAME, state="absent", force_destroy=True)).changed
    assert recorder.writes == []


def test_replace_with_force_destroy_moves_a_non_empty_bucket(manager: S3BucketManager, s3: Any) -> None:
    manager.apply(S3BucketDesired(name=NAME, region=REGION))
    s3.put_object(Bucket=NAME, Key="k", Body=b"x")
    moved = S3BucketDesired(name=NAME, region="eu-central-1", versioning=True, force_destroy=True)
    manager.apply(moved, allow_replace=True)
    observed = manager.get(NAME)
    assert observed is not None and observed.region == "eu-central-1" and observed.versioning == "Enabled"
    assert not manager.plan(moved).changed


def test_stale_plan_after_json_round_trip_is_refused_and_writes_nothing(
    manager: S3BucketManager, recorder: RecordingProvider, s3: Any
) -> None:
    manager.apply(S3BucketDesired(name=NAME, region=REGION))
    desired = S3BucketDesired(name=NAME, region=REGION, tags={"env": "dev"}, cors_rules=[
        {"allowed_methods": ["GET"], "allowed_origins": ["*"]}])
    saved = manager.plan(desired).model_dump_json()
    s3.put_bucket_cors(Bucket=NAME, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["PUT"],
                                                                       "AllowedOrigins": ["*"]}]})
    recorder.clear()
    with pytest.raises(StalePlanError, match="cors_rules"):
        manager.apply(Plan.model_validate_json(saved))
    assert recorder.writes == []
    fresh = Plan.model_validate_json(manager.plan(desired).model_dump_json())
    manager.apply(fresh)
    assert not manager.plan(desired).changed
