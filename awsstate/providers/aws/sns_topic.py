"""SNS topics on AWS.

A topic is addressed by its ARN, built from the partition, region, account id and name. The
account id comes from the provider's one cached STS GetCallerIdentity (CreateTopic would also
return the ARN, but it creates the topic: a read must never write).

Requests per provider call:

* ``read_existence``: one GetTopicAttributes (display name, policy, KMS key, delivery policy and
  content-based deduplication come with it);
* ``read_aspect``: tags: one ListTagsForResource; subscriptions: one ListSubscriptionsByTopic
  per 100 subscriptions plus one GetSubscriptionAttributes per confirmed subscription;
* ``create``: one CreateTopic with every setting and the tags;
* ``write_aspect``: one SetTopicAttributes; tags: ListTagsForResource, then TagResource and/or
  UntagResource; subscriptions: the subscription read above, then one Subscribe per missing
  subscription, one SetSubscriptionAttributes per changed attribute and one Unsubscribe per
  extra subscription (a set cannot be written in one request);
* ``delete``: one DeleteTopic (AWS deletes the topic's subscriptions with it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import InvalidRequestError
from awsstate.policies import parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "SnsTopicHandler"]

_GONE = {"NotFound", "NotFoundException"}
DEFAULT_FILTER_POLICY_SCOPE = "MessageAttributes"  # what AWS applies when a filter policy names no scope
_PENDING = "PendingConfirmation"


def _document(text: str | None) -> Json:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) and value else None


def _policy_attribute(value: Json) -> str:
    if not isinstance(value, dict) or not value:
        raise ValueError("an SNS topic always has a policy; it cannot be removed")
    return policy_json(value)


_TOPIC_ATTRIBUTES: dict[str, tuple[str, Callable[[Json], str]]] = {
    "display_name": ("DisplayName", lambda value: str(value or "")),
    "policy": ("Policy", _policy_attribute),
    "kms_master_key_id": ("KmsMasterKeyId", lambda value: str(value or "")),
    "delivery_policy": ("DeliveryPolicy", lambda value: json.dumps(value) if isinstance(value, dict) and value else ""),
    "content_based_deduplication": ("ContentBasedDeduplication", lambda value: "true" if value else "false"),
}
"""Each topic attribute aspect: its SNS attribute name, and how a value is written there."""


def _render(ref: ResourceRef, aspect: str, value: Json) -> tuple[str, str]:
    """The SNS attribute name and text that make ``aspect`` hold ``value``."""
    name, render = _TOPIC_ATTRIBUTES[aspect]
    try:
        return name, render(value)
    except ValueError as error:
        raise InvalidRequestError(str(error), kind=ref.kind, name=ref.name, aspect=aspect) from None


def _subscription_attributes(entry: Mapping[str, Json]) -> dict[str, str]:
    """Subscribe's attributes for a new subscription: only what differs from AWS's defaults."""
    attributes: dict[str, str] = {}
    policy = entry.get("filter_policy")
    if isinstance(policy, dict) and policy:
        attributes["FilterPolicy"] = json.dumps(policy)
        attributes["FilterPolicyScope"] = str(entry.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE)
    if entry.get("raw_message_delivery"):
        attributes["RawMessageDelivery"] = "true"
    return attributes


def _changed(have: Mapping[str, Json], want: Mapping[str, Json]) -> list[tuple[str, str]]:
    """SetSubscriptionAttributes calls (one attribute each) that turn ``have`` into ``want``."""
    changes: list[tuple[str, str]] = []
    policy = want.get("filter_policy") if isinstance(want.get("filter_policy"), dict) else None
    if (have.get("filter_policy") or None) != (policy or None):
        changes.append(("FilterPolicy", json.dumps(policy) if policy else "{}"))  # {} removes the filter
    scope = want.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE
    if policy and (have.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE) != scope:
        changes.append(("FilterPolicyScope", str(scope)))
    if bool(have.get("raw_message_delivery")) != bool(want.get("raw_message_delivery")):
        changes.append(("RawMessageDelivery", "true" if want.get("raw_message_delivery") else "false"))
    return changes


def _write_attribute(aspect: str) -> AspectIO[SnsTopicHandler]:
    def write(h: SnsTopicHandler, ref: ResourceRef, value: Json) -> Any:
        name, text = _render(ref, aspect, value)
        return h.call(ref, "set_topic_attributes", TopicArn=h.topic_arn(ref), AttributeName=name,
                      AttributeValue=text)

    return AspectIO(write=write)


def _read_subscriptions(h: SnsTopicHandler, ref: ResourceRef) -> Json:
    return [entry for _, entry in h.subscriptions(ref)]


def _write_subscriptions(h: SnsTopicHandler, ref: ResourceRef, value: Json) -> Receipt:
    topic = h.topic_arn(ref)
    current = {(str(e["protocol"]), str(e["endpoint"])): (arn, e) for arn, e in h.subscriptions(ref)}
    wanted = [e for e in (value if isinstance(value, list) else []) if isinstance(e, dict)]
    wanted_keys = {(str(e.get("protocol")), str(e.get("endpoint"))) for e in wanted}
    result = Receipt()
    for entry in wanted:
        if entry.get("pending"):
            continue  # awaiting confirmation: nothing can be done until its owner confirms it
        key = (str(entry.get("protocol")), str(entry.get("endpoint")))
        arn, have = current.get(key, (None, None))
        if have is None:
            result = receipt(h.call(ref, "subscribe", TopicArn=topic, Protocol=key[0], Endpoint=key[1],
                                    Attributes=_subscription_attributes(entry), ReturnSubscriptionArn=True))
        elif arn is not None:
            for name, text in _changed(have, entry):
                result = receipt(h.call(ref, "set_subscription_attributes", SubscriptionArn=arn,
                                        AttributeName=name, AttributeValue=text))
    for key, (arn, _) in current.items():
        if key not in wanted_keys and arn is not None:
            result = receipt(h.call(ref, "unsubscribe", SubscriptionArn=arn))
    return result


class SnsTopicHandler(AwsHandler):
    """The boto3 side of ``sns_topic``."""

    service = "sns"
    TAGGED_TYPE = "sns"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        **{aspect: _write_attribute(aspect) for aspect in _TOPIC_ATTRIBUTES},
        "tags": TagApi(list="list_tags_for_resource", tag="tag_resource", untag="untag_resource",
                       target=lambda h, ref: {"ResourceArn": h.topic_arn(ref)}).aspect(),
        "subscriptions": AspectIO(read=_read_subscriptions, write=_write_subscriptions),
    }

    def topic_arn(self, ref: ResourceRef) -> str:
        """The ARN of the topic ``ref`` names."""
        partition, account = self.clients.account(ref)
        return f"arn:{partition}:sns:{ref.region}:{account}:{ref.name}"

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """GetTopicAttributes: attributes plus display name, policy, KMS key and delivery policy."""
        arn = self.topic_arn(ref)
        response = self.call(ref, "get_topic_attributes", absent=_GONE, TopicArn=arn)
        if response is ABSENT:
            return None
        attrs: dict[str, str] = response.get("Attributes", {})
        return {
            "region": ref.region, "arn": arn, "fifo": attrs.get("FifoTopic") == "true",
            "display_name": attrs.get("DisplayName") or "",
            "policy": parse_policy(attrs["Policy"]) if attrs.get("Policy") else None,
            "kms_master_key_id": attrs.get("KmsMasterKeyId") or None,
            "delivery_policy": _document(attrs.get("DeliveryPolicy")),
            "content_based_deduplication": attrs.get("ContentBasedDeduplication") == "true",
        }

    def subscriptions(self, ref: ResourceRef) -> list[tuple[str | None, dict[str, Json]]]:
        """``(subscription ARN or None when pending, canonical entry)`` for every subscription."""
        listed = self.items(ref, "list_subscriptions_by_topic", "Subscriptions", TopicArn=self.topic_arn(ref))
        found = [self._subscription(ref, sub) for sub in listed]
        return sorted(found, key=lambda pair: (str(pair[1]["protocol"]), str(pair[1]["endpoint"])))

    def _subscription(self, ref: ResourceRef, sub: Mapping[str, Any]) -> tuple[str | None, dict[str, Json]]:
        key: dict[str, Json] = {"protocol": sub.get("Protocol"), "endpoint": sub.get("Endpoint")}
        arn = sub.get("SubscriptionArn")
        if not arn or arn == _PENDING:
            return None, {**key, "pending": True}
        response = self.call(ref, "get_subscription_attributes", absent=_GONE, SubscriptionArn=arn)
        attrs: dict[str, str] = {} if response is ABSENT else response.get("Attributes", {})
        if attrs.get("PendingConfirmation") == "true":
            return None, {**key, "pending": True}
        return arn, {
            **key,
            "filter_policy": _document(attrs.get("FilterPolicy")),
            "filter_policy_scope": attrs.get("FilterPolicyScope") or DEFAULT_FILTER_POLICY_SCOPE,
            "raw_message_delivery": attrs.get("RawMessageDelivery") == "true",
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateTopic carrying every managed setting and the tags."""
        attributes: dict[str, str] = {}
        if params.get("fifo"):
            attributes["FifoTopic"] = "true"
        for aspect, value in params.items():
            if aspect in _TOPIC_ATTRIBUTES and value not in (None, ""):
                name, text = _render(ref, aspect, value)
                attributes[name] = text
        kwargs: dict[str, Any] = {"Name": ref.name, "Attributes": attributes}
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = tag_list(tags)
        return receipt(self.call(ref, "create_topic", **kwargs))

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteTopic (its subscriptions go with it)."""
        return receipt(self.call(ref, "delete_topic", TopicArn=self.topic_arn(ref)))


HANDLER = SnsTopicHandler
