"""Names and ARNs of SQS queues (and the KMS key ids and ARNs they refer to), by AWS's rules.

Everything here runs while a Desired model is built, so a malformed reference fails before any
AWS call, with a message naming what is wrong. The SNS topic kind uses the same helpers for its
own names and for subscription endpoints.
"""

from __future__ import annotations

import re

__all__ = [
    "FIFO_SUFFIX",
    "arn_partition",
    "parse_arn",
    "validate_kms_key_id",
    "validate_queue_arn",
    "validate_queue_name",
]

from awsstate.resources.common import FIFO_SUFFIX

MAX_QUEUE_NAME = 80
_BASE_NAME = re.compile(r"^[A-Za-z0-9_-]+\Z")
_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-cn|-us-gov|-iso[a-z]?)?):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|):(?P<resource>.+)$"
)
_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})\Z")
_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,256}\Z")
MAX_KMS_KEY_ID = 2048


def arn_partition(region: str | None) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn`` or ``aws-us-gov``)."""
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def parse_arn(value: str) -> dict[str, str] | None:
    """The parts of an ARN (partition, service, region, account, resource), or ``None`` if malformed."""
    match = _ARN.match(value)
    return match.groupdict() if match else None


def validate_named(name: str, *, what: str, max_length: int) -> str:
    """Check a queue or topic name: ``[A-Za-z0-9_-]``, optional ``.fifo`` suffix, length limit."""
    if not 1 <= len(name) <= max_length:
        raise ValueError(f"{what} name {name[:40]!r} is {len(name)} characters; it must be 1 to {max_length}"
                         " (the .fifo suffix included)")
    base = name[: -len(FIFO_SUFFIX)] if name.endswith(FIFO_SUFFIX) else name
    if not base or not _BASE_NAME.match(base):
        raise ValueError(f"{what} name {name!r} may contain only letters, digits, hyphens and underscores, "
                         f"plus the {FIFO_SUFFIX!r} suffix for FIFO")
    return name


def validate_queue_name(name: str) -> str:
    """Return ``name`` if AWS accepts it as a queue name: 1-80 characters, ``[A-Za-z0-9_-]``, optional ``.fifo``."""
    return validate_named(name, what="queue", max_length=MAX_QUEUE_NAME)


def validate_queue_arn(value: str) -> str:
    """Return ``value`` if it is a well-formed SQS queue ARN (``arn:aws:sqs:<region>:<account>:<queue>``)."""
    parts = parse_arn(value)
    if parts is None or parts["service"] != "sqs" or not parts["region"] or not parts["account"]:
        raise ValueError(f"{value!r} is not an SQS queue ARN (expected arn:aws:sqs:<region>:<account-id>:<queue>)")
    validate_queue_name(parts["resource"])
    return value


def validate_kms_key_id(value: str) -> str:
    """Return ``value`` if it names a KMS key: key id, ``mrk-`` id, ``alias/...``, or a key or alias ARN."""
    if not 1 <= len(value) <= MAX_KMS_KEY_ID:
        raise ValueError(f"a KMS key id must be 1 to {MAX_KMS_KEY_ID} characters")
    if _KEY_ID.match(value) or _ALIAS.match(value):
        return value
    parts = parse_arn(value)
    if parts is not None and parts["service"] == "kms" and parts["region"] and parts["account"]:
        resource = parts["resource"]
        if (resource.startswith("key/") and _KEY_ID.match(resource[4:])) or _ALIAS.match(resource):
            return value
    raise ValueError(
        f"{value!r} is not a KMS key id: expected a key id (UUID or mrk-...), 'alias/<name>', or a key or alias ARN"
    )
