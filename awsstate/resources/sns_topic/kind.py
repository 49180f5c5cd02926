"""The SNS topic kind: its aspects, their semantics, and its manager.

Call budget. GetTopicAttributes returns the display name, policy, KMS key and delivery policy,
so those aspects are carried by the existence read (``carried``); tags (ListTagsForResource)
and subscriptions are read only when managed. Every setting but subscriptions is passed in
CreateTopic (``in_create``), so a create is one request plus the subscriptions, if any.

Canonical aspect values (what providers return and plans show):

* ``display_name``: a string (``""``: none);
* ``policy``, ``delivery_policy``: the document as an object (``None``: none); the policy is
  compared with :func:`awsstate.canonical.canonical_policy`, the delivery policy as parsed JSON;
* ``kms_master_key_id``: the key, or ``None``;
* ``tags``: ``{"key": "value"}``;
* ``subscriptions``: a list, ordered by (protocol, endpoint), of ``{"protocol", "endpoint",
  "filter_policy", "filter_policy_scope", "raw_message_delivery"}``; a subscription awaiting
  confirmation is ``{"protocol", "endpoint", "pending": True}`` and is kept as it is (AWS allows
  neither changing nor removing it until it is confirmed).
"""

from __future__ import annotations

from typing import Any

from awsstate.canonical import Json, canonical_document, canonical_json
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import FIFO_BY_NAME, FIFO_SUFFIX, carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.settings import member_merge, overlay, settings_value
from awsstate.resources.sns_topic.models import ObservedSubscription, SnsTopicDesired, Subscription
from awsstate.spec import Aspect, Attribute, Fake, KindSpec

__all__ = ["SNS_TOPIC", "SnsTopicManager", "SnsTopicObserved", "subscription_value"]

DEFAULT_FILTER_POLICY_SCOPE = "MessageAttributes"


def _text_normal(value: Json) -> object:
    return value or ""


def _key_normal(value: Json) -> Json:
    return value or None


def _document_value(value: dict[str, Any]) -> Json:
    return dict(value) if value else None


def _document_normal(value: Json) -> object:
    # Compared by meaning: AWS hands numbers back as given or normalised ("20" and 20 are the same).
    return canonical_json(canonical_document(value)) if isinstance(value, dict) and value else None


def _policy_normal(value: Json) -> object:
    return canonical_policy(value) if isinstance(value, dict | str) else None


def subscription_value(sub: Subscription) -> dict[str, Json]:
    """The canonical value of one desired subscription: its key and the attributes given."""
    value = settings_value(sub)
    if "filter_policy" in value:
        value["filter_policy"] = dict(sub.filter_policy) if sub.filter_policy else None
    return value


def _sort_key(entry: Json) -> tuple[str, str]:
    if not isinstance(entry, dict):
        return ("", "")
    return (str(entry.get("protocol")), str(entry.get("endpoint")))


def _member_key(entry: Json) -> str:
    protocol, endpoint = _sort_key(entry)
    return f"{protocol} {endpoint}"


def _subscriptions_value(value: tuple[Subscription, ...]) -> Json:
    return sorted((subscription_value(s) for s in value), key=_sort_key)


def _combine(wanted: Json, current: Json) -> Json:
    # Awaiting confirmation: it can be neither changed nor removed. Otherwise unset attributes keep theirs.
    if isinstance(current, dict) and current.get("pending"):
        return current
    return overlay(wanted, current, {})


_NEW_SUBSCRIPTION: dict[str, Json] = {"filter_policy": None, "filter_policy_scope": DEFAULT_FILTER_POLICY_SCOPE,
                                      "raw_message_delivery": False}
"""What AWS gives a new subscription whose attributes are not given."""


def _with_defaults(merged: Json) -> Json:
    # A new subscription's unset attributes take AWS's defaults; awaiting confirmation: kept as it is.
    entries = [e if not isinstance(e, dict) or e.get("pending") else {**_NEW_SUBSCRIPTION, **e}
               for e in (merged if isinstance(merged, list) else [])]
    return sorted(entries, key=_sort_key)


