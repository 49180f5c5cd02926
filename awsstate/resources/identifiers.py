"""Identifiers shared by several kinds, by AWS's rules: queue-style names, KMS key ids, partitions.

Everything here runs while a Desired model is built, so a malformed reference fails before any
AWS call, with a message naming what is wrong.
"""

from __future__ import annotations

import re

from awsstate.arn import parse_arn
from awsstate.refs import allow_ref
from awsstate.resources.common import FIFO_SUFFIX

__all__ = ["KMS_KEY_REFS", "MAX_KMS_KEY_ID", "arn_partition", "validate_kms_key_id", "validate_kms_key_or_ref",
           "validate_named"]

_BASE_NAME = re.compile(r"^[A-Za-z0-9_-]+\Z")
_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})\Z")
_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,256}\Z")
MAX_KMS_KEY_ID = 2048


def arn_partition(region: str | None) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov`` ...), from botocore's data."""
    from awsstate.providers.aws.partitions import partition_of  # a data file, not boto3

    return partition_of(region).id


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


def validate_kms_key_id(value: str) -> str:
    """Return ``value`` if it names a KMS key: key id, ``mrk-`` id, ``alias/...``, or a key or alias ARN."""
    if not 1 <= len(value) <= MAX_KMS_KEY_ID:
        raise ValueError(f"a KMS key id must be 1 to {MAX_KMS_KEY_ID} characters")
    if _KEY_ID.match(value) or _ALIAS.match(value):
        return value
    parts = parse_arn(value)
    if parts is not None and parts.service == "kms" and parts.region and parts.account:
        resource = parts.resource
        if (resource.startswith("key/") and _KEY_ID.match(resource[4:])) or _ALIAS.match(resource):
            return value
    raise ValueError(
        f"{value!r} is not a KMS key id: expected a key id (UUID or mrk-...), 'alias/<name>', or a key or alias ARN"
    )


KMS_KEY_REFS = ("arn", "key_id", "alias_arn")
"""The attributes of a ``kms_key`` that a field naming a KMS key may refer to in a stack."""


def validate_kms_key_or_ref(value: str) -> str:
    """:func:`validate_kms_key_id`, or a stack reference to a ``kms_key``'s ARN, id or alias ARN."""
    return allow_ref(validate_kms_key_id, kinds=("kms_key",), attributes=KMS_KEY_REFS)(value)
