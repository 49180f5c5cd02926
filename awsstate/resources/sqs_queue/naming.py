"""Names and ARNs of SQS queues, by AWS's rules (the SNS topic kind uses the same name rules)."""

from __future__ import annotations

from awsstate.arn import parse_arn
from awsstate.resources.common import FIFO_SUFFIX
from awsstate.resources.identifiers import validate_named

__all__ = ["FIFO_SUFFIX", "MAX_QUEUE_NAME", "validate_queue_arn", "validate_queue_name"]

MAX_QUEUE_NAME = 80


def validate_queue_name(name: str) -> str:
    """Return ``name`` if AWS accepts it as a queue name: 1-80 characters, ``[A-Za-z0-9_-]``, optional ``.fifo``."""
    return validate_named(name, what="queue", max_length=MAX_QUEUE_NAME)


def validate_queue_arn(value: str) -> str:
    """Return ``value`` if it is a well-formed SQS queue ARN (``arn:aws:sqs:<region>:<account>:<queue>``)."""
    parts = parse_arn(value)
    if parts is None or parts.service != "sqs" or not parts.region or not parts.account.isdigit():
        raise ValueError(f"{value!r} is not an SQS queue ARN (expected arn:aws:sqs:<region>:<account-id>:<queue>)")
    validate_queue_name(parts.resource)
    return value
