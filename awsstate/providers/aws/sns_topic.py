"""SNS topics on AWS.

A topic is addressed by its ARN, built from the partition, region, account id and name. The
account id comes from one STS GetCallerIdentity, made the first time a topic is addressed and
cached for the life of the provider (CreateTopic would also return the ARN, but it creates the
topic: a read must never write).

Requests per provider call:

* ``read_existence``: one GetTopicAttributes (display name, policy, KMS key and delivery policy
  come with it), plus the one-off GetCallerIdentity;
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
import threading
from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, parse_policy, policy_json, tag_changes
from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.providers.aws.handler import ABSENT, AwsHandler, receipt
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["SnsTopicHandler"]

_GONE = {"NotFound", "NotFoundException"}
DEFAULT_FILTER_POLICY_SCOPE = "MessageAttributes"  # what AWS applies when a filter policy names no scope
_PENDING = "PendingConfirmation"


def _document(text: str | None) -> Json:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) and value else None


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


class SnsTopicHandler(AwsHandler):
    """The boto3 side of ``sns_topic``."""

    service = "sns"

    def __init__(self, clients: Any) -> None:
        super().__init__(clients)
        self._identity: tuple[str, str] | None = None
        self._lock = threading.Lock()

    def _account(self, ref: ResourceRef) -> tuple[str, str]:
        """``(partition, account id)`` of the caller: one GetCallerIdentity per handler."""
        with self._lock:
            if self._identity is None:
                response = self.clients.call(ref, "sts", "get_caller_identity", region=ref.region)
                # arn:<partition>:sts::<account>:... names the partition topic ARNs must use.
                parts = str(response.get("Arn", "")).split(":")
                self._identity = (parts[1] if len(parts) > 1 and parts[1] else "aws", str(response["Account"]))
            return self._identity

    def topic_arn(self, ref: ResourceRef) -> str:
        """The ARN of the topic ``ref`` names."""
        partition, account = self._account(ref)
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
        }

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """ListTagsForResource, the subscriptions, or (for the others) GetTopicAttributes."""
        if aspect == "tags":
            response = self.call(ref, "list_tags_for_resource", aspect=aspect, ResourceArn=self.topic_arn(ref))
            return {t["Key"]: t["Value"] for t in response.get("Tags", [])}
        if aspect == "subscriptions":
            return [entry for _, entry in self._subscriptions(ref)]
        if aspect not in ("display_name", "policy", "kms_master_key_id", "delivery_policy"):
            raise KeyError(f"sns_topic has no aspect {aspect!r}")
        existence = self.read_existence(ref)
        if existence is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect,
                                operation="GetTopicAttributes", code="NotFound")
        return existence[aspect]

    def _subscriptions(self, ref: ResourceRef) -> list[tuple[str | None, dict[str, Json]]]:
        """``(subscription ARN or None when pending, canonical entry)`` for every subscription."""
        found: list[tuple[str | None, dict[str, Json]]] = []
        params: dict[str, str] = {"TopicArn": self.topic_arn(ref)}
        while True:
            page = self.call(ref, "list_subscriptions_by_topic", aspect="subscriptions", **params)
            for sub in page.get("Subscriptions", []):
                found.append(self._subscription(ref, sub))
            if not page.get("NextToken"):
                break
            params["NextToken"] = page["NextToken"]
        return sorted(found, key=lambda pair: (str(pair[1]["protocol"]), str(pair[1]["endpoint"])))

    def _subscription(self, ref: ResourceRef, sub: Mapping[str, Any]) -> tuple[str | None, dict[str, Json]]:
        key: dict[str, Json] = {"protocol": sub.get("Protocol"), "endpoint": sub.get("Endpoint")}
        arn = sub.get("SubscriptionArn")
        if not arn or arn == _PENDING:
            return None, {**key, "pending": True}
        response = self.call(ref, "get_subscription_attributes", aspect="subscriptions", absent=_GONE,
                             SubscriptionArn=arn)
        attrs: dict[str, str] = {} if response is ABSENT else response.get("Attributes", {})
        if attrs.get("PendingConfirmation") == "true":
            return None, {**key, "pending": True}
        policy = _document(attrs.get("FilterPolicy"))
        return arn, {
            **key,
            "filter_policy": policy,
            "filter_policy_scope": attrs.get("FilterPolicyScope") or DEFAULT_FILTER_POLICY_SCOPE,
            "raw_message_delivery": attrs.get("RawMessageDelivery") == "true",
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateTopic carrying every managed setting and the tags."""
        attributes: dict[str, str] = {}
        if params.get("fifo"):
            attributes["FifoTopic"] = "true"
        for aspect, value in params.items():
            if aspect in ("fifo", "tags", "subscriptions") or value in (None, ""):
                continue
            attributes.update(self._topic_attribute(ref, aspect, value))
        kwargs: dict[str, Any] = {"Name": ref.name, "Attributes": attributes}
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]
        return receipt(self.call(ref, "create_topic", **kwargs))

    def _topic_attribute(self, ref: ResourceRef, aspect: str, value: Json) -> dict[str, str]:
        if aspect == "display_name":
            return {"DisplayName": str(value or "")}
        if aspect == "policy":
            if not isinstance(value, dict) or not value:
                raise InvalidRequestError("an SNS topic always has a policy; it cannot be removed", kind=ref.kind,
                                          name=ref.name, aspect=aspect)
            return {"Policy": policy_json(value)}
        if aspect == "kms_master_key_id":
            return {"KmsMasterKeyId": str(value or "")}
        if aspect == "delivery_policy":
            return {"DeliveryPolicy": json.dumps(value) if isinstance(value, dict) and value else ""}
        raise KeyError(f"sns_topic has no aspect {aspect!r}")

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """One SetTopicAttributes; tags and subscriptions as described in the module docstring."""
        if aspect == "tags":
            return self._write_tags(ref, value)
        if aspect == "subscriptions":
            return self._write_subscriptions(ref, value)
        ((name, text),) = self._topic_attribute(ref, aspect, value).items()
        return receipt(self.call(ref, "set_topic_attributes", aspect=aspect, TopicArn=self.topic_arn(ref),
                                 AttributeName=name, AttributeValue=text))

    def _write_tags(self, ref: ResourceRef, value: Json) -> Receipt:
        arn = self.topic_arn(ref)
        response = self.call(ref, "list_tags_for_resource", aspect="tags", ResourceArn=arn)
        current = {t["Key"]: t["Value"] for t in response.get("Tags", [])}
        desired = {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}
        to_set, to_remove = tag_changes(current, desired)
        result = Receipt()
        if to_remove:
            result = receipt(self.call(ref, "untag_resource", aspect="tags", ResourceArn=arn, TagKeys=to_remove))
        if to_set:
            result = receipt(self.call(ref, "tag_resource", aspect="tags", ResourceArn=arn,
                                       Tags=[{"Key": k, "Value": v} for k, v in to_set.items()]))
        return result

    def _write_subscriptions(self, ref: ResourceRef, value: Json) -> Receipt:
        topic = self.topic_arn(ref)
        current = {(str(e["protocol"]), str(e["endpoint"])): (arn, e) for arn, e in self._subscriptions(ref)}
        wanted = [e for e in (value if isinstance(value, list) else []) if isinstance(e, dict)]
        wanted_keys = {(str(e.get("protocol")), str(e.get("endpoint"))) for e in wanted}
        result = Receipt()
        for entry in wanted:
            if entry.get("pending"):
                continue  # awaiting confirmation: nothing can be done until its owner confirms it
            key = (str(entry.get("protocol")), str(entry.get("endpoint")))
            arn, have = current.get(key, (None, None))
            if have is None:
                result = receipt(self.call(ref, "subscribe", aspect="subscriptions", TopicArn=topic, Protocol=key[0],
                                           Endpoint=key[1], Attributes=_subscription_attributes(entry),
                                           ReturnSubscriptionArn=True))
            elif arn is not None:
                for name, text in self._changed(have, entry):
                    result = receipt(self.call(ref, "set_subscription_attributes", aspect="subscriptions",
                                               SubscriptionArn=arn, AttributeName=name, AttributeValue=text))
        for key, (arn, _) in current.items():
            if key not in wanted_keys and arn is not None:
                result = receipt(self.call(ref, "unsubscribe", aspect="subscriptions", SubscriptionArn=arn))
        return result

    @staticmethod
    def _changed(have: Mapping[str, Json], want: Mapping[str, Json]) -> list[tuple[str, str]]:
        """SetSubscriptionAttributes calls (one attribute each) that turn ``have`` into ``want``."""
        changes: list[tuple[str, str]] = []
        policy = want.get("filter_policy") if isinstance(want.get("filter_policy"), dict) else None
        if (have.get("filter_policy") or None) != (policy or None):
            # An empty JSON object removes the filter policy.
            changes.append(("FilterPolicy", json.dumps(policy) if policy else "{}"))
        scope = want.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE
        if policy and (have.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE) != scope:
            changes.append(("FilterPolicyScope", str(scope)))
        if bool(have.get("raw_message_delivery")) != bool(want.get("raw_message_delivery")):
            changes.append(("RawMessageDelivery", "true" if want.get("raw_message_delivery") else "false"))
        return changes

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteTopic (its subscriptions go with it)."""
        return receipt(self.call(ref, "delete_topic", TopicArn=self.topic_arn(ref)))
