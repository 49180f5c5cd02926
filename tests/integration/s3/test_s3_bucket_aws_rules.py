"""Settings S3 refuses together, on AwsProvider-on-moto.

The plan's checks run before any call that writes, so they hold on moto too. Where the other
setting is unmanaged, AWS itself refuses the write; awsstate turns that refusal into an error
naming both fields (shown here with AWS's own error answer on the wire). moto accepts those writes
(strict xfails naming the behaviour): the in-memory fake refuses them as AWS does.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from awsstate import InvalidRequestError, RecordingProvider, S3BucketDesired, S3BucketManager
from awsstate.providers.aws import AwsProvider
from awsstate.resources.s3_bucket import ObjectLock
from tests.integration.conftest import SESSION

REGION = "eu-west-1"
NAME = "rules-aws-bucket"
PUBLIC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                  "Resource": f"arn:aws:s3:::{NAME}/*"}]}


def test_a_public_policy_on_a_new_bucket_is_refused_by_the_plan_before_any_write(aws: AwsProvider) -> None:
    recorder = RecordingProvider(aws)
    with pytest.raises(InvalidRequestError, match="block_public_policy"):
        S3BucketManager(provider=recorder).apply(S3BucketDesired(name=NAME, region=REGION, policy=PUBLIC))
    assert recorder.writes == []


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def _access_denied(message: str) -> Any:
    def hook(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        request_id = str(uuid.uuid4())
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>{message}"
                f"</Message><RequestId>{request_id}</RequestId></Error>")
        return AWSResponse(request.url, 403, {"x-amz-request-id": request_id, "Content-Type": "application/xml"},
                           _Body(body.encode()))

    return hook


@pytest.mark.parametrize(("operation", "message", "fields", "names"), [
    ("PutBucketPolicy", "User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:PutBucketPolicy "
     "because public policies are blocked by the BlockPublicPolicy block public access setting.",
     {"policy": PUBLIC}, ("policy", "block_public_policy")),
    ("PutBucketAcl", "User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:PutBucketAcl because "
     "public ACLs are blocked by the BlockPublicAcls block public access setting.",
     {"acl": "public-read"}, ("acl", "block_public_acls")),
], ids=["public-policy", "public-acl"])
def test_aws_refusing_a_setting_because_of_an_unmanaged_one_is_an_error_naming_both(
    moto: None, operation: str, message: str, fields: dict[str, Any], names: tuple[str, ...]
) -> None:
    import boto3

    S3BucketManager(provider=AwsProvider(SESSION, region="us-east-1", max_attempts=1)).apply(
        S3BucketDesired(name=NAME, region=REGION, object_ownership="ObjectWriter"))
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    session.events.register_first(f"before-send.s3.{operation}", _access_denied(message))
    manager = S3BucketManager(provider=AwsProvider(session, region="us-east-1", max_attempts=1))
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(S3BucketDesired(name=NAME, region=REGION, **fields))
    assert all(name in str(caught.value) for name in names), str(caught.value)
    assert caught.value.operation == operation and caught.value.code == "AccessDenied"


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 stores BlockPublicPolicy but does not enforce it: a public policy is accepted")
def test_moto_refuses_a_public_policy_under_block_public_policy(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    manager.apply(S3BucketDesired(name=NAME, region=REGION, block_public_access=True))
    try:
        manager.apply(S3BucketDesired(name=NAME, region=REGION, policy=PUBLIC))
    except InvalidRequestError:
        return
    raise AssertionError("accepted")


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 accepts PutBucketAcl public-read under BlockPublicAcls")
def test_moto_refuses_a_public_acl_under_block_public_acls(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    manager.apply(S3BucketDesired(name=NAME, region=REGION, block_public_access=True, object_ownership="ObjectWriter"))
    try:
        manager.apply(S3BucketDesired(name=NAME, region=REGION, acl="public-read"))
    except InvalidRequestError:
        return
    raise AssertionError("accepted")


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5 suspends versioning on an Object Lock bucket (AWS: InvalidBucketState)")
def test_moto_refuses_suspending_versioning_on_an_object_lock_bucket(aws: AwsProvider) -> None:
    manager = S3BucketManager(provider=aws)
    manager.apply(S3BucketDesired(name=NAME, region=REGION, object_lock=ObjectLock()))
    try:
        manager.apply(S3BucketDesired(name=NAME, region=REGION, versioning=False))
    except InvalidRequestError:
        return
    raise AssertionError("accepted")
