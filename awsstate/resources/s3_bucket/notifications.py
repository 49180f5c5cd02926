"""S3 event notifications: the user model, AWS's rules, and the canonical value's semantics.

Canonical value of the ``notifications`` aspect::

    {"eventbridge": bool,
     "targets": [{"id": str, "arn": str, "events": [...], "prefix": str, "suffix": str}, ...]}

with ``prefix``/``suffix`` left out when unset. ``{"eventbridge": False, "targets": []}`` is no
notification. Targets are SQS queues, SNS topics or Lambda functions, told apart by their ARN.
Target order and event order do not matter.

AWS gives a target without an ``Id`` a generated one; a target the user gave no id adopts the id
of an existing target with the same content, or a stable id derived from its content.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from awsstate.arn import parse_arn
from awsstate.canonical import Json, canonical_json, canonical_set, json_list
from awsstate.refs import allow_ref
from awsstate.resources.s3_bucket.lifecycle import stable_id
from awsstate.resources.settings import Settings

__all__ = [
    "NOTIFICATION_EVENTS",
    "BucketNotifications",
    "NotificationTarget",
    "notifications_after",
    "notifications_normal",
    "notifications_value",
    "check_target_region",
    "target_type",
]

NOTIFICATION_EVENTS = frozenset({
    "s3:IntelligentTiering", "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition", "s3:ObjectAcl:Put",
    "s3:ObjectCreated:*", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:Post", "s3:ObjectCreated:Put", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:ObjectRestore:Post", "s3:ObjectTagging:*", "s3:ObjectTagging:Delete",
    "s3:ObjectTagging:Put", "s3:ReducedRedundancyLostObject", "s3:Replication:*",
    "s3:Replication:OperationFailedReplication", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationReplicatedAfterThreshold",
})
"""Event types S3 can notify about."""

_ARN = re.compile(
    r"^arn:[a-z-]+:(?P<service>sqs|sns|lambda):[a-z0-9-]+:\d{12}:"
    r"(?P<rest>[A-Za-z0-9_.-]+(\.fifo)?|function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?)\Z"
)
_TYPES: dict[str, Literal["queue", "topic", "lambda"]] = {"sqs": "queue", "sns": "topic", "lambda": "lambda"}


def target_type(arn: str) -> Literal["queue", "topic", "lambda"]:
    """``queue``, ``topic`` or ``lambda``, from a target ARN (``ValueError`` when it is none of them)."""
    match = _ARN.match(arn)
    if not match or (match["service"] == "lambda") != match["rest"].startswith("function:") or parse_arn(arn) is None:
        raise ValueError(f"{arn!r} is not the ARN of an SQS queue, SNS topic or Lambda function")
    return _TYPES[match["service"]]


def check_target_region(arn: str, region: str) -> None:
    """S3 notifies only targets in the bucket's own region (and so partition)."""
    parts = parse_arn(arn)
    if parts is not None and parts.region != region:
        raise ValueError(f"notification target {arn!r} is in {parts.region}, but the bucket is in {region}: S3 "
                         "notifies only queues, topics and functions in the bucket's region")


def _target_arn(arn: str) -> str:
    target_type(arn)
    return arn


class NotificationTarget(BaseModel):
    """Send events to an SQS queue, SNS topic or Lambda function (which must allow S3 to do so)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    arn: str
    """The queue, topic or function ARN."""
    events: list[str] = Field(min_length=1)
    """Event types (``s3:ObjectCreated:*`` ...)."""
    prefix: str | None = Field(default=None, min_length=1, max_length=1024)
    """Only keys starting with this."""
    suffix: str | None = Field(default=None, min_length=1, max_length=1024)
    """Only keys ending with this."""
    id: str | None = Field(default=None, min_length=1, max_length=255)
    """The configuration's id (unset: adopted from an identical existing one, or derived)."""

    @field_validator("arn")
    @classmethod
    def _valid_arn(cls, arn: str) -> str:
        return allow_ref(_target_arn, kinds=("sqs_queue", "sns_topic"))(arn)

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = sorted(set(events) - NOTIFICATION_EVENTS)
        if unknown:
            raise ValueError(f"unknown S3 event type(s) {unknown}; e.g. 's3:ObjectCreated:*'")
        return events


