"""awsstate: declarative desired state for AWS resources, in Python.

Describe what you want as a pydantic model, ``plan`` to see what would change, ``apply`` to
converge::

    from awsstate import S3BucketManager, S3BucketDesired

    manager = S3BucketManager()
    desired = S3BucketDesired(name="example-bucket-name", region="ca-central-1", versioning=True)
    print(manager.plan(desired))
    manager.apply(desired)

The library logs through ``structlog.get_logger`` and never configures logging.
"""

from awsstate.errors import (
    AccessDeniedError,
    AlreadyExistsError,
    AwsStateError,
    ConvergenceError,
    InvalidRequestError,
    NameTakenError,
    NotFoundError,
    NotSupportedError,
    ProviderError,
    StalePlanError,
    ThrottledError,
    UnknownKindError,
    UnsafeChangeError,
)
from awsstate.manager import ApplyResult, Clock, Manager, SettlePolicy, SystemClock
from awsstate.plan import Action, Observation, Plan
from awsstate.providers import (
    Call,
    EventualConsistency,
    FaultInjectingProvider,
    InMemoryProvider,
    Provider,
    RecordingProvider,
    SimulatedCrash,
    World,
)
from awsstate.registry import kind_spec, kinds, manager_class
from awsstate.resources import (
    BucketEncryption,
    BucketLogging,
    BucketNotifications,
    BucketWebsite,
    CorsRule,
    IamPolicyDesired,
    IamPolicyManager,
    IamPolicyObserved,
    IamRoleDesired,
    IamRoleManager,
    IamRoleObserved,
    LifecycleRule,
    NotificationTarget,
    ObjectLock,
    ObservedSubscription,
    PublicAccessBlock,
    QueueEncryption,
    RedriveAllowPolicy,
    RedrivePolicy,
    S3BucketDesired,
    S3BucketManager,
    S3BucketObserved,
    SnsTopicDesired,
    SnsTopicManager,
    SnsTopicObserved,
    SqsQueueDesired,
    SqsQueueManager,
    SqsQueueObserved,
    Subscription,
    register_region,
)

__version__ = "0.1.0"

__all__ = [
    "AccessDeniedError",
    "Action",
    "AlreadyExistsError",
    "ApplyResult",
    "AwsStateError",
    "BucketEncryption",
    "BucketLogging",
    "BucketNotifications",
    "BucketWebsite",
    "Call",
    "Clock",
    "ConvergenceError",
    "CorsRule",
    "EventualConsistency",
    "FaultInjectingProvider",
    "IamPolicyDesired",
    "IamPolicyManager",
    "IamPolicyObserved",
    "IamRoleDesired",
    "IamRoleManager",
    "IamRoleObserved",
    "InMemoryProvider",
    "InvalidRequestError",
    "LifecycleRule",
    "Manager",
    "NameTakenError",
    "NotFoundError",
    "NotSupportedError",
    "NotificationTarget",
    "ObjectLock",
    "Observation",
    "ObservedSubscription",
    "Plan",
    "Provider",
    "ProviderError",
    "PublicAccessBlock",
    "QueueEncryption",
    "RecordingProvider",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "S3BucketDesired",
    "S3BucketManager",
    "S3BucketObserved",
    "SettlePolicy",
    "SimulatedCrash",
    "SnsTopicDesired",
    "SnsTopicManager",
    "SnsTopicObserved",
    "SqsQueueDesired",
    "SqsQueueManager",
    "SqsQueueObserved",
    "StalePlanError",
    "Subscription",
    "SystemClock",
    "ThrottledError",
    "UnknownKindError",
    "UnsafeChangeError",
    "World",
    "__version__",
    "kind_spec",
    "kinds",
    "manager_class",
    "register_region",
]
