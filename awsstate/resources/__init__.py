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
from awsstate.resources.sqs_queue import (
    SQS_QUEUE,
    QueueEncryption,
    RedriveAllowPolicy,
    RedrivePolicy,
    SqsQueueDesired,
    SqsQueueManager,
    SqsQueueObserved,
)
from awsstate.resources.validation import KNOWN_REGIONS, register_region

__all__ = [
    "IAM_POLICY",
    "KNOWN_REGIONS",
    "S3_BUCKET",
    "SQS_QUEUE",
    "BucketEncryption",
    "IamPolicyDesired",
    "IamPolicyManager",
    "IamPolicyObserved",
    "PublicAccessBlock",
    "QueueEncryption",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "SqsQueueDesired",
    "SqsQueueManager",
    "SqsQueueObserved",
    "register_region",
]
