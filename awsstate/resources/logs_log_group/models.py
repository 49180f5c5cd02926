"""The CloudWatch Logs log group's user-facing model, with AWS's own rules."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator

from awsstate.arn import parse_arn
from awsstate.canonical import check_json, load_json
from awsstate.models import DesiredModel
from awsstate.refs import allow_ref
from awsstate.resources.validation import Region, Tags

__all__ = [
    "RETENTION_DAYS",
    "DataProtectionPolicy",
    "LogGroupClass",
    "LogGroupName",
    "LogsLogGroupDesired",
    "validate_log_group_name",
]

RETENTION_DAYS = frozenset({1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                            2922, 3288, 3653})
"""The retention periods CloudWatch Logs accepts, in days."""
MAX_NAME = 512
MAX_POLICY_SIZE = 30 * 1024  # bytes, AWS's limit for a data protection policy
_NAME = re.compile(r"^[A-Za-z0-9_\-/.#]+\Z")
_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})\Z")

LogGroupClass = Literal["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]
"""The log group class: ``STANDARD`` (AWS's default), ``INFREQUENT_ACCESS`` or ``DELIVERY``."""


def validate_log_group_name(name: str) -> str:
    """Return ``name`` if CloudWatch Logs accepts it as a log group name."""
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"log group name {name[:40]!r} is {len(name)} characters; it must be 1 to {MAX_NAME}")
    if not _NAME.match(name):
        raise ValueError(f"log group name {name!r} may contain only letters, digits and _ - / . #")
    if name.startswith("aws/"):
        raise ValueError(f"log group name {name!r}: names starting with 'aws/' are reserved by AWS")
    return name


LogGroupName = Annotated[str, AfterValidator(validate_log_group_name)]
"""A log group name: 1-512 of ``[A-Za-z0-9_-/.#]``, not starting with ``aws/``."""


def _retention(value: object) -> object:
    # 0 and False both mean "never expire" (CloudWatch Logs' default), as in Terraform.
    if value is True:  # pydantic would make it 1 (day): a silent, destructive surprise
        raise ValueError("True is not a retention period; give a number of days, or False/0 to never expire")
    if value is False or (isinstance(value, int) and not isinstance(value, bool) and value == 0):
        return False
    return value


def _allowed_retention(value: int | bool) -> int | bool:
    if value is not False and value not in RETENTION_DAYS:
        raise ValueError(f"{value} days is not a retention period CloudWatch Logs accepts; use one of "
                         f"{', '.join(str(d) for d in sorted(RETENTION_DAYS))} (or False/0: never expire)")
    return value


def _kms_key_arn(value: str) -> str:
    if value == "":
        return value
    parts = parse_arn(value)
    if (parts is None or parts.service != "kms" or not parts.region or not parts.account.isdigit()
            or not parts.resource.startswith("key/") or not _KEY_ID.match(parts.resource.removeprefix("key/"))):
        raise ValueError(f"{value!r} is not a KMS key ARN; CloudWatch Logs needs the key's full ARN "
                         "(arn:aws:kms:<region>:<account>:key/<key id>), not an id or alias")
    return value


def _policy_document(value: object) -> object:
    if isinstance(value, str):
        return load_json(value) if value.strip() else {}
    check_json(value)
    return value


def _data_protection(value: dict[str, Any]) -> dict[str, Any]:
    if not value:
        return value
    missing = [key for key in ("Name", "Version", "Statement") if key not in value]
    if missing:
        raise ValueError(f"a data protection policy needs {', '.join(missing)} (see the CloudWatch Logs "
                         "data protection policy syntax)")
    if not isinstance(value["Statement"], list) or not value["Statement"]:
        raise ValueError("a data protection policy's Statement must be a non-empty list")
    if len(json.dumps(value, separators=(",", ":"))) > MAX_POLICY_SIZE:
        raise ValueError(f"a data protection policy is at most {MAX_POLICY_SIZE} bytes")
    return value


DataProtectionPolicy = Annotated[dict[str, Any], BeforeValidator(_policy_document), AfterValidator(_data_protection)]
"""A data protection policy (a mapping or JSON text with Name, Version and Statement); ``{}``: none."""


class LogsLogGroupDesired(DesiredModel):
    """A CloudWatch Logs log group as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it.
    """

    name: LogGroupName
    """The log group name, unique per account and region (``/app/orders``)."""
    region: Region | None = None
    """Where the log group lives; unset: the provider's default region."""
    retention_in_days: Annotated[int | Literal[False], BeforeValidator(_retention),
                                 AfterValidator(_allowed_retention)] | None = None
    """How long events are kept, in days (one of AWS's periods: 1, 3, 5, 7, 14, 30, ... 3653).
    ``False`` (or ``0``): never expire, AWS's default for a new log group."""
    kms_key_id: Annotated[str, AfterValidator(allow_ref(_kms_key_arn, kinds=("kms_key",)))] | None = None
    """The full ARN of the KMS key that encrypts the log data (its key policy must let CloudWatch
    Logs use it); ``""``: no customer key (AWS-owned encryption)."""
    log_group_class: LogGroupClass | None = None
    """``STANDARD`` (AWS's default), ``INFREQUENT_ACCESS`` or ``DELIVERY``. Fixed at creation: a
    change is planned as a replace."""
    data_protection_policy: DataProtectionPolicy | None = None
    """The data protection policy that audits and masks sensitive data in the log events;
    ``{}``: none. Compared by meaning (key order does not matter)."""
    deletion_protection: bool | None = None
    """``True``: AWS refuses to delete the log group (``state="absent"`` then fails, naming this
    setting, until it is set to ``False``)."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:``
    tags are never changed."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""
