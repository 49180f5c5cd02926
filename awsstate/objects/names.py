"""Naming and validating S3 objects by AWS's rules: keys, user metadata, headers, storage classes.

Everything here runs before any call, so bad input fails with an error naming the field:
pydantic's ``ValidationError`` for models, ``ValueError`` from the verbs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from awsstate.errors import StackError
from awsstate.objects.values import RESERVED_PREFIX, object_url
from awsstate.refs import allow_ref, parse_ref
from awsstate.resources.s3_bucket.naming import validate_bucket_name

__all__ = [
    "MAX_KEY_BYTES",
    "MAX_METADATA_BYTES",
    "BucketName",
    "BucketOrRef",
    "concrete_bucket",
    "Metadata",
    "ObjectKey",
    "ObjectName",
    "StorageClass",
    "Sse",
    "validate_header",
    "validate_key",
    "validate_metadata",
]

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048  # user-defined metadata: keys and values, UTF-8, as AWS counts it
# RFC 9110 token characters: what an HTTP header name (x-amz-meta-<key>) may contain.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9a-z-]+\Z")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*\Z")

StorageClass = Literal["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                       "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE"]
"""S3's storage classes."""
Sse = Literal["AES256", "aws:kms", "aws:kms:dsse"]
"""Server-side encryption: SSE-S3 (``AES256``), SSE-KMS (``aws:kms``), DSSE-KMS (``aws:kms:dsse``)."""


def validate_key(key: str) -> str:
    """Return ``key`` if S3 accepts it as an object key (1 to 1,024 UTF-8 bytes), else raise ``ValueError``."""
    if not isinstance(key, str) or not key:
        raise ValueError("an object key must be a non-empty string")
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise ValueError(f"object key is {size} bytes in UTF-8; S3 allows at most {MAX_KEY_BYTES}: {key[:60]!r}...")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"object key {key[:60]!r} is not valid Unicode (lone surrogate)") from None
    return key


def validate_header(value: str, what: str) -> str:
    """Return ``value`` if it can be sent as an HTTP header value (printable ASCII), else raise ``ValueError``."""
    if not _PRINTABLE_ASCII.match(value):
        raise ValueError(f"{what}: {value[:60]!r} has characters S3 refuses in a header (use printable ASCII)")
    return value


def validate_metadata(metadata: Mapping[str, Any]) -> dict[str, str]:
    """User metadata as S3 keeps it: keys lower-case HTTP tokens, values printable ASCII, at most 2 KB.

    Raises ``ValueError`` naming the offending key. Keys starting with ``awsstate-`` are reserved.
    """
    result: dict[str, str] = {}
    for raw_key, raw_value in metadata.items():
        key = str(raw_key).strip().lower()
        if not _TOKEN.match(key):
            raise ValueError(f"metadata[{raw_key!r}]: a metadata key must be letters, digits and -_.!#$%&'*+^`|~ "
                             "(it becomes the header x-amz-meta-<key>)")
        if key.startswith(RESERVED_PREFIX):
            raise ValueError(f"metadata[{raw_key!r}]: keys starting with {RESERVED_PREFIX!r} are reserved for awsstate")
        if key in result:
            raise ValueError(f"metadata[{raw_key!r}]: the same key twice (S3 keys are not case-sensitive)")
        value = str(raw_value)
        if not _PRINTABLE_ASCII.match(value):
            raise ValueError(f"metadata[{raw_key!r}]: {value[:60]!r} has characters S3 refuses in a header "
                             "(printable ASCII only; encode other text first)")
        result[key] = value
    size = sum(len(k) + len(v) for k, v in result.items())
    if size > MAX_METADATA_BYTES:
        raise ValueError(f"metadata: {size} bytes of keys and values; S3 allows at most {MAX_METADATA_BYTES}")
    return result


def _header(what: str) -> AfterValidator:
    return AfterValidator(lambda value: validate_header(value, what))


BucketName = Annotated[str, AfterValidator(validate_bucket_name)]
BucketOrRef = Annotated[str, AfterValidator(allow_ref(validate_bucket_name, kinds=("s3_bucket",),
                                                      attributes=("name",)))]
"""A bucket name, or in a stack a reference to a bucket's name (``bucket.ref.name``)."""
ObjectKey = Annotated[str, AfterValidator(validate_key)]


def concrete_bucket(bucket: str) -> str:
    """``bucket``, refused (before any call) when it is still a reference: only a stack resolves those."""
    target = parse_ref(bucket)
    if target is not None:
        raise StackError(f"bucket {bucket}: a reference, which only a Stack resolves; plan it in a Stack together "
                         f"with s3_bucket {target.name!r}, or give the bucket's name ({target.name!r})")
    return bucket

Metadata = Annotated[dict[str, str], AfterValidator(validate_metadata)]
ContentType = Annotated[str, _header("content_type")]
CacheControl = Annotated[str, _header("cache_control")]


class ObjectName(BaseModel):
    """An object's name: ``(bucket, key)``. ``ObjectName.parse("s3://bucket/key")`` reads the URL form.

    ``str(name)`` is ``s3://bucket/key``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: BucketName
    """The bucket's name."""
    key: ObjectKey
    """The object's key (1 to 1,024 bytes of UTF-8)."""

    @model_validator(mode="before")
    @classmethod
    def _from_tuple(cls, value: Any) -> Any:
        if isinstance(value, tuple) and len(value) == 2:
            return {"bucket": value[0], "key": value[1]}
        return value

    @classmethod
    def parse(cls, text: str, default_bucket: str | None = None) -> ObjectName:
        """``s3://bucket/key``, or a bare key in ``default_bucket``."""
        if text.startswith("s3://"):
            bucket, _, key = text[5:].partition("/")
            return cls(bucket=bucket, key=key)
        if default_bucket is None:
            raise ValueError(f"{text!r}: no bucket given; use 's3://bucket/key', an ObjectName, or set a default "
                             "bucket (S3Objects(bucket=...))")
        return cls(bucket=default_bucket, key=text)

    def __str__(self) -> str:
        return object_url(self.bucket, self.key)
