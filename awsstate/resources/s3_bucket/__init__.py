"""The S3 bucket resource: models, naming rules, kind declaration and manager."""

from awsstate.resources.s3_bucket.access import BucketLogging, CannedAcl, ObjectLock, ObjectOwnership
from awsstate.resources.s3_bucket.cors import CorsRule
from awsstate.resources.s3_bucket.inventory import InventoryConfiguration
from awsstate.resources.s3_bucket.kind import S3_BUCKET, S3BucketManager, S3BucketObserved
from awsstate.resources.s3_bucket.lifecycle import LifecycleRule, NoncurrentTransition, Transition
from awsstate.resources.s3_bucket.models import (
    BucketEncryption,
    BucketName,
    PublicAccessBlock,
    S3BucketDesired,
    VersioningStatus,
)
from awsstate.resources.s3_bucket.naming import validate_bucket_name
from awsstate.resources.s3_bucket.notifications import BucketNotifications, NotificationTarget
from awsstate.resources.s3_bucket.website import (
    BucketWebsite,
    RedirectAll,
    RoutingCondition,
    RoutingRedirect,
    RoutingRule,
)

__all__ = [
    "BucketEncryption",
    "BucketLogging",
    "BucketName",
    "BucketNotifications",
    "BucketWebsite",
    "CannedAcl",
    "CorsRule",
    "InventoryConfiguration",
    "LifecycleRule",
    "NoncurrentTransition",
    "NotificationTarget",
    "ObjectLock",
    "ObjectOwnership",
    "PublicAccessBlock",
    "RedirectAll",
    "RoutingCondition",
    "RoutingRedirect",
    "RoutingRule",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "S3_BUCKET",
    "Transition",
    "VersioningStatus",
    "validate_bucket_name",
]
