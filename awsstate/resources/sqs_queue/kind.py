"""The SQS queue kind: its aspects, their semantics, and its manager.

Call budget. GetQueueAttributes(All) returns every queue attribute in one request, so every
aspect except ``tags`` is carried by the existence read (``carried``): a plan reads the
queue once (GetQueueUrl, cached per provider, plus GetQueueAttributes) and ListQueueTags only
when tags are managed. Every aspect is also passed in CreateQueue (``in_create``), so a create
is one request whatever is managed, and an update is one SetQueueAttributes per changed aspect.

Canonical aspect values (what providers return and plans show):

* the scalar settings: integers in seconds or bytes, ``content_based_deduplication`` a bool
  (``False`` on a standard queue, where AWS reports nothing);
* ``redrive_policy``: ``{"dead_letter_target_arn", "max_receive_count"}`` or ``None``;
* ``redrive_allow_policy``: ``{"permission", "source_queue_arns"}`` or ``None`` (no policy, which
  AWS treats as ``allowAll``);
* ``encryption``: ``{"mode", "kms_master_key_id", "kms_data_key_reuse_period_seconds"}``;
* ``policy``: the policy document as an object, or ``None``; compared with
  :func:`awsstate.canonical.canonical_policy`;
* ``tags``: ``{"key": "value"}``.
"""

from __future__ import annotations

from typing import Any

from awsstate.canonical import Json, canonical_set
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import FIFO_BY_NAME, FIFO_SUFFIX, carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.settings import overlay, settings_value
from awsstate.resources.sqs_queue.models import (
    DEFAULT_KMS_DATA_KEY_REUSE_SECONDS,
    QueueEncryption,
    RedriveAllowPolicy,
    RedrivePolicy,
    SqsQueueDesired,
)
from awsstate.spec import Attribute, Fake, KindSpec, Reference

__all__ = ["SQS_ENCRYPTION_DEFAULT", "SQS_QUEUE", "SqsQueueManager", "SqsQueueObserved"]

SQS_ENCRYPTION_DEFAULT: dict[str, Json] = {
    "mode": "sqs", "kms_master_key_id": None, "kms_data_key_reuse_period_seconds": None,
}
"""A new queue's encryption on AWS: SSE-SQS has been on by default since late 2022."""

_ALLOW_ALL: dict[str, Json] = {"permission": "allowAll", "source_queue_arns": []}


def _redrive_value(value: RedrivePolicy | bool) -> Json:
    return settings_value(value) if isinstance(value, RedrivePolicy) else None


def _redrive_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # An unset max_receive_count keeps the queue's; a queue without a redrive policy gets 10.
    return overlay(wanted, observed, {"max_receive_count": 10}) if isinstance(wanted, dict) else None


def _redrive_allow_value(value: RedriveAllowPolicy) -> Json:
    out = settings_value(value)
    if "source_queue_arns" in out:
        out["source_queue_arns"] = canonical_set(value.source_queue_arns)
    return out


def _redrive_allow_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    merged = overlay(wanted, observed, _ALLOW_ALL)
    if not wanted:
        return observed  # nothing given: nothing managed
    if merged.get("permission") != "byQueue":
        merged["source_queue_arns"] = []
    return merged


def _redrive_allow_normal(value: Json) -> object:
    # AWS treats a queue without a redrive allow policy as allowAll: the two are the same.
    if not isinstance(value, dict):
        return _ALLOW_ALL
    sources = value.get("source_queue_arns")
    return {"permission": value.get("permission"),
            "source_queue_arns": canonical_set(sources if isinstance(sources, list) else [])}


def _encryption_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    # Unset sub-fields keep the queue's; a queue moving to KMS gets AWS's default reuse period.
    merged = overlay(wanted, observed, SQS_ENCRYPTION_DEFAULT)
    if merged.get("mode") != "kms":
        merged.update(kms_master_key_id=None, kms_data_key_reuse_period_seconds=None)
    elif merged.get("kms_data_key_reuse_period_seconds") is None:
        merged["kms_data_key_reuse_period_seconds"] = DEFAULT_KMS_DATA_KEY_REUSE_SECONDS
    return merged


