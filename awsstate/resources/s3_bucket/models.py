"""The S3 bucket's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from awsstate.resources.s3_bucket.naming import validate_bucket_name
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel, ObservedModel

__all__ = [
    "BucketEncryption",
    "BucketName",
    "PublicAccessBlock",
    "S3BucketDesired",
    "S3BucketObserved",
    "VersioningStatus",
]

BucketName = Annotated[str, AfterValidator(validate_bucket_name)]
"""A bucket name that passes AWS's naming rules."""

VersioningStatus = Literal["Enabled", "Suspended", "Disabled"]
"""``Disabled`` is a bucket that never had versioning enabled."""


class PublicAccessBlock(BaseModel):
    """The bucket's four public access block flags (each defaults to ``True``: blocked)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    block_public_acls: bool = True
    """Reject requests that set public ACLs."""
    ignore_public_acls: bool = True
    """Ignore public ACLs on the bucket and its objects."""
    block_public_policy: bool = True
    """Reject bucket policies that grant public access."""
    restrict_public_buckets: bool = True
    """Restrict access to buckets with public policies to AWS services and the account."""


class BucketEncryption(BaseModel):
    """Default encryption for new objects: SSE-S3 (``AES256``), SSE-KMS or DSSE-KMS."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: Literal["AES256", "aws:kms", "aws:kms:dsse"] = "AES256"
    """``AES256`` (SSE-S3, the AWS default), ``aws:kms`` (SSE-KMS) or ``aws:kms:dsse``."""
    kms_key_id: str | None = Field(default=None, min_length=1, max_length=2048)
    """KMS key id, key ARN or alias ARN; ``None`` with a KMS algorithm uses the ``aws/s3`` key."""
    bucket_key_enabled: bool = False
    """Use an S3 Bucket Key to cut KMS request costs (KMS algorithms only)."""

    @model_validator(mode="after")
    def _kms_fields_need_kms(self) -> BucketEncryption:
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


class S3BucketObserved(ObservedModel):
    """An S3 bucket as read. Aspects that were not read are ``None``."""

    name: str
    """The bucket name."""
    region: str | None = None
    """Where the bucket lives."""
    arn: str | None = None
    """The bucket's ARN."""
    tags: dict[str, str] | None = None
    """All tags, ``aws:`` ones included."""
    versioning: VersioningStatus | None = None
    """``Enabled``, ``Suspended`` or ``Disabled`` (never enabled)."""
    public_access_block: PublicAccessBlock | None = None
    """The public access block flags (all ``False`` when none is configured)."""
    encryption: BucketEncryption | None = None
    """Default encryption."""
