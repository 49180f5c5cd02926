"""Resource kinds: each has a Desired model, an Observed model, a kind declaration and a Manager."""

from awsstate.resources.iam_policy import IAM_POLICY, IamPolicyDesired, IamPolicyManager, IamPolicyObserved
from awsstate.resources.s3_bucket import (
    S3_BUCKET,
    BucketEncryption,
    PublicAccessBlock,
    S3BucketDesired,
    S3BucketManager,
    S3BucketObserved,
)
from awsstate.resources.validation import KNOWN_REGIONS, register_region

__all__ = [
    "IAM_POLICY",
    "KNOWN_REGIONS",
    "S3_BUCKET",
    "BucketEncryption",
    "IamPolicyDesired",
    "IamPolicyManager",
    "IamPolicyObserved",
    "PublicAccessBlock",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "register_region",
]
