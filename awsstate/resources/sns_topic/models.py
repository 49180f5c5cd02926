"""The SNS topic's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from awsstate.arn import parse_arn
from awsstate.canonical import check_json, load_json
from awsstate.policies import validate_policy
from awsstate.refs import allow_ref
from awsstate.resources.common import FIFO_SUFFIX, check_fifo_name
from awsstate.resources.identifiers import validate_kms_key_or_ref, validate_named
from awsstate.resources.settings import Settings
from awsstate.resources.sqs_queue.naming import validate_queue_arn
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "ObservedSubscription",
    "Protocol",
    "SnsTopicDesired",
    "Subscription",
    "TopicName",
    "validate_topic_name",
]

MAX_TOPIC_NAME = 256
MAX_DISPLAY_NAME = 100
MAX_TOPIC_POLICY = 30 * 1024  # SNS topic policies are limited to 30 KB
RAW_DELIVERY_PROTOCOLS = frozenset({"sqs", "http", "https", "firehose"})

Protocol = Literal["sqs", "lambda", "http", "https", "email", "email-json", "sms", "application", "firehose"]
"""The SNS subscription protocols."""


def validate_topic_name(name: str) -> str:
    """Return ``name`` if AWS accepts it as a topic name: 1-256 characters, ``[A-Za-z0-9_-]``, optional ``.fifo``."""
    return validate_named(name, what="topic", max_length=MAX_TOPIC_NAME)


TopicName = Annotated[str, AfterValidator(validate_topic_name)]
"""A topic name AWS accepts."""


def _json_object_text(value: object) -> object:
    # JSON documents may be given as text, as the console and the API show them; blank means none.
    if isinstance(value, str):
        return load_json(value) if value.strip() else {}
    check_json(value)
    return value


JsonObject = Annotated[dict[str, Any], BeforeValidator(_json_object_text)]
"""A JSON object given as a mapping or as JSON text (blank text: ``{}``)."""


def _topic_policy(value: dict[str, Any]) -> dict[str, Any]:
    if not value:
        raise ValueError("an SNS topic always has a policy: give the statements you want (AWS's default "
                         "allows the owning account), or leave policy unset to leave it alone")
    validate_policy(value, require_principal=True, max_size=MAX_TOPIC_POLICY)
    return value


_LAMBDA_ARN = re.compile(r"^function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?\Z")
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}\Z")


def _check_endpoint(protocol: str, endpoint: str) -> None:
    if protocol == "sqs":
        allow_ref(validate_queue_arn, kinds=("sqs_queue",))(endpoint)
        return
    if protocol in ("http", "https"):
        if not endpoint.startswith(f"{protocol}://") or len(endpoint) <= len(protocol) + 3:
            raise ValueError(f"an {protocol} endpoint must be a URL starting with {protocol}://, got {endpoint!r}")
        return
    if protocol in ("email", "email-json"):
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", endpoint):
            raise ValueError(f"an {protocol} endpoint must be an email address, got {endpoint!r}")
        return
    if protocol == "sms":
        if not _PHONE.match(endpoint):
            raise ValueError(f"an sms endpoint must be a phone number in E.164 form (+15551234567), got {endpoint!r}")
        return
    services = {"lambda": "lambda", "application": "sns", "firehose": "firehose"}
    parts = parse_arn(endpoint)
    if parts is None or parts.service != services[protocol]:
        raise ValueError(f"a {protocol} endpoint must be an arn:aws:{services[protocol]}:... ARN, got {endpoint!r}")
    if protocol == "lambda" and not _LAMBDA_ARN.match(parts.resource):
        raise ValueError(f"a lambda endpoint must be a function ARN (...:function:<name>[:<qualifier>]), "
                         f"got {endpoint!r}")


class Subscription(Settings):
    """One subscription of the topic, identified by ``protocol`` and ``endpoint``.

    An attribute left unset (``filter_policy``, ``filter_policy_scope``, ``raw_message_delivery``)
    keeps the subscription's value; a new subscription gets AWS's default (no filter, the SNS
    envelope). ``filter_policy={}`` (or ``None``) given removes the filter.
    """

    protocol: Protocol
    """How messages are delivered: ``sqs``, ``lambda``, ``http``/``https``, ``email``/``email-json``,
    ``sms``, ``application`` or ``firehose``."""
    endpoint: str = Field(min_length=1, max_length=2048)
    """Where to: a queue ARN (sqs), function ARN (lambda), URL (http/https), email address, phone
    number (sms), platform endpoint ARN (application) or delivery stream ARN (firehose). A
    reference to a resource awsstate manages is just its ARN."""
    filter_policy: JsonObject | None = None
    """Only deliver messages matching this filter policy (a JSON object); ``None`` or ``{}``: all."""
    filter_policy_scope: Literal["MessageAttributes", "MessageBody"] | None = None
    """What the filter policy applies to (AWS's default: ``MessageAttributes``)."""
    raw_message_delivery: bool = False
    """Deliver the raw message instead of the SNS JSON envelope (sqs, http/https and firehose only)."""

    @model_validator(mode="after")
    def _protocol_rules(self) -> Subscription:
        _check_endpoint(self.protocol, self.endpoint)
        if self.raw_message_delivery and self.protocol not in RAW_DELIVERY_PROTOCOLS:
            raise ValueError(f"raw_message_delivery is only for sqs, http, https and firehose, not {self.protocol}")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the subscription on its topic."""
        return (self.protocol, self.endpoint)


class SnsTopicDesired(DesiredModel):
    """An SNS topic as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it.
    """

    name: TopicName
    """The topic name, unique per account and region. A FIFO topic's name ends in ``.fifo``."""
    region: Region | None = None
    """Where the topic lives; unset: the provider's default region."""
    fifo: bool | None = None
    """Whether this is a FIFO topic. Fixed at creation (a change is planned as a replace), and AWS
    ties it to the name: ``True`` exactly when the name ends in ``.fifo``. Unset: follows the name."""
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME)
    """The sender name shown in SMS and email deliveries (up to 100 characters); ``""``: none."""
    policy: Annotated[JsonObject, AfterValidator(_topic_policy)] | None = None
    """The topic's access policy (a mapping or JSON text, at most 30 KB), compared semantically.
    A topic always has one (AWS gives a new topic a default), so there is no "none"."""
    kms_master_key_id: str | None = None
    """The KMS key for server-side encryption (id, alias or ARN; ``alias/aws/sns`` is the
    AWS-managed key); ``""``: no encryption."""
    delivery_policy: JsonObject | None = None
    """How HTTP/S deliveries are retried and throttled (a JSON object), compared semantically; ``{}``: none."""
    content_based_deduplication: bool | None = None
    """FIFO topics only: deduplicate messages by a SHA-256 of the body when no deduplication id is sent."""
    tags: Tags | None = None
    """The complete set of tags: tags not listed are removed; ``{}`` removes all (see ``purge_tags``)."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""
    subscriptions: tuple[Subscription, ...] | None = None
    """The complete set of subscriptions: missing ones are subscribed, changed attributes updated,
    others unsubscribed; ``()`` removes all (see ``purge_subscriptions``). Unset: subscriptions are
    left alone. Subscriptions waiting for confirmation (email, http/https) cannot be changed or
    removed until confirmed."""
    purge_subscriptions: bool = True
    """``True``: ``subscriptions`` is the complete set. ``False``: only subscribe (and update) the
    ones listed, and leave other subscriptions alone."""

    @property
    def is_fifo(self) -> bool:
        """Whether the topic is (to be) FIFO: its name ends in ``.fifo``."""
        return self.name.endswith(FIFO_SUFFIX)

    @field_validator("fifo")
    @classmethod
    def _fifo_matches_name(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        return check_fifo_name("topic", value, info.data.get("name"))

    @field_validator("kms_master_key_id")
    @classmethod
    def _kms_key(cls, value: str | None) -> str | None:
        return value if not value else validate_kms_key_or_ref(value)

    @field_validator("content_based_deduplication")
    @classmethod
    def _deduplication_needs_fifo(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        name = info.data.get("name")
        if value is not None and name is not None and not name.endswith(FIFO_SUFFIX):
            raise ValueError("only FIFO topics (names ending in '.fifo') have content-based deduplication")
        return value

    @field_validator("subscriptions")
    @classmethod
    def _unique_subscriptions(cls, value: tuple[Subscription, ...] | None,
                              info: ValidationInfo) -> tuple[Subscription, ...] | None:
        if value is None:
            return value
        seen: set[tuple[str, str]] = set()
        for sub in value:
            if sub.key in seen:
                raise ValueError(f"{sub.protocol} {sub.endpoint} is listed twice; a topic has one subscription "
                                 "per protocol and endpoint")
            seen.add(sub.key)
        name = info.data.get("name")
        if name is not None and name.endswith(FIFO_SUFFIX):
            others = sorted({s.protocol for s in value if s.protocol != "sqs"})
            if others:
                raise ValueError(f"a FIFO topic delivers only to SQS queues, not {', '.join(others)}")
        return value


class ObservedSubscription(BaseModel):
    """A subscription as read. One awaiting confirmation has ``pending=True`` and no attributes."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    protocol: str
    """The delivery protocol."""
    endpoint: str
    """Where messages go."""
    filter_policy: dict[str, Any] | None = None
    """The filter policy (``None``: every message)."""
    filter_policy_scope: str | None = None
    """What the filter policy applies to."""
    raw_message_delivery: bool | None = None
    """Whether messages are delivered raw."""
    pending: bool = False
    """Awaiting confirmation by the endpoint's owner (email, http/https): attributes unknown."""
