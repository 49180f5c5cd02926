"""SQS queues on AWS.

Requests per provider call:

* ``read_existence``: GetQueueUrl (only the first time a queue is seen: URLs are cached per
  handler, since a queue's URL never changes) plus one GetQueueAttributes(All), which carries
  every aspect but tags;
* ``read_aspect``: ListQueueTags (every other aspect comes with the existence read);
* ``create``: one CreateQueue with every setting and the tags;
* ``write_aspect``: one SetQueueAttributes; tags need ListQueueTags plus TagQueue and/or
  UntagQueue (the tag API adds and removes, it never replaces the set);
* ``delete``: one DeleteQueue.

A write or create whose redrive policy names a queue that does not exist is reported as an
:class:`~awsstate.errors.InvalidRequestError` naming ``redrive_policy.dead_letter_target_arn``,
not as the queue itself missing. SQS refuses to re-create a deleted queue's name for 60 seconds
(``QueueDeletedRecently``): that error says to wait and apply again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import InvalidRequestError, NotFoundError, ProviderError
from awsstate.policies import parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "SqsQueueHandler"]

_GONE = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}
_DELETED_RECENTLY = {"AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently"}

_SCALARS = {
    "visibility_timeout_seconds": "VisibilityTimeout",
    "message_retention_seconds": "MessageRetentionPeriod",
    "delay_seconds": "DelaySeconds",
    "max_message_size": "MaximumMessageSize",
    "receive_wait_time_seconds": "ReceiveMessageWaitTimeSeconds",
}
def _load(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def aspects_from(attrs: Mapping[str, str]) -> dict[str, Json]:
    """Every aspect but tags, in canonical form, from a GetQueueAttributes response."""
    values: dict[str, Json] = {aspect: int(attrs[name]) for aspect, name in _SCALARS.items() if name in attrs}
    values["content_based_deduplication"] = attrs.get("ContentBasedDeduplication") == "true"
    redrive: Json = None
    if attrs.get("RedrivePolicy"):
        raw = _load(attrs["RedrivePolicy"])
        redrive = {"dead_letter_target_arn": raw.get("deadLetterTargetArn"),
                   "max_receive_count": int(raw.get("maxReceiveCount", 10))}
    values["redrive_policy"] = redrive
    allow: Json = None
    if attrs.get("RedriveAllowPolicy"):
        raw = _load(attrs["RedriveAllowPolicy"])
        allow = {"permission": raw.get("redrivePermission", "allowAll"),
                 "source_queue_arns": sorted(raw.get("sourceQueueArns") or [])}
    values["redrive_allow_policy"] = allow
    if attrs.get("KmsMasterKeyId"):
        reuse = attrs.get("KmsDataKeyReusePeriodSeconds")
        values["encryption"] = {"mode": "kms", "kms_master_key_id": attrs["KmsMasterKeyId"],
                                "kms_data_key_reuse_period_seconds": int(reuse) if reuse else None}
    else:
        mode = "sqs" if attrs.get("SqsManagedSseEnabled") == "true" else "none"
        values["encryption"] = {"mode": mode, "kms_master_key_id": None, "kms_data_key_reuse_period_seconds": None}
    values["policy"] = parse_policy(attrs["Policy"]) if attrs.get("Policy") else None
    return values


def _redrive(value: Json) -> dict[str, str]:
    if not isinstance(value, dict):
        return {"RedrivePolicy": ""}
    return {"RedrivePolicy": json.dumps({"deadLetterTargetArn": value["dead_letter_target_arn"],
                                         "maxReceiveCount": value["max_receive_count"]})}


def _redrive_allow(value: Json) -> dict[str, str]:
    allow = value if isinstance(value, dict) else {"permission": "allowAll"}
    raw: dict[str, Json] = {"redrivePermission": allow.get("permission", "allowAll")}
    if allow.get("permission") == "byQueue":
        raw["sourceQueueArns"] = allow.get("source_queue_arns", [])
    return {"RedriveAllowPolicy": json.dumps(raw)}


def _encryption(value: Json) -> dict[str, str]:
    enc = value if isinstance(value, dict) else {"mode": "sqs"}
    if enc.get("mode") == "kms":
        attrs = {"KmsMasterKeyId": str(enc["kms_master_key_id"])}
        if enc.get("kms_data_key_reuse_period_seconds") is not None:
            attrs["KmsDataKeyReusePeriodSeconds"] = str(enc["kms_data_key_reuse_period_seconds"])
        return attrs
    # An empty KmsMasterKeyId removes SSE-KMS; SqsManagedSseEnabled then says what remains.
    return {"KmsMasterKeyId": "", "SqsManagedSseEnabled": "true" if enc.get("mode") == "sqs" else "false"}


def _scalar(attribute: str) -> Callable[[Json], dict[str, str]]:
    return lambda value: {attribute: str(value)}


_ATTRIBUTES: dict[str, Callable[[Json], dict[str, str]]] = {
    **{aspect: _scalar(name) for aspect, name in _SCALARS.items()},
    "content_based_deduplication": lambda value: {"ContentBasedDeduplication": "true" if value else "false"},
    "redrive_policy": _redrive,
    "redrive_allow_policy": _redrive_allow,
    "encryption": _encryption,
    "policy": lambda value: {"Policy": policy_json(value) if isinstance(value, dict) and value else ""},
}
"""For each aspect but tags: the SetQueueAttributes/CreateQueue attributes that make it hold a value."""


def attributes_for(aspect: str, value: Json) -> dict[str, str]:
    """The SetQueueAttributes/CreateQueue attributes that make ``aspect`` hold ``value``."""
    return _ATTRIBUTES[aspect](value)


def _set_attributes(h: SqsQueueHandler, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
    url = h.url(ref, "SetQueueAttributes", aspect)
    try:
        return receipt(h.call(ref, "set_queue_attributes", QueueUrl=url, Attributes=attributes_for(aspect, value)))
    except ProviderError as error:
        if aspect not in _EXPLAINED:
            raise
        raise _explain(error, value, creating=False) from error


def _attribute_io(aspect: str) -> AspectIO[SqsQueueHandler]:
    """An aspect carried by GetQueueAttributes(All) and written with one SetQueueAttributes."""
    return AspectIO(write=lambda h, ref, value: _set_attributes(h, ref, aspect, value))


_EXPLAINED = frozenset({"redrive_policy"})  # AWS's errors about the dead-letter queue name no field

_TAGS = TagApi(list="list_queue_tags", tag="tag_queue", untag="untag_queue", shape="map",
               target=lambda h, ref: {"QueueUrl": h.url(ref, "ListQueueTags", "tags")})


def _explain(error: ProviderError, redrive: Json, *, creating: bool) -> ProviderError:
    """Name the field when AWS's error is about the dead-letter queue, or the 60 s re-create rule."""
    if error.code in _DELETED_RECENTLY:
        error.hint = ("SQS does not allow re-creating a queue name within 60 seconds of deleting it: "
                      "wait a minute and apply again.")
        return error
    if not isinstance(redrive, dict):
        return error
    text = error.message.lower()
    about_dlq = "dlq" in text or "dead letter" in text or "dead-letter" in text
    if about_dlq or (creating and isinstance(error, NotFoundError)):
        arn = redrive.get("dead_letter_target_arn")
        return InvalidRequestError(
            f"redrive_policy.dead_letter_target_arn: the dead-letter queue {arn} does not exist",
            kind=error.kind, name=error.name, aspect="redrive_policy", operation=error.operation,
            code=error.code, request_id=error.request_id,
            hint="Create the dead-letter queue first (same account and region), or fix the ARN.",
        )
    return error