def _encryption_normal(value: Json) -> object:
    if not isinstance(value, dict):
        return SQS_ENCRYPTION_DEFAULT
    if value.get("mode") != "kms":
        # A reuse period left behind by an earlier KMS configuration means nothing without a key.
        return {**SQS_ENCRYPTION_DEFAULT, "mode": value.get("mode")}
    reuse = value.get("kms_data_key_reuse_period_seconds")
    return {"mode": "kms", "kms_master_key_id": value.get("kms_master_key_id"),
            "kms_data_key_reuse_period_seconds": DEFAULT_KMS_DATA_KEY_REUSE_SECONDS if reuse is None else reuse}


def _policy_value(value: dict[str, Json]) -> Json:
    return dict(value) if value else None


def _policy_normal(value: Json) -> object:
    return canonical_policy(value) if isinstance(value, dict | str) else None


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {
        "region": region,
        "arn": f"arn:{arn_partition(region)}:sqs:{region}:{account_id}:{name}",
        "url": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
        "fifo": name.endswith(FIFO_SUFFIX),
    }


SQS_QUEUE = KindSpec(
    kind="sqs_queue",
    describe="SQS queue",
    desired_model=SqsQueueDesired,
    scope="region",
    regional=True,
    attributes=(Attribute("region", "Where the queue lives."), Attribute("arn", "The queue's ARN."),
                Attribute("url", "The queue's URL (what the SQS API addresses it by).", derivable=False),
                Attribute("fifo", "Whether it is a FIFO queue.", bool)),
    derive=_derive,
    create_only=(FIFO_BY_NAME,),
    fake=Fake(
        defaults={
            "visibility_timeout_seconds": 30, "message_retention_seconds": 345600, "delay_seconds": 0,
            "max_message_size": 1048576, "receive_wait_time_seconds": 0, "content_based_deduplication": False,
            "encryption": dict(SQS_ENCRYPTION_DEFAULT), "tags": {},
        },
        # AWS refuses a redrive policy naming a queue that does not exist (the in-memory fake too),
        # but deleting a queue that others use as dead-letter queue is allowed.
        references={"redrive_policy": Reference(kind="sqs_queue", blocks_delete=False, key="dead_letter_target_arn")},
    ),
    aspects=(
        carried("visibility_timeout_seconds", "Visibility timeout (s).", int),
        carried("message_retention_seconds", "Message retention (s).", int),
        carried("delay_seconds", "Delivery delay (s).", int),
        carried("max_message_size", "Largest message (bytes).", int),
        carried("receive_wait_time_seconds", "Long-polling wait (s).", int),
        # Export: False is what a standard queue reports, where the field cannot be set at all.
        carried("content_based_deduplication", "FIFO content-based deduplication.", bool,
                to_field=lambda value: True if value else None),
        carried("redrive_policy", "Dead-letter queue and max receives.", RedrivePolicy,
                to_value=_redrive_value, to_field=lambda value: value or False, merge=_redrive_merge),
        carried("redrive_allow_policy", "Queues allowed to use this one as dead-letter queue.", RedriveAllowPolicy,
                to_value=_redrive_allow_value, to_field=lambda value: value or _ALLOW_ALL,
                merge=_redrive_allow_merge, normalize=_redrive_allow_normal),
        carried("encryption", "Server-side encryption (SSE-SQS, SSE-KMS or none).", QueueEncryption,
                to_value=settings_value, merge=_encryption_merge, normalize=_encryption_normal),
        carried("policy", "Access policy (semantic comparison).", dict[str, Any], to_value=_policy_value,
                to_field=lambda value: value or {}, normalize=_policy_normal),
        tags_aspect(in_create=True),
    ),
)


class SqsQueueManager(Manager[SqsQueueDesired]):
    """Plans and applies :class:`SqsQueueDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = SqsQueueManager(provider=InMemoryProvider())
    >>> manager.apply(SqsQueueDesired(name="doc-queue", visibility_timeout_seconds=60)).changed
    True
    >>> manager.plan(SqsQueueDesired(name="doc-queue", visibility_timeout_seconds=60)).changed
    False
    """

    spec = SQS_QUEUE


SqsQueueObserved = SQS_QUEUE.observed_model
"""An SQS queue as read (generated from :data:`SQS_QUEUE`)."""