def _events_overlap(a: list[str], b: list[str]) -> bool:
    def family(event: str) -> str:
        return event.rsplit(":", 1)[0] if event.count(":") == 2 else event

    for x in a:
        for y in b:
            if x == y or (family(x) == family(y) and (x.endswith(":*") or y.endswith(":*"))):
                return True
    return False


class BucketNotifications(Settings):
    """Every event notification of a bucket: ``targets`` and ``eventbridge``.

    A part left unset is unmanaged (``BucketNotifications(eventbridge=True)`` keeps the targets
    the bucket has; on a bucket without notifications it gets none). ``notifications={}`` on the
    bucket, or :meth:`none`, removes every notification.
    """

    targets: list[NotificationTarget] = Field(default_factory=list)
    """Queues, topics and functions to notify."""
    eventbridge: bool = False
    """Also send every event to Amazon EventBridge."""

    @model_validator(mode="after")
    def _no_overlap(self) -> BucketNotifications:
        ids = [t.id for t in self.targets if t.id]
        if len(ids) != len(set(ids)):
            raise ValueError("notification target ids must be unique")
        for i, a in enumerate(self.targets):
            for b in self.targets[i + 1:]:
                prefixes = (a.prefix or "", b.prefix or "")
                suffixes = (a.suffix or "", b.suffix or "")
                if (_events_overlap(a.events, b.events)
                        and (prefixes[0].startswith(prefixes[1]) or prefixes[1].startswith(prefixes[0]))
                        and (suffixes[0].endswith(suffixes[1]) or suffixes[1].endswith(suffixes[0]))):
                    raise ValueError(f"notification targets {a.arn!r} and {b.arn!r} overlap (same event types "
                                     "and overlapping prefix/suffix): AWS rejects overlapping configurations")
        return self

    @classmethod
    def none(cls) -> BucketNotifications:
        """No notification at all (what ``notifications={}`` means)."""
        return cls(targets=[], eventbridge=False)


def notifications_value(value: BucketNotifications) -> Json:
    """The canonical value of the user's notifications: the parts given (target ids not yet assigned)."""
    out: dict[str, Json] = {}
    if value.given("eventbridge"):
        out["eventbridge"] = value.eventbridge
    if value.given("targets"):
        out["targets"] = [t.model_dump(mode="json", exclude_none=True) for t in value.targets]
    return out


def _normal_target(target: Json) -> dict[str, Json]:
    if not isinstance(target, dict):
        return {}
    out: dict[str, Json] = {k: v for k, v in target.items() if v is not None and v != ""}
    events = out.get("events")
    if isinstance(events, list):
        out["events"] = canonical_set(events)
    return out


def _content(target: Json) -> dict[str, Json]:
    normal = _normal_target(target)
    normal.pop("id", None)
    return normal


def notifications_normal(value: Json) -> object:
    """Semantic form: targets as a sorted set, events as sets."""
    value = value if isinstance(value, dict) else {}
    targets = value.get("targets")
    items = [_normal_target(t) for t in targets] if isinstance(targets, list) else []
    return {"eventbridge": bool(value.get("eventbridge")), "targets": sorted(items, key=canonical_json)}


def notifications_after(wanted: Json, observed: Json) -> Json:
    """The notifications to hold: the user's, targets without an id given the id AWS would keep;
    a part the user did not give (``targets`` or ``eventbridge``) kept as it is."""
    wanted = wanted if isinstance(wanted, dict) else {}
    have = observed if isinstance(observed, dict) else {}
    existing = [t for t in json_list(have.get("targets")) if isinstance(t, dict)]
    if "targets" not in wanted:
        return {"eventbridge": bool(wanted.get("eventbridge", have.get("eventbridge"))), "targets": list(existing)}
    if "eventbridge" not in wanted:
        wanted = {**wanted, "eventbridge": bool(have.get("eventbridge"))}
    targets = [t for t in json_list(wanted.get("targets")) if isinstance(t, dict)]
    taken = {t.get("id") for t in targets if t.get("id")}
    result: list[Json] = []
    for target in targets:
        if target.get("id"):
            result.append(target)
            continue
        content = _content(target)
        match = next((t.get("id") for t in existing if t.get("id") not in taken and _content(t) == content), None)
        target_id = match if isinstance(match, str) else stable_id("awsstate", content)
        taken.add(target_id)
        result.append({"id": target_id, **target})
    return {"eventbridge": bool(wanted.get("eventbridge")), "targets": result}