class SqsQueueHandler(AwsHandler):
    """The boto3 side of ``sqs_queue``."""

    service = "sqs"
    TAGGED_TYPE = "sqs"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        **{aspect: _attribute_io(aspect) for aspect in _ATTRIBUTES},
        "tags": _TAGS.aspect(),
    }

    def __init__(self, clients: Any) -> None:
        super().__init__(clients)
        self._urls: dict[tuple[str | None, str], str] = {}
        self._lock = threading.Lock()

    def _lookup(self, ref: ResourceRef) -> str | None:
        key = (ref.region, ref.name)
        with self._lock:
            url = self._urls.get(key)
        if url is None:
            response = self.call(ref, "get_queue_url", absent=_GONE, QueueName=ref.name)
            if response is ABSENT:
                return None
            url = str(response["QueueUrl"])
            with self._lock:
                self._urls[key] = url
        return url

    def _forget(self, ref: ResourceRef) -> None:
        with self._lock:
            self._urls.pop((ref.region, ref.name), None)

    def url(self, ref: ResourceRef, operation: str, aspect: str | None = None) -> str:
        """The queue's URL (GetQueueUrl the first time, cached: a queue's URL never changes)."""
        url = self._lookup(ref)
        if url is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect, operation=operation,
                                code="AWS.SimpleQueueService.NonExistentQueue")
        return url

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """GetQueueUrl (cached) + GetQueueAttributes(All): attributes and every aspect but tags."""
        url = self._lookup(ref)
        if url is None:
            return None
        response = self.call(ref, "get_queue_attributes", absent=_GONE, QueueUrl=url, AttributeNames=["All"])
        if response is ABSENT:
            self._forget(ref)
            return None
        attrs = dict(response.get("Attributes", {}))
        return {"region": ref.region, "arn": attrs.get("QueueArn"), "url": url,
                "fifo": attrs.get("FifoQueue") == "true", **aspects_from(attrs)}

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateQueue carrying every managed setting and the tags."""
        attributes: dict[str, str] = {}
        if params.get("fifo"):
            attributes["FifoQueue"] = "true"
        for aspect, value in params.items():
            if aspect in _ATTRIBUTES and value is not None:  # None: nothing to remove on a new queue
                attributes.update(attributes_for(aspect, value))
        kwargs: dict[str, Any] = {"QueueName": ref.name, "Attributes": attributes}
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["tags"] = {k: str(v) for k, v in tags.items()}
        try:
            response = self.call(ref, "create_queue", **kwargs)
        except ProviderError as error:
            raise _explain(error, params.get("redrive_policy"), creating=True) from error
        with self._lock:
            self._urls[(ref.region, ref.name)] = str(response["QueueUrl"])
        return receipt(response)

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteQueue (messages go with the queue; ``force`` changes nothing)."""
        response = self.call(ref, "delete_queue", QueueUrl=self.url(ref, "DeleteQueue"))
        self._forget(ref)
        return receipt(response)


HANDLER = SqsQueueHandler
