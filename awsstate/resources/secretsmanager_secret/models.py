"""The Secrets Manager secret's user-facing model, with Secrets Manager's own rules."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from awsstate.canonical import check_json
from awsstate.policies.fields import check_resource_policy, policy_text
from awsstate.refs import allow_ref, is_ref
from awsstate.resources.identifiers import validate_kms_key_id
from awsstate.resources.secretsmanager_secret.rotation import SecretRotation
from awsstate.resources.validation import Region, Tags, validate_region
from awsstate.spec import DesiredModel

__all__ = [
    "AWS_MANAGED_KEY",
    "DEFAULT_RECOVERY_WINDOW_DAYS",
    "MAX_NAME",
    "MAX_POLICY",
    "MAX_SECRET",
    "SecretName",
    "SecretsmanagerSecretDesired",
    "secret_text",
    "validate_secret_name",
]

MAX_NAME = 512
"""The longest secret name AWS accepts."""
MAX_SECRET = 65536
"""The most characters a secret's value may hold."""
MAX_POLICY = 20480
"""The most characters (compact JSON) a secret's resource policy may hold."""
MAX_DESCRIPTION = 2048
AWS_MANAGED_KEY = "alias/aws/secretsmanager"
"""The AWS managed key that encrypts a secret when no key is named."""
DEFAULT_RECOVERY_WINDOW_DAYS = 30
"""How long AWS keeps a deleted secret restorable when no recovery window is named."""

_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]+\Z")


def validate_secret_name(name: str) -> str:
    """Return ``name`` if Secrets Manager accepts it as a secret name."""
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"secret name {name[:40]!r} is {len(name)} characters; it must be 1 to {MAX_NAME}")
    if not _NAME.match(name):
        raise ValueError(f"secret name {name[:60]!r} may contain only ASCII letters, digits and / _ + = . @ -")
    return name


SecretName = Annotated[str, AfterValidator(validate_secret_name)]
"""A secret name: 1-512 of ``[A-Za-z0-9/_+=.@-]``."""


