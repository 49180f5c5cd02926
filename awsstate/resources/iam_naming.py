"""IAM naming rules shared by IAM kinds: names, paths, policy ARNs, descriptions and documents.

Each rule is AWS's own (IAM API reference and IAM quotas), checked when a Desired model is built
so bad input fails before any call, with pydantic's ``ValidationError`` naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, JsonValue

from awsstate.arn import parse_arn
from awsstate.canonical import Json
from awsstate.policies import canonical_policy, validate_policy
from awsstate.refs import allow_ref

__all__ = [
    "IamPath",
    "IdentityPolicyDocument",
    "MANAGED_POLICY_MAX_SIZE",
    "PolicyArn",
    "PolicyDescription",
    "PolicyName",
    "RoleDescription",
    "RoleName",
    "TRUST_POLICY_MAX_SIZE",
    "TrustPolicyDocument",
    "iam_arn",
    "policy_normal",
    "validate_iam_name",
    "validate_iam_path",
    "validate_policy_arn",
    "validate_role_description",
]

_NAME_CHARS = re.compile(r"^[\w+=,.@-]+\Z", re.ASCII)
# AWS's path pattern: "/" alone, or "/" + printable ASCII (no spaces) + "/".
_PATH = re.compile(r"^/([\x21-\x7e]*/)?\Z")
MAX_PATH = 512
# arn:<partition>:iam::<account id or "aws">:policy<path><name>
_POLICY_ARN = re.compile(r"^arn:aws[-a-z]*:iam::(\d{12}|aws):policy(/[\x21-\x7e]*)?/([\w+=,.@-]{1,128})\Z", re.ASCII)
MAX_ARN = 2048
# IAM role descriptions: tab, newline, carriage return, printable ASCII and Latin-1.
_ROLE_DESCRIPTION = re.compile(r"^[\t\n\r\x20-\x7e\xa1-\xff]*\Z")
MAX_DESCRIPTION = 1000

MANAGED_POLICY_MAX_SIZE = 6144
"""A managed policy document's limit, in characters without whitespace."""
TRUST_POLICY_MAX_SIZE = 4096
"""The highest role trust policy size the quota can be raised to (the default quota is 2048, and
AWS enforces the account's own quota: a document between the two may still be refused by AWS)."""


def validate_iam_name(value: str, *, what: str, max_length: int) -> str:
    """Return ``value`` if it is a valid IAM name of up to ``max_length`` characters."""
    if not 1 <= len(value) <= max_length:
        raise ValueError(f"{what} {value[:40]!r} is {len(value)} characters; it must be 1 to {max_length}")
    if not _NAME_CHARS.match(value):
        raise ValueError(f"{what} {value!r} may contain only ASCII letters, digits and + = , . @ _ -")
    return value


def _role_name(value: str) -> str:
    return validate_iam_name(value, what="role name", max_length=64)


def _policy_name(value: str) -> str:
    return validate_iam_name(value, what="policy name", max_length=128)


def validate_iam_path(value: str) -> str:
    """Return ``value`` if it is a valid IAM path: ``/`` or ``/segments/``, at most 512 characters."""
    if len(value) > MAX_PATH:
        raise ValueError(f"path is {len(value)} characters; the limit is {MAX_PATH}")
    if not _PATH.match(value) or "//" in value:
        raise ValueError(
            f"path {value!r} must be '/' or begin and end with '/' (e.g. '/team/'), "
            "with printable ASCII and no spaces or empty segments"
        )
    return value


def validate_policy_arn(value: str) -> str:
    """Return ``value`` if it is shaped like a managed policy ARN (customer or AWS managed)."""
    if len(value) > MAX_ARN or not _POLICY_ARN.match(value) or parse_arn(value) is None:
        raise ValueError(
            f"{value!r} is not a managed policy ARN (expected arn:aws:iam::<account id>:policy/<path/>name, "
            "or arn:aws:iam::aws:policy/<name> for AWS managed policies)"
        )
    return value


def validate_role_description(value: str) -> str:
    """Return ``value`` if AWS accepts it as a role description (at most 1000 allowed characters)."""
    if len(value) > MAX_DESCRIPTION:
        raise ValueError(f"description is {len(value)} characters; the limit is {MAX_DESCRIPTION}")
    for char in value:
        if not _ROLE_DESCRIPTION.match(char):
            raise ValueError(
                f"description contains {char!r}, which IAM does not allow (printable ASCII, Latin-1, tab, newlines)"
            )
    return value


