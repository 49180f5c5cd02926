"""The KMS key's user-facing model, with AWS KMS's own rules.

The key is named by its alias: ``KmsKeyDesired(name="orders")`` is the key that ``alias/orders``
points at. Everything is checked when the model is built, before any AWS call: the alias, the
key spec and key usage together, the key policy (JSON, statements with a Principal, 32 KB, the
characters KMS accepts), rotation (symmetric keys only, 90-2560 days) and the deletion window
(7-30 days).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from awsstate.policies import validate_policy
from awsstate.policies.fields import policy_text
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "ALIAS_PREFIX",
    "DEFAULT_DELETION_WINDOW_DAYS",
    "DEFAULT_ROTATION_PERIOD_DAYS",
    "KEY_USAGES_BY_SPEC",
    "MAX_ALIAS_NAME",
    "MAX_KEY_POLICY_BYTES",
    "AliasName",
    "KeyPolicy",
    "KeySpec",
    "KeyUsage",
    "KmsKeyDesired",
    "validate_alias_name",
]

ALIAS_PREFIX = "alias/"
MAX_ALIAS_NAME = 256 - len(ALIAS_PREFIX)
"""The longest alias name without ``alias/`` (KMS allows 256 characters with it)."""
MAX_DESCRIPTION = 8192
MAX_KEY_POLICY_BYTES = 32768
"""KMS's limit on a key policy document (32 KB)."""
DEFAULT_DELETION_WINDOW_DAYS = 30
"""The waiting period KMS uses when a deletion names none."""
DEFAULT_ROTATION_PERIOD_DAYS = 365
"""The rotation period KMS uses when automatic rotation is enabled without one."""

_ALIAS = re.compile(r"^[A-Za-z0-9/_-]+\Z")
_POLICY_CHARS = re.compile(r"^[\t\n\r\u0020-\u00ff]*\Z")

KeySpec = Literal[
    "SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
    "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024",
]
"""The kinds of key material KMS creates (``SYMMETRIC_DEFAULT``: AES-256-GCM, AWS's default)."""

KeyUsage = Literal["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT",
                   "ENCAPSULATE_DECAPSULATE"]
"""What the key is for (``ENCRYPT_DECRYPT``: AWS's default)."""

_RSA = frozenset({"ENCRYPT_DECRYPT", "SIGN_VERIFY"})
_ECC_NIST = frozenset({"SIGN_VERIFY", "KEY_AGREEMENT"})
_SIGN = frozenset({"SIGN_VERIFY"})
_MAC = frozenset({"GENERATE_VERIFY_MAC"})
_KEM = frozenset({"ENCAPSULATE_DECAPSULATE"})
KEY_USAGES_BY_SPEC: dict[str, frozenset[str]] = {
    "SYMMETRIC_DEFAULT": frozenset({"ENCRYPT_DECRYPT"}),
    "RSA_2048": _RSA, "RSA_3072": _RSA, "RSA_4096": _RSA,
    "ECC_NIST_P256": _ECC_NIST, "ECC_NIST_P384": _ECC_NIST, "ECC_NIST_P521": _ECC_NIST,
    "ECC_SECG_P256K1": _SIGN, "ECC_NIST_EDWARDS25519": _SIGN,
    "HMAC_224": _MAC, "HMAC_256": _MAC, "HMAC_384": _MAC, "HMAC_512": _MAC,
    "SM2": frozenset({"ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"}),
    "ML_DSA_44": _SIGN, "ML_DSA_65": _SIGN, "ML_DSA_87": _SIGN,
    "ML_KEM_512": _KEM, "ML_KEM_768": _KEM, "ML_KEM_1024": _KEM,
}
"""The key usages KMS allows for each key spec."""


def validate_alias_name(name: str) -> str:
    """Return ``name`` if KMS accepts ``alias/<name>`` for a customer managed key."""
    if name.startswith(ALIAS_PREFIX):
        raise ValueError(f"give the alias without {ALIAS_PREFIX!r}: name={name.removeprefix(ALIAS_PREFIX)!r} "
                         f"is the key {name!r} points at")
    if not 1 <= len(name) <= MAX_ALIAS_NAME:
        raise ValueError(f"alias name {name[:40]!r} is {len(name)} characters; it must be 1 to {MAX_ALIAS_NAME} "
                         f"(256 with {ALIAS_PREFIX!r})")
    if not _ALIAS.match(name):
        raise ValueError(f"alias name {name!r} may contain only letters, digits, '/', '_' and '-'")
    if name.startswith("aws/"):
        raise ValueError(f"alias name {name!r}: aliases starting with 'aws/' belong to AWS managed keys")
    return name


AliasName = Annotated[str, AfterValidator(validate_alias_name)]
"""An alias name without ``alias/``: 1-250 of ``[A-Za-z0-9/_-]``, not starting with ``aws/``."""