def secret_text(value: str | dict[str, Any] | list[Any]) -> str:
    """The SecretString that holds ``value``: text as given, JSON compact."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _secret(value: str | dict[str, Any] | list[Any]) -> str | dict[str, Any] | list[Any]:
    if isinstance(value, str) and is_ref(value):
        return value
    if not isinstance(value, str):
        check_json(value, "the secret's JSON value")
    text = secret_text(value)
    if not 1 <= len(text) <= MAX_SECRET:
        raise ValueError(f"the secret's value is {len(text)} characters; Secrets Manager takes 1 to {MAX_SECRET}")
    return value


def _json_or_text(value: object) -> object:
    # Only what JSON has: pydantic would otherwise turn a set into a list.
    if not isinstance(value, str | dict | list | tuple):
        raise ValueError(f"the secret's value is text, or a JSON object or list, not a {type(value).__name__}")
    return value


def _kms_key(value: str) -> str:
    return value if value == "" else validate_kms_key_id(value)


_KEY_REFS = ("arn", "key_id", "alias_arn")  # a kms_key's attributes that name it
KeyId = Annotated[str, AfterValidator(allow_ref(_kms_key, kinds=("kms_key",), attributes=_KEY_REFS))]
"""A KMS key id, ``alias/<name>``, or a key or alias ARN (or a reference to a kms_key); ``""``: the
AWS managed key ``aws/secretsmanager``."""


ResourcePolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(partial(
    check_resource_policy, what="resource policy", service="Secrets Manager", limit=MAX_POLICY, unit="characters"))]
"""A resource policy as a mapping or JSON text (every statement names a Principal); ``{}``: none."""


def _replicas(value: object) -> object:
    # A list of regions means each replica with the region's AWS managed key.
    if isinstance(value, list | tuple):
        return {region: "" for region in value} if all(isinstance(region, str) for region in value) else value
    return value


def _replica_regions(value: dict[str, str] | list[str]) -> dict[str, str]:
    if not isinstance(value, dict):  # _replicas made every list a mapping: a safety net for type checkers
        raise ValueError("replica_regions is a mapping of region to KMS key, or a list of regions")
    for region in value:
        validate_region(region)
    return value


Replicas = Annotated[dict[str, KeyId] | list[str], BeforeValidator(_replicas), AfterValidator(_replica_regions)]
"""Replica regions: ``{region: KMS key}`` (``""``: the region's AWS managed key), or a list of regions."""


class SecretsmanagerSecretDesired(DesiredModel):
    """A Secrets Manager secret as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. The secret's
    value is shown as ``(sensitive)`` in every plan, log and error, and compared by digest.
    ``state="absent"`` schedules the deletion (AWS keeps the secret restorable for the recovery
    window); planning the name again while it is pending deletion restores it.
    """

    model_config = ConfigDict(hide_input_in_errors=True)  # a ValidationError must never echo the value

    name: SecretName
    """The secret's name, unique per account and region (``prod/orders/db``)."""
    region: Region | None = None
    """Where the secret lives (its primary region); unset: the provider's default region."""
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] | None = None
    """What the secret is for (at most 2048 characters); ``""``: none."""
    kms_key_id: KeyId | None = None
    """The KMS key that encrypts the secret's versions; ``""``: the AWS managed key
    ``aws/secretsmanager`` (AWS's default). A change re-encrypts the current versions."""
    secret_string: Annotated[str | dict[str, Any] | list[Any], BeforeValidator(_json_or_text),
                             AfterValidator(_secret)] | None = None
    """The secret's value: text, or a JSON object or list (stored as compact JSON and compared by
    meaning). Writing it makes a new AWSCURRENT version. Read only when managed; never shown."""
    policy: ResourcePolicy | None = None
    """The resource policy (a mapping or JSON text), compared by meaning; ``{}``: none."""
    rotation: SecretRotation | Literal[False] | None = None
    """Automatic rotation (a Lambda function and a schedule); ``False``: rotation off. A rotated
    secret's value is changed by its function, so ``secret_string`` cannot be managed with it."""
    replica_regions: Replicas | None = None
    """The regions the secret is replicated to, each with its KMS key (``{"us-west-2": ""}``, or a
    list of regions); ``{}``: no replicas. A replica whose key changes is replicated again."""
    purge_replica_regions: bool = True
    """``True``: ``replica_regions`` is the complete set. ``False``: only add or update those listed."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:`` tags
    are never changed."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""
    recovery_window_in_days: int | None = Field(default=None, ge=7, le=30)
    """With ``state="absent"``: how many days (7-30) AWS keeps the deleted secret restorable; unset:
    AWS's 30. The plan says which."""
    force_delete_without_recovery: bool = False
    """With ``state="absent"``: delete at once, with no recovery window (it cannot be restored)."""

    @field_validator("rotation")
    @classmethod
    def _rotation_owns_the_value(cls, value: SecretRotation | bool | None,
                                 info: ValidationInfo) -> SecretRotation | bool | None:
        if isinstance(value, SecretRotation) and info.data.get("secret_string") is not None:
            raise ValueError("a rotated secret's value is set by its rotation function: leave secret_string unset "
                             "(unmanaged) when rotation is on")
        return value

    @field_validator("replica_regions")
    @classmethod
    def _replicas_elsewhere(cls, value: dict[str, str] | list[str] | None,
                            info: ValidationInfo) -> dict[str, str] | list[str] | None:
        region = info.data.get("region")
        if value is not None and region is not None and region in value:
            raise ValueError(f"{region} is the secret's own region: a replica goes to another region")
        return value

    @field_validator("force_delete_without_recovery")
    @classmethod
    def _one_way_to_delete(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("recovery_window_in_days") is not None:
            raise ValueError("give recovery_window_in_days or force_delete_without_recovery, not both "
                             "(AWS refuses both)")
        return value
