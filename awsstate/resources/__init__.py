"""Resource kinds: each has a Desired model, an Observed model, a kind declaration and a Manager."""

from awsstate.resources.iam_policy import IAM_POLICY, IamPolicyDesired, IamPolicyManager, IamPolicyObserved
from awsstate.resources.iam_role import IAM_ROLE, IamRoleDesired, IamRoleManager, IamRoleObserved
from awsstate.resources.s3_bucket import (
    S3_BUCKET,
    BucketEncryption,
    PublicAccessBlock,
    S3BucketDesired,
    S3BucketManager,
    S3BucketObserved,
)
from awsstate.resources.sns_topic import (
    SNS_TOPIC,
    ObservedSubscription,
    SnsTopicDesired,
    SnsTopicManager,
    SnsTopicObserved,
    Subscription,
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
    "IAM_ROLE",
    "KNOWN_REGIONS",
    "S3_BUCKET",
    "SNS_TOPIC",
    "SQS_QUEUE",
    "BucketEncryption",
    "IamPolicyDesired",
    "IamPolicyManager",
    "IamPolicyObserved",
    "IamRoleDesired",
    "IamRoleManager",
    "IamRoleObserved",
    "ObservedSubscription",
    "PublicAccessBlock",
    "QueueEncryption",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "SnsTopicDesired",
    "SnsTopicManager",
    "SnsTopicObserved",
    "SqsQueueDesired",
    "SqsQueueManager",
    "SqsQueueObserved",
    "Subscription",
    "register_region",
]