_subscriptions_merge = member_merge("subscriptions", key=_member_key, combine=_combine, finish=_with_defaults,
                                    keep=lambda key, entry: isinstance(entry, dict) and bool(entry.get("pending")))


def _subscriptions_field(value: Json) -> Any:
    """Export: the confirmed subscriptions (pending ones are kept by every write anyway)."""
    entries = value if isinstance(value, list) else []
    return [{k: v for k, v in e.items() if k != "pending" and v is not None}
            for e in entries if isinstance(e, dict) and not e.get("pending")]


def _subscription_normal(entry: Json) -> str:
    if not isinstance(entry, dict) or entry.get("pending"):
        return canonical_json(entry)
    policy = entry.get("filter_policy")
    return canonical_json({
        "protocol": entry.get("protocol"), "endpoint": entry.get("endpoint"),
        # Numbers by value (1.0 is 1); strings stay strings: a filter matching "1" is not one matching 1.
        "filter_policy": canonical_document(policy, scalars_as_strings=False) if isinstance(policy, dict) and policy
        else None,
        "filter_policy_scope": entry.get("filter_policy_scope") or DEFAULT_FILTER_POLICY_SCOPE,
        "raw_message_delivery": bool(entry.get("raw_message_delivery")),
    })


def _subscriptions_normal(value: Json) -> object:
    return sorted(_subscription_normal(e) for e in (value if isinstance(value, list) else []))


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "arn": f"arn:{arn_partition(region)}:sns:{region}:{account_id}:{name}",
            "fifo": name.endswith(FIFO_SUFFIX)}



SNS_TOPIC = KindSpec(
    kind="sns_topic",
    describe="SNS topic",
    desired_model=SnsTopicDesired,
    scope="region",
    regional=True,
    attributes=(Attribute("region", "Where the topic lives."), Attribute("arn", "The topic's ARN."),
                Attribute("fifo", "Whether it is a FIFO topic.", bool)),
    derive=_derive,
    create_only=(FIFO_BY_NAME,),
    # AWS gives a new topic a default policy naming its own ARN and account; the in-memory fake
    # cannot build that from a static default and starts with none (only `get` shows it).
    fake=Fake(defaults={"display_name": "", "tags": {}, "subscriptions": [], "content_based_deduplication": False}),
    aspects=(
        carried("display_name", "Display name (SMS/email sender).", str, normalize=_text_normal),
        carried("policy", "Access policy (semantic comparison).", dict[str, Any], to_value=_document_value,
                 normalize=_policy_normal),
        carried("kms_master_key_id", "KMS key for server-side encryption.", str, to_value=_key_normal,
                 to_field=lambda value: value or "", normalize=_key_normal),
        carried("delivery_policy", "HTTP/S delivery retry policy (semantic comparison).", dict[str, Any],
                 to_value=_document_value, to_field=lambda value: value or {}, normalize=_document_normal),
        # Export: False is what a standard topic reports, where the field cannot be set at all.
        carried("content_based_deduplication", "FIFO content-based deduplication.", bool, normalize=bool,
                to_field=lambda value: True if value else None),
        tags_aspect(in_create=True),
        Aspect(name="subscriptions", doc="Subscriptions (full set, by protocol and endpoint).",
               type=list[ObservedSubscription], to_value=_subscriptions_value, to_field=_subscriptions_field,
               merge=_subscriptions_merge, normalize=_subscriptions_normal, new_value=[]),
    ),
)


class SnsTopicManager(Manager[SnsTopicDesired]):
    """Plans and applies :class:`SnsTopicDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = SnsTopicManager(provider=InMemoryProvider())
    >>> manager.apply(SnsTopicDesired(name="doc-topic", display_name="Orders")).changed
    True
    >>> manager.plan(SnsTopicDesired(name="doc-topic", display_name="Orders")).changed
    False
    """

    spec = SNS_TOPIC


SnsTopicObserved = SNS_TOPIC.observed_model
"""An SNS topic as read (generated from :data:`SNS_TOPIC`)."""
