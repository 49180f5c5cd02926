"""The S3 bucket's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from awsstate.canonical import Json
from awsstate.resources.s3_bucket.access import (
    BucketLogging,
    CannedAcl,
    ObjectLock,
    ObjectOwnership,
    check_policy,
    policy_value,
)
from awsstate.resources.s3_bucket.cors import MAX_CORS_RULES, CorsRule
from awsstate.resources.s3_bucket.inventory import MAX_INVENTORY_CONFIGURATIONS, InventoryConfiguration
from awsstate.resources.s3_bucket.lifecycle import MAX_LIFECYCLE_RULES, LifecycleRule
from awsstate.resources.s3_bucket.naming import validate_bucket_name
from awsstate.resources.s3_bucket.notifications import BucketNotifications, check_target_region
from awsstate.resources.s3_bucket.rules import bucket_conflicts
from awsstate.resources.s3_bucket.website import BucketWebsite
from awsstate.resources.settings import Settings
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "BucketEncryption",
    "BucketLogging",
    "BucketNotifications",
    "BucketWebsite",
    "CorsRule",
    "LifecycleRule",
    "ObjectLock",
    "BucketName",
    "PublicAccessBlock",
    "S3BucketDesired",
    "VersioningStatus",
]

BucketName = Annotated[str, AfterValidator(validate_bucket_name)]
"""A bucket name that passes AWS's naming rules."""

VersioningStatus = Literal["Enabled", "Suspended", "Disabled"]
"""``Disabled`` is a bucket that never had versioning enabled."""


def _empty_is_off(value: object) -> object:
    # "Explicit empty = ensure none": {} reads as False (no such configuration).
    return False if isinstance(value, dict) and not value else value


def _lock_shorthand(value: object) -> object:
    if value is True:
        return ObjectLock()
    if value is False:
        return ObjectLock(enabled=False)
    return value


class PublicAccessBlock(Settings):
    """The bucket's four public access block flags.

    A flag left unset is unmanaged: an existing bucket keeps its value, a new bucket gets AWS's
    default (``True``: blocked). ``PublicAccessBlock(block_public_acls=True)`` changes that one
    flag only. ``block_public_access=True`` / ``False`` set all four.
    """

    block_public_acls: bool = True
    """Reject requests that set public ACLs (a public canned ACL is then refused)."""
    ignore_public_acls: bool = True
    """Ignore public ACLs on the bucket and its objects."""
    block_public_policy: bool = True
    """Reject bucket policies that grant public access (a public ``policy`` is then refused)."""
    restrict_public_buckets: bool = True
    """Restrict access to buckets with public policies to AWS services and the account."""


EncryptionAlgorithm = Literal["AES256", "aws:kms", "aws:kms:dsse"]
"""SSE-S3 (``AES256``), SSE-KMS (``aws:kms``) or DSSE-KMS (``aws:kms:dsse``)."""