def _policy_description(value: str) -> str:
    if len(value) > MAX_DESCRIPTION:
        raise ValueError(f"description is {len(value)} characters; the limit is {MAX_DESCRIPTION}")
    return value


# IAM's PolicyDocument pattern: tab, line feed, carriage return, and U+0020 to U+00FF.
_IAM_DOCUMENT_CHARS = re.compile(r"^[\t\n\r\x20-\xff]*\Z")


def _iam_characters(document: dict[str, Json]) -> dict[str, Json]:
    text = json.dumps(document, ensure_ascii=False)
    if not _IAM_DOCUMENT_CHARS.match(text):
        bad = next(ch for ch in text if not _IAM_DOCUMENT_CHARS.match(ch))
        raise ValueError(f"the document contains {bad!r} (U+{ord(bad):04X}); IAM accepts only tab, newlines and "
                         "characters U+0020 to U+00FF in policy documents")
    return document


def _identity_document(value: Any) -> dict[str, Json]:
    # Identity policies (managed and inline) must not name a Principal.
    if not isinstance(value, str | Mapping):
        raise ValueError(f"a policy document must be JSON text or a mapping, not {type(value).__name__}")
    return _iam_characters(validate_policy(value, require_principal=False, max_size=MANAGED_POLICY_MAX_SIZE))


def _trust_document(value: Any) -> dict[str, Json]:
    if not isinstance(value, str | Mapping):
        raise ValueError(f"a trust policy must be JSON text or a mapping, not {type(value).__name__}")
    return _iam_characters(validate_policy(value, require_principal=True, max_size=TRUST_POLICY_MAX_SIZE))


def policy_normal(value: Json) -> object:
    """Policies compared by meaning (see :func:`awsstate.canonical.canonical_policy`)."""
    return canonical_policy(value) if isinstance(value, dict | str) else None


def iam_arn(partition: str, account_id: str, resource: str, path: str, name: str) -> str:
    """The ARN of an IAM ``resource`` (``role``, ``policy``) called ``name`` at ``path``."""
    return f"arn:{partition}:iam::{account_id}:{resource}{path or '/'}{name}"


def arn_from_create_path(resource: str) -> Callable[[Mapping[str, Json]], dict[str, Json]]:
    """``KindSpec.create_attributes`` for an IAM ``resource`` whose ARN contains the path given at creation."""

    def create_attributes(attributes: Mapping[str, Json]) -> dict[str, Json]:
        arn = str(attributes["arn"])
        prefix = arn[: arn.index(f":{resource}/") + len(f":{resource}")]
        name = arn.rsplit("/", 1)[1]
        return {"arn": f"{prefix}{attributes.get('path') or '/'}{name}"}

    return create_attributes


RoleName = Annotated[str, AfterValidator(_role_name)]
"""An IAM role name: 1 to 64 of ASCII letters, digits and ``+=,.@_-``."""

PolicyName = Annotated[str, AfterValidator(_policy_name)]
"""An IAM policy name (managed or inline): 1 to 128 of ASCII letters, digits and ``+=,.@_-``."""

IamPath = Annotated[str, AfterValidator(validate_iam_path)]
"""An IAM path: ``/`` or ``/division/team/`` (at most 512 characters)."""

PolicyArn = Annotated[str, AfterValidator(allow_ref(validate_policy_arn, kinds=("iam_policy",)))]
"""A managed policy ARN."""

RoleDescription = Annotated[str, AfterValidator(validate_role_description)]
"""A role description: at most 1000 characters of printable ASCII, Latin-1, tab and newlines."""

PolicyDescription = Annotated[str, AfterValidator(_policy_description)]
"""A managed policy description: at most 1000 characters."""

IdentityPolicyDocument = Annotated[dict[str, JsonValue], BeforeValidator(_identity_document)]
"""An identity policy (JSON text or a mapping): valid structure, no ``Principal``, at most 6144
characters without whitespace. Stored parsed."""

TrustPolicyDocument = Annotated[dict[str, JsonValue], BeforeValidator(_trust_document)]
"""A role trust (assume-role) policy (JSON text or a mapping): valid structure, every statement
with a ``Principal``. Stored parsed."""
