"""The SNS topic resource: models, kind declaration and manager."""

from awsstate.resources.sns_topic.kind import SNS_TOPIC, SnsTopicManager, SnsTopicObserved
from awsstate.resources.sns_topic.models import ObservedSubscription, SnsTopicDesired, Subscription

__all__ = [
    "ObservedSubscription",
    "SNS_TOPIC",
    "SnsTopicDesired",
    "SnsTopicManager",
    "SnsTopicObserved",
    "Subscription",
]