class BucketEncryption(Settings):
    """Default encryption for new objects: SSE-S3 (``AES256``), SSE-KMS or DSSE-KMS.

    A sub-field left unset is unmanaged: ``BucketEncryption(bucket_key_enabled=False)`` turns the
    Bucket Key off and keeps the algorithm and key the bucket has. On a bucket that has none
    configured, unset sub-fields take AWS's default (SSE-S3, no key, no Bucket Key).
    """

    algorithm: EncryptionAlgorithm = "AES256"
    """``AES256`` (SSE-S3, the AWS default), ``aws:kms`` (SSE-KMS) or ``aws:kms:dsse``."""
    kms_key_id: str | None = Field(default=None, min_length=1, max_length=2048)
    """KMS key id, key ARN or alias ARN (KMS algorithms only); given as ``None``: the AWS managed
    ``aws/s3`` key. Giving it needs ``algorithm``."""
    bucket_key_enabled: bool = False
    """Use an S3 Bucket Key to cut KMS request costs (KMS algorithms only; ``True`` needs ``algorithm``)."""

    @model_validator(mode="after")
    def _kms_fields_need_kms(self) -> BucketEncryption:
        kms_given = "kms_key_id" in self.model_fields_set or self.bucket_key_enabled
        if kms_given and "algorithm" not in self.model_fields_set:
            raise ValueError("kms_key_id and bucket_key_enabled=True need algorithm ('aws:kms' or 'aws:kms:dsse'): "
                             "on an SSE-S3 bucket they would mean nothing")
        if self.algorithm == "AES256" and (self.kms_key_id is not None or self.bucket_key_enabled):
            raise ValueError("kms_key_id and bucket_key_enabled need algorithm 'aws:kms' or 'aws:kms:dsse'")
        return self

    @classmethod
    def sse_s3(cls) -> BucketEncryption:
        """SSE-S3 with S3-managed keys (what AWS gives every new bucket)."""
        return cls(algorithm="AES256")

    @classmethod
    def sse_kms(cls, kms_key_id: str | None = None, *, bucket_key_enabled: bool = True) -> BucketEncryption:
        """SSE-KMS with the given key (or the AWS-managed ``aws/s3`` key), Bucket Key on by default."""
        return cls(algorithm="aws:kms", kms_key_id=kms_key_id, bucket_key_enabled=bucket_key_enabled)


