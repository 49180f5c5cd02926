"""The SNS topic resource: models, kind declaration and manager."""

from awsstate.resources.sns_topic.kind import SNS_TOPIC, SnsTopicManager
from awsstate.resources.sns_topic.models import (
    ObservedSubscription,
    SnsTopicDesired,
    SnsTopicObserved,
    Subscription,
    validate_topic_name,
)

__all__ = [
    "SNS_TOPIC",
    "ObservedSubscription",
    "SnsTopicDesired",
    "SnsTopicManager",
    "SnsTopicObserved",
    "Subscription",
    "validate_topic_name",
]
