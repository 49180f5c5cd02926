"""AwsProvider specifics for S3 buckets, against moto in-process."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
from structlog.testing import capture_logs

from awsstate import (
    AccessDeniedError,
    InvalidRequestError,
    NameTakenError,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
)
from awsstate.kinds import kind_spec
from awsstate.providers.aws import AwsProvider
from awsstate.spec import ResourceRef
from tests.integration.conftest import SESSION


def test_bucket_is_read_and_written_in_its_own_region(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    desired = S3BucketDesired(name="routed-bucket", region="eu-west-1", versioning=True)
    with capture_logs() as logs:
        manager.apply(desired)
        manager.plan(desired)
    calls = [(e["operation"], e["region"]) for e in logs if e["event"] == "aws.call"]
    assert ("CreateBucket", "eu-west-1") in calls
    assert ("PutBucketVersioning", "eu-west-1") in calls
    assert all(region == "eu-west-1" for op, region in calls if op != "HeadBucket"), calls
    location = SESSION.client("s3", region_name="eu-west-1").get_bucket_location(Bucket="routed-bucket")
    assert location["LocationConstraint"] == "eu-west-1"


def test_us_east_1_bucket_is_created_without_location_constraint(aws: AwsProvider) -> None:
    S3BucketManager(provider=aws).apply(S3BucketDesired(name="virginia-bucket", region="us-east-1"))
    assert SESSION.client("s3").get_bucket_location(Bucket="virginia-bucket")["LocationConstraint"] is None


def test_unset_region_uses_the_providers_region(moto: None) -> None:
    manager = S3BucketManager(provider=AwsProvider(SESSION, region="ap-southeast-2"))
    result = manager.apply(S3BucketDesired(name="default-region-bucket"))
    assert result.observed is not None and result.observed.region == "ap-southeast-2"


def test_actions_log_the_aws_request_id(aws: AwsProvider) -> None:
    with capture_logs() as logs:
        S3BucketManager(provider=aws).apply(S3BucketDesired(name="logged-bucket", region="eu-west-1", versioning=True))
    applied = [e for e in logs if e["event"] == "action.applied"]
    assert applied and all(e["request_id"] for e in applied)


def test_name_owned_by_another_account_raises_name_taken(aws: AwsProvider) -> None:
    other = SESSION.client("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/other", RoleSessionName="other")
    creds = other["Credentials"]
    boto3.client("s3", region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                 aws_secret_access_key=creds["SecretAccessKey"],
                 aws_session_token=creds["SessionToken"]).create_bucket(Bucket="taken-by-other")
    with pytest.raises(NameTakenError) as caught:
        aws.create(ResourceRef(kind_spec("s3_bucket"), "taken-by-other", "us-east-1"), {"region": "us-east-1"})
    message = str(caught.value)
    assert "taken-by-other" in message and "CreateBucket" in message and "Choose another name" in message


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: HeadBucket on another account's bucket answers 200 "
                                       "(AWS: 403), so the plan cannot see that the name is taken")
def test_plan_on_a_name_owned_by_another_account_is_refused(aws: AwsProvider) -> None:
    other = SESSION.client("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/other", RoleSessionName="other")
    creds = other["Credentials"]
    boto3.client("s3", region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                 aws_secret_access_key=creds["SecretAccessKey"],
                 aws_session_token=creds["SessionToken"]).create_bucket(Bucket="taken-by-other")
    with pytest.raises(AccessDeniedError):
        S3BucketManager(provider=aws).plan(S3BucketDesired(name="taken-by-other"))


@set_initial_no_auth_action_count(4)
def test_access_denied_names_the_iam_action_to_grant() -> None:
    with mock_aws():
        iam = SESSION.client("iam")
        iam.create_user(UserName="limited")
        key = iam.create_access_key(UserName="limited")["AccessKey"]
        iam.put_user_policy(UserName="limited", PolicyName="read-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Resource": "*",
                           "Action": ["s3:ListBucket", "s3:CreateBucket", "s3:GetBucketVersioning"]}],
        }))
        session = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        manager = S3BucketManager(provider=AwsProvider(session, region="us-east-1", max_attempts=1))
        with pytest.raises(AccessDeniedError) as caught:
            manager.apply(S3BucketDesired(name="denied-bucket", region="us-east-1", versioning=True))
    error = caught.value
    assert error.action == "s3:PutBucketVersioning"
    assert error.aspect == "versioning" and error.name == "denied-bucket"
    assert "Grant s3:PutBucketVersioning" in str(error)
    assert [a.type for a in error.completed] == ["create"]


def test_non_empty_bucket_is_kept_and_force_destroy_removes_every_version(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    manager.apply(S3BucketDesired(name="full-bucket", region="eu-west-1", versioning=True))
    s3 = SESSION.client("s3", region_name="eu-west-1")
    for i in range(3):
        s3.put_object(Bucket="full-bucket", Key="same-key", Body=f"v{i}".encode())
    s3.delete_object(Bucket="full-bucket", Key="same-key")  # a delete marker on top
    with pytest.raises(InvalidRequestError) as caught:
        manager.delete("full-bucket")
    assert "force_destroy=True" in str(caught.value)
    assert manager.get("full-bucket") is not None
    recorder = RecordingProvider(aws)
    S3BucketManager(provider=recorder).delete("full-bucket", force_destroy=True)
    assert S3BucketManager(provider=aws).get("full-bucket") is None


def test_force_destroy_pages_through_more_than_one_listing(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    manager.apply(S3BucketDesired(name="many-objects", region="eu-west-1"))
    s3 = SESSION.client("s3", region_name="eu-west-1")
    for i in range(1005):  # ListObjectVersions returns at most 1000 per page
        s3.put_object(Bucket="many-objects", Key=f"k{i:04d}", Body=b"")
    with capture_logs() as logs:
        manager.delete("many-objects", force_destroy=True)
    operations = [e["operation"] for e in logs if e["event"] == "aws.call"]
    assert operations.count("ListObjectVersions") == 2
    assert operations.count("DeleteObjects") == 2
    assert manager.get("many-objects") is None


def test_missing_bucket_reads_as_absent_and_aspect_reads_say_not_found(aws: AwsProvider, boto_clients: Any) -> None:
    from awsstate import NotFoundError

    ref = ResourceRef(kind_spec("s3_bucket"), "never-created", "us-east-1")
    assert aws.read_existence(ref) is None
    with pytest.raises(NotFoundError) as caught:
        aws.read_aspect(ref, "versioning")
    assert caught.value.operation == "GetBucketVersioning" and caught.value.code == "NoSuchBucket"


class CountingSession(boto3.Session):
    """A real boto3 session that notes each client it creates."""

    made: list[tuple[str, str | None]]

    def client(self, *args: Any, **kwargs: Any) -> Any:
        self.made.append((args[0] if args else kwargs["service_name"], kwargs.get("region_name")))
        return super().client(*args, **kwargs)


def test_clients_are_created_lazily_once_per_service_and_region_with_standard_retries(moto: None) -> None:
    session = CountingSession(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    session.made = []
    provider = AwsProvider(session, region="us-east-1", max_attempts=3)
    assert session.made == [], "constructing a provider creates no client"
    manager = S3BucketManager(provider=provider)
    desired = S3BucketDesired(name="lazy-bucket", region="eu-west-1", versioning=True)
    manager.apply(desired)
    manager.plan(desired)
    manager.plan(desired)
    assert session.made == [("s3", "eu-west-1")]
    client = provider.client("s3", "eu-west-1")
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert session.made == [("s3", "eu-west-1")]