class S3BucketDesired(DesiredModel):
    """An S3 bucket as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it.
    """

    name: BucketName
    """The bucket name (global across all AWS accounts)."""
    region: Region | None = None
    """Where the bucket lives. Fixed at creation: a change is planned as a replace. Unset: the
    provider's default region for a new bucket, and any region for an existing one."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:``
    tags are never changed. Values given as numbers are stored as strings."""
    versioning: bool | None = None
    """``True``: Enabled. ``False``: Suspended (a bucket that never had versioning satisfies it)."""
    block_public_access: bool | PublicAccessBlock | None = None
    """``True``: all four flags on (AWS's default for new buckets); ``False``: all off; or a
    :class:`PublicAccessBlock` with each flag."""
    encryption: BucketEncryption | None = None
    """Default encryption for new objects. AWS always encrypts: there is no "none"."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed, and
    leave other tags alone."""
    policy: dict[str, Any] | str | None = None
    """The bucket policy, as a mapping or JSON text. ``{}`` or ``""``: no policy (it is deleted).
    Compared by meaning (statement order, single item vs list, ``"*"`` principals, default
    ``Version``), so AWS's rewriting never shows as a change."""
    lifecycle_rules: Annotated[list[LifecycleRule], Field(max_length=MAX_LIFECYCLE_RULES)] | None = None
    """Lifecycle rules (at most 1000, ids unique). ``[]``: no lifecycle configuration."""
    cors_rules: Annotated[list[CorsRule], Field(max_length=MAX_CORS_RULES)] | None = None
    """CORS rules, first match wins (at most 100). ``[]``: no CORS configuration."""
    object_ownership: ObjectOwnership | Literal[False] | None = None
    """Object ownership. ``BucketOwnerEnforced`` (AWS's default for new buckets) disables ACLs.
    ``False``: no ownership controls (DeleteBucketOwnershipControls; the bucket then behaves as
    ``ObjectWriter``)."""
    acl: CannedAcl | None = None
    """The bucket's canned ACL. Anything but ``private`` needs ACLs enabled (``object_ownership``
    ``BucketOwnerPreferred`` or ``ObjectWriter``) and public ones a public access block that allows them."""
    logging: Annotated[BucketLogging | Literal[False], BeforeValidator(_empty_is_off)] | None = None
    """Server access logging. ``False`` or ``{}``: logging off."""
    website: Annotated[BucketWebsite | Literal[False], BeforeValidator(_empty_is_off)] | None = None
    """Static website hosting. ``False`` or ``{}``: no website configuration."""
    object_lock: Annotated[ObjectLock, BeforeValidator(_lock_shorthand)] | None = None
    """Object Lock (``True`` is ``ObjectLock()``: on, no default retention). Enabled at creation, or
    on an existing versioned bucket; ``False`` on a bucket that has it is planned as a replace."""
    transfer_acceleration: bool | None = None
    """Transfer Acceleration on (``True``) or suspended (``False``). Not for names with dots."""
    requester_pays: bool | None = None
    """``True``: requesters pay for requests and downloads; ``False``: the owner pays."""
    notifications: Annotated[BucketNotifications,
                             BeforeValidator(lambda v: BucketNotifications.none() if v == {} else v)] | None = None
    """Event notifications to SQS, SNS, Lambda and EventBridge. ``{}``: none."""
    inventory_configurations: Annotated[list[InventoryConfiguration],
                                        Field(max_length=MAX_INVENTORY_CONFIGURATIONS)] | None = None
    """Inventory reports (a set keyed by id; see ``purge_inventory_configurations``). ``[]``: none."""
    purge_inventory_configurations: bool = True
    """``True``: ``inventory_configurations`` is the complete set. ``False``: only put the ones listed."""
    purge_lifecycle_rules: bool = True
    """``True``: ``lifecycle_rules`` is the complete set. ``False``: only put the rules listed (by id),
    and keep the bucket's other rules."""
    force_destroy: bool = False
    """With ``state="absent"`` (or a replace): also delete every object version and delete marker.
    Without it a non-empty bucket is never deleted."""

    @field_validator("policy")
    @classmethod
    def _valid_policy(cls, value: dict[str, Any] | str | None, info: ValidationInfo) -> dict[str, Any] | str | None:
        name = info.data.get("name")
        if value is not None and isinstance(name, str):
            check_policy(value, name)
        return value

    @field_validator("notifications")
    @classmethod
    def _targets_in_region(cls, value: BucketNotifications | None, info: ValidationInfo) -> BucketNotifications | None:
        region = info.data.get("region")
        if value is not None and isinstance(region, str):
            for target in value.targets:
                check_target_region(target.arn, region)
        return value

    @field_validator("inventory_configurations")
    @classmethod
    def _unique_inventory_ids(cls, value: list[InventoryConfiguration] | None) -> list[InventoryConfiguration] | None:
        ids = [item.id for item in value or []]
        if len(ids) != len(set(ids)):
            raise ValueError("inventory configuration ids must be unique")
        return value

    @field_validator("lifecycle_rules")
    @classmethod
    def _unique_rule_ids(cls, rules: list[LifecycleRule] | None) -> list[LifecycleRule] | None:
        ids = [rule.id for rule in rules or [] if rule.id]
        if len(ids) != len(set(ids)):
            raise ValueError("lifecycle rule ids must be unique")
        return rules

    def _given_values(self) -> dict[str, Json]:
        """What the fields given say, as canonical values (for the checks of settings S3 refuses together)."""
        values: dict[str, Json] = {}
        block = self.block_public_access
        if block is not None:
            values["block_public_access"] = (dict.fromkeys(PublicAccessBlock.model_fields, block)
                                             if isinstance(block, bool) else block.model_dump())
        if self.policy is not None:
            values["policy"] = policy_value(self.policy)
        if self.acl is not None:
            values["acl"] = self.acl
        if self.object_ownership is not None:
            values["object_ownership"] = self.object_ownership or None
        if self.versioning is not None:
            values["versioning"] = "Enabled" if self.versioning else "Suspended"
        if self.object_lock is not None:
            values["object_lock"] = {"enabled": self.object_lock.enabled}
        return values

    @model_validator(mode="after")
    def _consistent(self) -> S3BucketDesired:
        problem = bucket_conflicts(self._given_values())
        if problem:
            raise ValueError(problem)
        if self.transfer_acceleration and "." in self.name:
            raise ValueError("transfer_acceleration: AWS does not support it for bucket names containing dots")
        return self

