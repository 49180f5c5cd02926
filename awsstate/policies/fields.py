"""Resource policies as fields of Desired models: one declaration for every kind that has one.

A resource policy is given as a mapping or as JSON text (blank text: none), every statement names a
``Principal``, and its service limits it by size measured on the compact JSON, in bytes or in
characters as the service counts, and sometimes by statement count. A kind declares its field as::

    ResourcePolicy = Annotated[dict[str, Any], BeforeValidator(policy_text), AfterValidator(
        partial(check_resource_policy, what="queue policy", service="SQS", limit=8192, unit="bytes"))]
"""

from __future__ import annotations

import json
from typing import Any, Literal

from awsstate.policies.document import parse_policy, validate_policy

__all__ = ["check_resource_policy", "policy_text"]


def policy_text(value: object) -> object:
    """A policy given as JSON text (as the console shows it) parsed; blank text is no policy (``{}``)."""
    if isinstance(value, str):
        return parse_policy(value) if value.strip() else {}
    return value


def check_resource_policy(value: dict[str, Any], *, what: str, service: str, limit: int,
                          unit: Literal["bytes", "characters"], max_statements: int | None = None) -> dict[str, Any]:
    """``value`` if it is a valid resource policy within the service's limits; ``{}`` stays ``{}``."""
    if not value:
        return {}
    document = validate_policy(value, require_principal=True)
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    size = len(text.encode()) if unit == "bytes" else len(text)
    if size > limit:
        raise ValueError(f"the {what} is {size} {unit} (compact JSON); {service} allows at most {limit}")
    statements = document.get("Statement")
    count = len(statements) if isinstance(statements, list) else 1
    if max_statements is not None and count > max_statements:
        raise ValueError(f"the {what} has {count} statements; {service} allows at most {max_statements}")
    return value
