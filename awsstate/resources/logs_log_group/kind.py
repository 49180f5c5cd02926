"""The CloudWatch Logs log group kind: its aspects, their semantics, and its manager.

DescribeLogGroups returns the retention, the KMS key, the class and deletion protection, so
those are carried by the existence read; tags (ListTagsForResource) and the data protection
policy (GetDataProtectionPolicy) are read only when managed. CreateLogGroup carries the KMS key,
the class, deletion protection and the tags, so a create is one request plus a retention write.

Canonical aspect values: ``retention_in_days`` an integer or ``None`` (never expire);
``kms_key_id`` the key ARN or ``None``; ``data_protection_policy`` the document or ``None``;
``deletion_protection`` a bool; ``tags`` ``{"key": "value"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, canonical_document, canonical_json
from awsstate.manager import Manager
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.logs_log_group.models import RETENTION_DAYS, LogsLogGroupDesired
from awsstate.spec import Aspect, Attribute, CreateOnly, Fake, KindSpec

__all__ = ["LOGS_LOG_GROUP", "LogsLogGroupManager", "LogsLogGroupObserved"]


def _retention_value(value: int | bool) -> Json:
    return None if value is False else int(value)


def _document_normal(value: Json) -> object:
    # By meaning: key order and 1.0 vs 1 do not matter (strings stay strings: "1" is not 1 here).
    return canonical_json(canonical_document(value, scalars_as_strings=False)) if isinstance(value, dict) and value \
        else None


def _check_retention(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    if new is not None and (isinstance(new, bool) or new not in RETENTION_DAYS):  # True == 1 is in the set
        return f"Invalid retention value {new!r}: CloudWatch Logs accepts only its listed periods"
    return None


def _refuse_protected(aspects: Mapping[str, Json]) -> tuple[str, str] | None:
    if aspects.get("deletion_protection"):
        return ("deletion_protection", "the log group has deletion protection enabled: set "
                "deletion_protection=False and apply, then delete it")
    return None


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": f"arn:{arn_partition(region)}:logs:{region}:{account_id}:log-group:{name}",
            "log_group_class": "STANDARD"}



LOGS_LOG_GROUP = KindSpec(
    kind="logs_log_group",
    describe="CloudWatch Logs log group",
    desired_model=LogsLogGroupDesired,
    scope="region",
    regional=True,
    attributes=(Attribute("region", "Where the log group lives."), Attribute("arn", "The log group's ARN."),
                Attribute("log_group_class", "The log group class.")),
    derive=_derive,
    create_only=(CreateOnly(field="log_group_class", doc="The log group class (CreateLogGroup only)."),),
    fake=Fake(
        defaults={"tags": {}, "deletion_protection": False},
        checks={"retention_in_days": _check_retention},
        refuse_delete=_refuse_protected,
    ),
    aspects=(
        carried("retention_in_days", "How long events are kept (days; None: never expire).", int, in_create=False,
                 to_value=_retention_value, to_field=lambda value: value or False, new_value=None),
        carried("kms_key_id", "The KMS key that encrypts the log data.", str, in_create=True,
                 to_value=lambda value: value or None, to_field=lambda value: value or ""),
        carried("deletion_protection", "Whether AWS refuses to delete the log group.", bool, in_create=True,
                 normalize=bool),
        Aspect(name="data_protection_policy", doc="Data protection policy (audit and mask sensitive data).",
               type=dict[str, Any], to_value=lambda value: value or None, to_field=lambda value: value or {},
               normalize=_document_normal, new_value=None),
        tags_aspect(in_create=True),
    ),
)


class LogsLogGroupManager(Manager[LogsLogGroupDesired]):
    """Plans and applies :class:`LogsLogGroupDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = LogsLogGroupManager(provider=InMemoryProvider())
    >>> manager.apply(LogsLogGroupDesired(name="/doc/app", retention_in_days=14)).changed
    True
    >>> manager.plan(LogsLogGroupDesired(name="/doc/app", retention_in_days=14)).changed
    False
    """

    spec = LOGS_LOG_GROUP


LogsLogGroupObserved = LOGS_LOG_GROUP.observed_model
"""A log group as read (generated from :data:`LOGS_LOG_GROUP`)."""