def _key_policy(value: dict[str, Any]) -> dict[str, Any]:
    if not value:
        raise ValueError("a KMS key always has a key policy: give one, or leave policy unset to keep the "
                         "key's (KMS's default policy on a new key)")
    document = validate_policy(value, require_principal=True)
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    if not _POLICY_CHARS.match(text):
        bad = next(ch for ch in text if not _POLICY_CHARS.match(ch))
        raise ValueError(f"the key policy contains {bad!r} (U+{ord(bad):04X}); KMS accepts only tab, newlines and "
                         "characters U+0020 to U+00FF")
    size = len(text.encode())
    if size > MAX_KEY_POLICY_BYTES:
        raise ValueError(f"the key policy is {size} bytes (compact JSON); KMS allows at most {MAX_KEY_POLICY_BYTES}")
    return value


KeyPolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(_key_policy)]
"""A key policy as a mapping or JSON text; every statement needs a Principal."""


class KmsKeyDesired(DesiredModel):
    """A customer managed KMS key, named by its alias, as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. The key's id
    and ARN are assigned by KMS when it is created (known after apply); the alias is how awsstate
    finds the key, every time.
    """

    name: AliasName
    """The alias, without ``alias/`` (``orders`` for ``alias/orders``), unique per account and region."""
    region: Region | None = None
    """Where the key lives; unset: the provider's default region."""
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    """What the key is for (up to 8192 characters); ``""``: none."""
    policy: KeyPolicy | None = None
    """The key policy (a mapping or JSON text), compared by meaning. Unset: unmanaged, so a new key
    gets KMS's default policy (the account may use the key through IAM). It must let you manage the
    key afterwards: KMS refuses a policy that would lock the caller out."""
    key_spec: KeySpec | None = None
    """The key material (``SYMMETRIC_DEFAULT``, ``RSA_2048``, ``ECC_NIST_P256``, ``HMAC_256`` ...).
    Fixed at creation: a change is planned as a replace. Unset: ``SYMMETRIC_DEFAULT`` for a new key."""
    key_usage: KeyUsage | None = None
    """What the key does (``ENCRYPT_DECRYPT``, ``SIGN_VERIFY``, ``GENERATE_VERIFY_MAC``, ``KEY_AGREEMENT``,
    ``ENCAPSULATE_DECAPSULATE``); it must suit ``key_spec``. Fixed at creation (a change is a replace).
    Unset: ``ENCRYPT_DECRYPT`` for a new key."""
    multi_region: bool | None = None
    """``True``: a multi-Region primary key (its id starts with ``mrk-``). Fixed at creation."""
    enabled: bool | None = None
    """``False``: the key is disabled (it cannot be used, but is kept); ``True``: enabled."""
    enable_key_rotation: bool | None = None
    """Automatic yearly (or ``rotation_period_in_days``) rotation of the key material. Symmetric
    encryption keys only; KMS changes it only while the key is enabled."""
    rotation_period_in_days: int | None = Field(default=None, ge=90, le=2560)
    """Days between automatic rotations (90-2560; KMS's default is 365). Needs
    ``enable_key_rotation=True``."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:``
    tags are never changed."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""
    deletion_window_in_days: int | None = Field(default=None, ge=7, le=30)
    """With ``state="absent"`` (or a replace): KMS keeps the key, disabled and recoverable
    (CancelKeyDeletion), for this many days before deleting it (7-30; default 30)."""

    @field_validator("key_spec")
    @classmethod
    def _spec_suits_region(cls, value: str | None, info: ValidationInfo) -> str | None:
        region = info.data.get("region")
        if value == "SM2" and region is not None and not str(region).startswith("cn-"):
            raise ValueError(f"'SM2' keys exist only in the China regions, not in {region}")
        return value

    @field_validator("key_usage")
    @classmethod
    def _usage_suits_spec(cls, value: str | None, info: ValidationInfo) -> str | None:
        spec = info.data.get("key_spec")
        if spec is None:
            if value is not None and value != "ENCRYPT_DECRYPT" and "key_spec" in info.data:
                raise ValueError(f"{value!r} needs key_spec too: a key without one is SYMMETRIC_DEFAULT, which "
                                 "only encrypts and decrypts")
            return value
        allowed = KEY_USAGES_BY_SPEC[spec]
        if value is None and "ENCRYPT_DECRYPT" not in allowed:
            raise ValueError(f"key_spec {spec!r} needs key_usage (one of {', '.join(sorted(allowed))}): KMS's "
                             "default ENCRYPT_DECRYPT does not suit it")
        if value is not None and value not in allowed:
            raise ValueError(f"{value!r} does not suit key_spec {spec!r}, which allows {', '.join(sorted(allowed))}")
        return value

    @field_validator("enable_key_rotation")
    @classmethod
    def _rotation_suits_key(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        spec = info.data.get("key_spec")
        if value and spec not in (None, "SYMMETRIC_DEFAULT"):
            raise ValueError(f"KMS rotates only symmetric encryption keys, not {spec!r} keys")
        return value

    @field_validator("rotation_period_in_days")
    @classmethod
    def _period_needs_rotation(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("enable_key_rotation") is not True:
            raise ValueError("needs enable_key_rotation=True (KMS keeps a rotation period only while automatic "
                             "rotation is on)")
        return value
