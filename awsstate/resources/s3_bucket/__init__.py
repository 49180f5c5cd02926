"""The S3 bucket resource: models, naming rules, kind declaration and manager."""

from awsstate.resources.s3_bucket.kind import S3_BUCKET, S3BucketManager
from awsstate.resources.s3_bucket.models import (
    BucketEncryption,
    BucketName,
    PublicAccessBlock,
    S3BucketDesired,
    S3BucketObserved,
    VersioningStatus,
)
from awsstate.resources.s3_bucket.naming import validate_bucket_name

__all__ = [
    "S3_BUCKET",
    "BucketEncryption",
    "BucketName",
    "PublicAccessBlock",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "VersioningStatus",
    "validate_bucket_name",
]
