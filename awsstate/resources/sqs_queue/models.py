"""The SQS queue's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from awsstate.arn import parse_arn
from awsstate.policies.fields import check_resource_policy, policy_text
from awsstate.refs import allow_ref
from awsstate.resources.common import check_fifo_name
from awsstate.resources.identifiers import validate_kms_key_or_ref
from awsstate.resources.settings import Settings
from awsstate.resources.sqs_queue.naming import FIFO_SUFFIX, validate_queue_arn, validate_queue_name
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "DEFAULT_KMS_DATA_KEY_REUSE_SECONDS",
    "KmsKeyId",
    "QueueArn",
    "QueueEncryption",
    "QueueName",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "ResourcePolicy",
    "SqsQueueDesired",
]

DEFAULT_KMS_DATA_KEY_REUSE_SECONDS = 300
"""What AWS uses when a KMS-encrypted queue names no data key reuse period."""

QueueName = Annotated[str, AfterValidator(validate_queue_name)]
"""A queue name AWS accepts: 1-80 characters of ``[A-Za-z0-9_-]``, plus ``.fifo`` for FIFO queues."""

QueueArn = Annotated[str, AfterValidator(allow_ref(validate_queue_arn, kinds=("sqs_queue",)))]
"""A well-formed SQS queue ARN."""

KmsKeyId = Annotated[str, AfterValidator(validate_kms_key_or_ref)]
"""A KMS key id, ``mrk-`` id, ``alias/<name>``, or key or alias ARN."""


MAX_POLICY_BYTES = 8192
"""SQS's limit on a queue policy's size."""
MAX_POLICY_STATEMENTS = 20
"""SQS's limit on a queue policy's statements."""


ResourcePolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(partial(
    check_resource_policy, what="queue policy", service="SQS", limit=MAX_POLICY_BYTES, unit="bytes",
    max_statements=MAX_POLICY_STATEMENTS))]
"""A resource policy as a mapping or JSON text; every statement needs a Principal. ``{}``: none."""


class RedrivePolicy(Settings):
    """Where messages go after too many failed receives: the dead-letter queue and the threshold.

    ``max_receive_count`` left unset keeps the queue's (a queue without a redrive policy gets 10).
    """

    dead_letter_target_arn: QueueArn
    """The dead-letter queue's ARN. It must exist, in the same account and region, and be FIFO
    exactly when this queue is."""
    max_receive_count: int = Field(default=10, ge=1, le=1000)
    """Receives before a message moves to the dead-letter queue (1-1000; the usual default is 10)."""


class RedriveAllowPolicy(Settings):
    """Which source queues may use this queue as their dead-letter queue.

    Left unset (``RedriveAllowPolicy()``) it changes nothing. ``permission`` ``byQueue`` comes with
    its ``source_queue_arns``; the other permissions have none.
    """

    permission: Literal["allowAll", "denyAll", "byQueue"] = "allowAll"
    """``allowAll`` (AWS's default: any queue in the account), ``denyAll``, or ``byQueue``."""
    source_queue_arns: tuple[QueueArn, ...] = ()
    """With ``byQueue``: the 1-10 queues allowed (order does not matter); empty otherwise."""

    @model_validator(mode="after")
    def _sources_match_permission(self) -> RedriveAllowPolicy:
        if self.given("source_queue_arns") and not self.given("permission"):
            raise ValueError("source_queue_arns need permission='byQueue'")
        if self.permission == "byQueue" and not 1 <= len(self.source_queue_arns) <= 10:
            raise ValueError("permission 'byQueue' needs 1 to 10 source_queue_arns")
        if self.permission != "byQueue" and self.source_queue_arns:
            raise ValueError(f"source_queue_arns are only allowed with permission 'byQueue', not {self.permission!r}")
        return self


class QueueEncryption(Settings):
    """Server-side encryption: SQS-managed keys (AWS's default for new queues), a KMS key, or none.

    A sub-field left unset keeps the queue's: ``QueueEncryption(mode="kms", kms_master_key_id=...)``
    keeps the data key reuse period (AWS's default 300 s for a queue not yet on KMS).
    """

    mode: Literal["sqs", "kms", "none"] = "sqs"
    """``sqs``: SSE-SQS (SQS-owned keys). ``kms``: SSE-KMS with ``kms_master_key_id``. ``none``: unencrypted."""
    kms_master_key_id: KmsKeyId | None = None
    """With ``kms``: the key (id, alias or ARN; ``alias/aws/sqs`` is the AWS-managed key)."""
    kms_data_key_reuse_period_seconds: int | None = Field(default=None, ge=60, le=86400)
    """With ``kms``: how long SQS reuses a data key (60-86400 s; AWS's default is 300)."""

    @model_validator(mode="after")
    def _kms_fields_need_kms(self) -> QueueEncryption:
        if self.given("kms_master_key_id", "kms_data_key_reuse_period_seconds") and not self.given("mode"):
            raise ValueError("kms_master_key_id and kms_data_key_reuse_period_seconds need mode='kms'")
        if self.mode == "kms" and self.kms_master_key_id is None:
            raise ValueError("mode 'kms' needs kms_master_key_id (use 'alias/aws/sqs' for the AWS-managed key)")
        if self.mode != "kms" and (self.kms_master_key_id is not None
                                   or self.kms_data_key_reuse_period_seconds is not None):
            raise ValueError(f"kms_master_key_id and kms_data_key_reuse_period_seconds need mode 'kms', "
                             f"not {self.mode!r}")
        return self

    @classmethod
    def sqs_managed(cls) -> QueueEncryption:
        """SSE-SQS: what AWS gives every new queue."""
        return cls(mode="sqs")

    @classmethod
    def kms(cls, kms_master_key_id: str, *, data_key_reuse_period_seconds: int | None = None) -> QueueEncryption:
        """SSE-KMS with the given key (the reuse period, unless given, is left as the queue has it)."""
        if data_key_reuse_period_seconds is None:
            return cls(mode="kms", kms_master_key_id=kms_master_key_id)
        return cls(mode="kms", kms_master_key_id=kms_master_key_id,
                   kms_data_key_reuse_period_seconds=data_key_reuse_period_seconds)

    @classmethod
    def disabled(cls) -> QueueEncryption:
        """No server-side encryption."""
        return cls(mode="none")


class SqsQueueDesired(DesiredModel):
    """An SQS queue as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. Every setting
    is passed in the CreateQueue call, so creating a queue is one request.
    """

    name: QueueName
    """The queue name, unique per account and region. A FIFO queue's name ends in ``.fifo``."""
    region: Region | None = None
    """Where the queue lives; unset: the provider's default region. A queue of the same name in
    another region is another queue."""
    fifo: bool | None = None
    """Whether this is a FIFO queue. Fixed at creation (a change is planned as a replace), and AWS
    ties it to the name: ``True`` exactly when the name ends in ``.fifo``. Unset: follows the name."""
    visibility_timeout_seconds: int | None = Field(default=None, ge=0, le=43200)
    """How long a received message stays hidden from other consumers (0-43200 s; AWS: 30)."""
    message_retention_seconds: int | None = Field(default=None, ge=60, le=1209600)
    """How long messages are kept (60-1209600 s, 1 minute to 14 days; AWS: 345600, 4 days)."""
    delay_seconds: int | None = Field(default=None, ge=0, le=900)
    """Delivery delay of every new message (0-900 s; AWS: 0)."""
    max_message_size: int | None = Field(default=None, ge=1024, le=1048576)
    """Largest message accepted, in bytes (1024-1048576, 1 KiB to 1 MiB; AWS: 1048576)."""
    receive_wait_time_seconds: int | None = Field(default=None, ge=0, le=20)
    """Long-polling wait of ReceiveMessage (0-20 s; AWS: 0)."""
    content_based_deduplication: bool | None = None
    """FIFO only: deduplicate by a SHA-256 of the body when no deduplication id is sent."""
    redrive_policy: RedrivePolicy | Literal[False] | None = None
    """The dead-letter queue and threshold; ``False``: ensure none."""
    redrive_allow_policy: RedriveAllowPolicy | None = None
    """Which queues may use this one as dead-letter queue (no policy is the same as ``allowAll``)."""
    encryption: QueueEncryption | None = None
    """Server-side encryption. Adding, changing or removing a KMS key is an update."""
    policy: ResourcePolicy | None = None
    """The queue's access policy (a mapping or JSON text), compared semantically; ``{}``: none."""
    tags: Tags | None = None
    """The complete set of tags: tags not listed are removed; ``{}`` removes all."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed, and
    leave other tags alone."""

    @property
    def is_fifo(self) -> bool:
        """Whether the queue is (to be) FIFO: its name ends in ``.fifo``."""
        return self.name.endswith(FIFO_SUFFIX)

    @field_validator("fifo")
    @classmethod
    def _fifo_matches_name(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        return check_fifo_name("queue", value, info.data.get("name"))

    @field_validator("content_based_deduplication")
    @classmethod
    def _deduplication_needs_fifo(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        name = info.data.get("name")
        if value is not None and name is not None and not name.endswith(FIFO_SUFFIX):
            raise ValueError("only FIFO queues (names ending in '.fifo') have content-based deduplication")
        return value

    @field_validator("redrive_policy")
    @classmethod
    def _dead_letter_queue_matches(cls, value: RedrivePolicy | bool | None,
                                   info: ValidationInfo) -> RedrivePolicy | bool | None:
        name = info.data.get("name")
        if not isinstance(value, RedrivePolicy) or name is None:
            return value
        target = parse_arn(value.dead_letter_target_arn)
        if target is None:  # a reference (QueueArn validated it): checked when a stack resolves it
            return value
        fifo = name.endswith(FIFO_SUFFIX)
        if target.resource.endswith(FIFO_SUFFIX) != fifo:
            kind = "FIFO" if fifo else "standard"
            raise ValueError(f"dead_letter_target_arn: a {kind} queue needs a {kind} dead-letter queue, "
                             f"got {target.resource!r}")
        region = info.data.get("region")
        if region is not None and target.region != region:
            raise ValueError(f"dead_letter_target_arn: the dead-letter queue must be in the queue's region "
                             f"{region}, not {target.region}")
        return value
