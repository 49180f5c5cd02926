"""What IAM accepts inside a statement: principals and action names.

Pure: no I/O and no AWS SDK. Partitions come from botocore's data file
(:mod:`awsstate.providers.aws.partitions`), read without importing botocore's client code.
"""

from __future__ import annotations

import re

from awsstate.refs import parse_ref

__all__ = ["PRINCIPAL_TYPES", "action_problem", "principal_problem", "resource_problem"]

PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
"""The principal types a policy can name."""

_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?_.-]+\Z")
_ACCOUNT = re.compile(r"^\d{12}\Z")
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{15,127}\Z")  # AIDA..., AROA...: what AWS shows for a deleted principal
_AWS_ARN = re.compile(r"^arn:(?P<partition>[a-z-]+):(iam|sts)::(\d{12}|aws):\S+\Z")
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?\Z")
_FEDERATED_ARN = re.compile(r"^arn:(?P<partition>[a-z-]+):iam::\d{12}:(saml-provider|oidc-provider)/\S+\Z")
_HOST = re.compile(r"^(?=.{1,253}\Z)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\Z")
_CANONICAL = re.compile(r"^[0-9a-f]{64}\Z")


def _known_partition(partition: str) -> bool:
    from awsstate.providers.aws.partitions import partitions  # botocore's data file

    return partition in {p.id for p in partitions()}


def _partitioned(pattern: re.Pattern[str], value: str) -> bool:
    match = pattern.match(value)
    return match is not None and _known_partition(match["partition"])


def principal_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not a principal of type ``kind`` (``None``: it is one)."""
    if kind not in PRINCIPAL_TYPES:
        return f"principal type {kind!r} is not one of {', '.join(PRINCIPAL_TYPES)}"
    if kind == "AWS":
        if value == "*" or _ACCOUNT.match(value) or _UNIQUE_ID.match(value) or _partitioned(_AWS_ARN, value):
            return None
        target = parse_ref(value)
        if target is not None and target.kind == "iam_role" and target.attribute == "arn":
            return None  # a stack's role, checked again once the reference is resolved
        return (f"AWS principal {value!r} is not \"*\", a 12-digit account id or an IAM/STS ARN of a known partition "
                "(arn:aws:iam::123456789012:root, ...:role/name)")
    if kind == "Service":
        if value == "*" or _SERVICE.match(value):
            return None
        return f"Service principal {value!r} is not a service name such as 'lambda.amazonaws.com'"
    if kind == "Federated":
        if _partitioned(_FEDERATED_ARN, value) or _HOST.match(value):
            return None
        return (f"Federated principal {value!r} is neither a SAML/OIDC provider ARN nor an identity provider's "
                "host name (cognito-identity.amazonaws.com, accounts.google.com ...)")
    if _CANONICAL.match(value):
        return None
    return f"CanonicalUser principal {value!r} is not a 64-character canonical user id"


def action_problem(value: str) -> str | None:
    """Why ``value`` is not an action name (``service:Action``, wildcards allowed, or ``*``)."""
    if value == "*" or _ACTION.match(value):
        return None
    shown = value.encode("unicode_escape").decode()
    return (f"action '{shown}' is not 'service:ActionName' (letters, digits, '-', '*', '?'; no spaces or control "
            "characters)")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def resource_problem(value: str) -> str | None:
    """Why ``value`` is not a resource (``*``, or an ARN of a known partition; no control characters)."""
    if _CONTROL.search(value):
        shown = value.encode("unicode_escape").decode()
        return f"resource '{shown}' contains a control character"
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6 or not _known_partition(parts[1]):
            return f"resource {value!r} is not an ARN of a known partition (arn:aws:..., arn:aws-cn:...)"
    return None
