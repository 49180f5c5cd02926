"""Shared examples for s3_bucket."""

from __future__ import annotations

from awsstate import BucketEncryption, S3BucketDesired, S3BucketManager
from tests.examples import BotoClients, KindExamples


def _name(token: str) -> str:
    return f"awsstate-test-{token}"


def _minimal(name: str, region: str) -> S3BucketDesired:
    return S3BucketDesired(name=name, region=region)


def _full(name: str, region: str) -> S3BucketDesired:
    return S3BucketDesired(
        name=name,
        region=region,
        tags={"awsstate:test": "full", "env": "dev", "cost-center": 42},
        versioning=True,
        block_public_access=True,
        encryption=BucketEncryption.sse_s3(),
    )


def _update(name: str, region: str) -> S3BucketDesired:
    return _full(name, region).model_copy(update={"tags": {"awsstate:test": "full", "env": "prod"}, "versioning": False})


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    s3 = clients("s3", region)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_public_access_block(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "env", "Value": "hacked"}]})


S3_BUCKET_EXAMPLES = KindExamples(
    kind="s3_bucket",
    manager=S3BucketManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"tags", "versioning"}),
    drift={
        "versioning": "Suspended",
        "public_access_block": {
            "block_public_acls": False, "ignore_public_acls": False,
            "block_public_policy": False, "restrict_public_buckets": False,
        },
        "tags": {"env": "hacked"},
    },
    drift_boto3=_drift_boto3,
)
