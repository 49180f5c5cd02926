"""The SQS queue kind: its aspects, their semantics, and its manager.

Call budget. GetQueueAttributes(All) returns every queue attribute in one request, so every
aspect except ``tags`` is carried by the existence read (``in_existence``): a plan reads the
queue once (GetQueueUrl, cached per provider, plus GetQueueAttributes) and ListQueueTags only
when tags are managed. Every aspect is also passed in CreateQueue (``on_create``), so a create
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

from awsstate.canonical import Json, canonical_policy, canonical_set
from awsstate.manager import Manager
from awsstate.resources.common import FIFO_BY_NAME, tags_after, tags_normal
from awsstate.resources.sqs_queue.models import (
    DEFAULT_KMS_DATA_KEY_REUSE_SECONDS,
    QueueEncryption,
    RedriveAllowPolicy,
    RedrivePolicy,
    SqsQueueDesired,
    SqsQueueObserved,
)
from awsstate.resources.sqs_queue.naming import FIFO_SUFFIX, arn_partition
from awsstate.spec import Aspect, KindSpec, Reference

__all__ = ["SQS_ENCRYPTION_DEFAULT", "SQS_QUEUE", "SqsQueueManager"]

SQS_ENCRYPTION_DEFAULT: dict[str, Json] = {
    "mode": "sqs", "kms_master_key_id": None, "kms_data_key_reuse_period_seconds": None,
}
"""A new queue's encryption on AWS: SSE-SQS has been on by default since late 2022."""

_ALLOW_ALL: dict[str, Json] = {"permission": "allowAll", "source_queue_arns": []}


def _redrive_value(value: RedrivePolicy | bool) -> Json:
    if isinstance(value, RedrivePolicy):
        return {"dead_letter_target_arn": value.dead_letter_target_arn, "max_receive_count": value.max_receive_count}
    return None


def _redrive_allow_value(value: RedriveAllowPolicy) -> Json:
    return {"permission": value.permission, "source_queue_arns": list(canonical_set(value.source_queue_arns))}


def _redrive_allow_normal(value: Json) -> object:
    # AWS treats a queue without a redrive allow policy as allowAll: the two are the same.
    if not isinstance(value, dict):
        return _ALLOW_ALL
    sources = value.get("source_queue_arns")
    return {"permission": value.get("permission"),
            "source_queue_arns": canonical_set(sources if isinstance(sources, list) else [])}


def _encryption_value(value: QueueEncryption) -> Json:
    reuse = value.kms_data_key_reuse_period_seconds
    if value.mode == "kms" and reuse is None:
        reuse = DEFAULT_KMS_DATA_KEY_REUSE_SECONDS
    return {"mode": value.mode, "kms_master_key_id": value.kms_master_key_id,
            "kms_data_key_reuse_period_seconds": reuse}


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


def _attributes(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {
        "region": region,
        "arn": f"arn:{arn_partition(region)}:sqs:{region}:{account_id}:{name}",
        "url": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
        "fifo": name.endswith(FIFO_SUFFIX),
    }


def _scalar(name: str, doc: str, default: int) -> Aspect:
    return Aspect(name=name, doc=doc, on_create=True, in_existence=True, aws_default=default)


SQS_QUEUE = KindSpec(
    kind="sqs_queue",
    describe="SQS queue",
    desired_model=SqsQueueDesired,
    observed_model=SqsQueueObserved,
    scope="region",
    regional=True,
    attributes=_attributes,
    create_only=(FIFO_BY_NAME,),
    aspects=(
        _scalar("visibility_timeout_seconds", "Visibility timeout (s).", 30),
        _scalar("message_retention_seconds", "Message retention (s).", 345600),
        _scalar("delay_seconds", "Delivery delay (s).", 0),
        _scalar("max_message_size", "Largest message (bytes).", 1048576),
        _scalar("receive_wait_time_seconds", "Long-polling wait (s).", 0),
        Aspect(name="content_based_deduplication", doc="FIFO content-based deduplication.",
               on_create=True, in_existence=True, aws_default=False),
        # AWS refuses a redrive policy naming a queue that does not exist (the in-memory fake too),
        # but deleting a queue that others use as dead-letter queue is allowed.
        Aspect(name="redrive_policy", doc="Dead-letter queue and max receives.", to_value=_redrive_value,
               on_create=True, in_existence=True,
               references=Reference(kind="sqs_queue", blocks_delete=False, key="dead_letter_target_arn")),
        Aspect(name="redrive_allow_policy", doc="Queues allowed to use this one as dead-letter queue.",
               to_value=_redrive_allow_value, normalize=_redrive_allow_normal, on_create=True, in_existence=True),
        Aspect(name="encryption", doc="Server-side encryption (SSE-SQS, SSE-KMS or none).",
               to_value=_encryption_value, normalize=_encryption_normal, on_create=True, in_existence=True,
               aws_default=dict(SQS_ENCRYPTION_DEFAULT)),
        Aspect(name="policy", doc="Access policy (semantic comparison).", to_value=_policy_value,
               normalize=_policy_normal, on_create=True, in_existence=True),
        Aspect(name="tags", doc="Tags (full set).", target=tags_after, normalize=tags_normal,
               on_create=True, aws_default={}),
    ),
)


class SqsQueueManager(Manager[SqsQueueDesired, SqsQueueObserved]):
    """Plans and applies :class:`SqsQueueDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = SqsQueueManager(provider=InMemoryProvider())
    >>> manager.apply(SqsQueueDesired(name="doc-queue", visibility_timeout_seconds=60)).changed
    True
    >>> manager.plan(SqsQueueDesired(name="doc-queue", visibility_timeout_seconds=60)).changed
    False
    """

    spec = SQS_QUEUE
