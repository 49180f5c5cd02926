"""The SQS queue resource: models, naming rules, kind declaration and manager."""

from awsstate.resources.sqs_queue.kind import SQS_QUEUE, SqsQueueManager, SqsQueueObserved
from awsstate.resources.sqs_queue.models import QueueEncryption, RedriveAllowPolicy, RedrivePolicy, SqsQueueDesired
from awsstate.resources.sqs_queue.naming import validate_queue_arn, validate_queue_name

__all__ = [
    "QueueEncryption",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SQS_QUEUE",
    "SqsQueueDesired",
    "SqsQueueManager",
    "SqsQueueObserved",
    "validate_queue_arn",
    "validate_queue_name",
]
