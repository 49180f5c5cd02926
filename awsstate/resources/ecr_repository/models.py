"""The ECR repository's user-facing model, with ECR's own rules."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from awsstate.arn import parse_arn
from awsstate.policies.fields import check_resource_policy, policy_text
from awsstate.refs import allow_ref
from awsstate.resources.ecr_repository.lifecycle import LifecyclePolicy
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "MAX_REPOSITORY_POLICY",
    "EcrRepositoryDesired",
    "EncryptionType",
    "ImageTagMutability",
    "RepositoryName",
    "RepositoryPolicy",
    "validate_repository_name",
]

MAX_NAME = 256
MAX_REPOSITORY_POLICY = 10240
"""ECR's limit on a repository policy's text, in characters."""
MAX_EXCLUSION_FILTERS = 5
_NAME = re.compile(r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*\Z")
_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}\Z")
_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})\Z")

ImageTagMutability = Literal["MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"]
"""Whether a pushed tag may be pushed again; ``*_WITH_EXCLUSION``: except tags matching the filters."""

EncryptionType = Literal["AES256", "KMS", "KMS_DSSE"]
"""How ECR encrypts images at rest: S3-managed keys (AWS's default), or a KMS key (one or two layers)."""


def validate_repository_name(name: str) -> str:
    """Return ``name`` if ECR accepts it as a repository name."""
    if not 2 <= len(name) <= MAX_NAME:
        raise ValueError(f"repository name {name[:40]!r} is {len(name)} characters; it must be 2 to {MAX_NAME}")
    if not _NAME.match(name):
        raise ValueError(f"repository name {name!r}: lowercase letters and digits, separated by '.', '_', '__' or "
                         "'-', in '/'-separated parts (e.g. 'team/app-api')")
    return name


RepositoryName = Annotated[str, AfterValidator(validate_repository_name)]
"""A repository name: 2-256 characters of lowercase letters and digits with ``. _ __ -`` and ``/``."""


def _kms_key_arn(value: str) -> str:
    parts = parse_arn(value)
    if (parts is None or parts.service != "kms" or not parts.region or not parts.account.isdigit()
            or not parts.resource.startswith("key/") or not _KEY_ID.match(parts.resource.removeprefix("key/"))):
        raise ValueError(f"{value!r} is not a KMS key ARN; give the key's full ARN "
                         "(arn:aws:kms:<region>:<account>:key/<key id>), as ECR reports it, not an id or alias")
    return value


KmsKeyArn = Annotated[str, AfterValidator(allow_ref(_kms_key_arn, kinds=("kms_key",)))]
"""A KMS key's full ARN (or a reference to a ``kms_key``'s ``arn``)."""


RepositoryPolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(partial(
    check_resource_policy, what="repository policy", service="ECR", limit=MAX_REPOSITORY_POLICY, unit="characters"))]
"""A repository policy as a mapping or JSON text; every statement needs a Principal. ``{}``: none."""


def _exclusion_filter(value: str) -> str:
    if not _FILTER.match(value):
        raise ValueError(f"exclusion filter {value!r}: 1-128 of letters, digits and . _ - with * as wildcard")
    return value


class EcrRepositoryDesired(DesiredModel):
    """An ECR repository as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it.
    """

    name: RepositoryName
    """The repository name, unique per account and region (``team/app-api``)."""
    region: Region | None = None
    """Where the repository lives; unset: the provider's default region."""
    image_tag_mutability: ImageTagMutability | None = None
    """``MUTABLE`` (AWS's default) or ``IMMUTABLE``: whether a tag can be pushed again to name another
    image; the ``*_WITH_EXCLUSION`` forms exempt the tags matching ``image_tag_mutability_exclusion_filters``."""
    image_tag_mutability_exclusion_filters: list[Annotated[str, AfterValidator(_exclusion_filter)]] | None = \
        Field(default=None, max_length=MAX_EXCLUSION_FILTERS)
    """With a ``*_WITH_EXCLUSION`` mutability: 1-5 tag filters (``*`` is a wildcard) exempt from it
    (order does not matter); ``[]``: none."""
    scan_on_push: bool | None = None
    """Scan every image for vulnerabilities when it is pushed (basic scanning)."""
    encryption_type: EncryptionType | None = None
    """``AES256`` (AWS's default), ``KMS`` or ``KMS_DSSE``. Fixed at creation: a change is planned as a
    replace (which deletes the repository and, with ``force_destroy``, its images)."""
    kms_key: KmsKeyArn | None = None
    """With ``KMS`` or ``KMS_DSSE``: the key's ARN (unset: the AWS managed key ``aws/ecr``). Fixed at
    creation (a change is a replace)."""
    lifecycle_policy: LifecyclePolicy | None = None
    """The lifecycle policy (a mapping or JSON text, ``{"rules": [...]}``), compared by meaning;
    ``{}``: none."""
    policy: RepositoryPolicy | None = None
    """The repository policy (who may pull and push), compared by meaning; ``{}``: none."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:``
    tags are never changed."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""
    force_destroy: bool = False
    """With ``state="absent"`` (or a replace): delete the repository with every image in it. Without
    it a repository that holds images is refused and left intact."""

    @field_validator("image_tag_mutability_exclusion_filters")
    @classmethod
    def _filters_match_mutability(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        mutability = info.data.get("image_tag_mutability")
        if "image_tag_mutability" not in info.data:
            return value  # the mutability itself was refused: one error is enough
        with_exclusion = isinstance(mutability, str) and mutability.endswith("_WITH_EXCLUSION")
        if value:
            if not with_exclusion:
                raise ValueError("exclusion filters need image_tag_mutability 'MUTABLE_WITH_EXCLUSION' or "
                                 f"'IMMUTABLE_WITH_EXCLUSION' in the same model, not {mutability!r}")
            if len(set(value)) != len(value):
                raise ValueError("each exclusion filter may be given once")
        elif with_exclusion:
            raise ValueError(f"image_tag_mutability {mutability!r} needs 1-5 exclusion filters")
        return value

    @field_validator("kms_key")
    @classmethod
    def _key_needs_kms(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("encryption_type") not in ("KMS", "KMS_DSSE"):
            raise ValueError("a KMS key needs encryption_type 'KMS' or 'KMS_DSSE'")
        if value is not None and (parts := parse_arn(value)) is not None:
            region = info.data.get("region")
            if region is not None and parts.region != region:
                raise ValueError(f"ECR uses a KMS key in the repository's region {region}, not {parts.region}")
        return value
