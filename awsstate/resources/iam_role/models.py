"""The IAM role's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import AfterValidator, Field, JsonValue, field_validator

from awsstate.resources.iam_naming import (
    IamPath,
    IdentityPolicyDocument,
    PolicyArn,
    PolicyName,
    RoleDescription,
    RoleName,
    TrustPolicyDocument,
    validate_policy_arn,
)
from awsstate.resources.validation import Tags
from awsstate.spec import DesiredModel

__all__ = ["INLINE_POLICIES_MAX_SIZE", "MAX_MANAGED_POLICIES", "IamRoleDesired"]

MAX_MANAGED_POLICIES = 20
"""The most managed policies a role can have attached (AWS's default quota is 10, raisable to 20)."""
INLINE_POLICIES_MAX_SIZE = 10240
"""The most characters (without whitespace) all of a role's inline policies may hold together."""


def _no_boundary_or_arn(value: str) -> str:
    return value if value == "" else validate_policy_arn(value)


BoundaryArn = Annotated[str, AfterValidator(_no_boundary_or_arn)]
"""A managed policy ARN, or ``""`` for "no permissions boundary"."""


class IamRoleDesired(DesiredModel):
    """An IAM role as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. ``trust_policy``
    is needed to create the role (AWS has no role without one).
    """

    name: RoleName
    """The role name: 1 to 64 of ASCII letters, digits and ``+=,.@_-``, unique in the account."""
    path: IamPath | None = None
    """The role's path (``/`` by default), part of its ARN. Fixed at creation: a change is planned
    as a replace. Unset: ``/`` for a new role, any path for an existing one."""
    trust_policy: TrustPolicyDocument | None = None
    """Who may assume the role (the assume-role policy; JSON text or a mapping), compared by
    meaning. Every statement needs a ``Principal``."""
    description: RoleDescription | None = None
    """At most 1000 characters (printable ASCII, Latin-1, tab, newlines). ``""``: no description."""
    max_session_duration: int | None = Field(default=None, ge=3600, le=43200)
    """The longest session, in seconds, for credentials from assuming the role: 3600 (AWS's
    default) to 43200."""
    permissions_boundary: BoundaryArn | None = None
    """The ARN of the managed policy that bounds the role's permissions; ``""``: no boundary."""
    inline_policies: dict[PolicyName, IdentityPolicyDocument] | None = None
    """The complete set of inline policies, name -> document (compared by meaning). Policies not
    listed are deleted; ``{}`` deletes all. No ``Principal``; at most 10240 characters together."""
    managed_policy_arns: list[PolicyArn] | None = None
    """The complete set of attached managed policy ARNs (order and duplicates do not matter).
    Policies not listed are detached; ``[]`` detaches all. Each must exist."""
    tags: Tags | None = None
    """The complete set of tags (at most 50): tags not listed are removed; ``{}`` removes all."""

    @field_validator("inline_policies")
    @classmethod
    def _inline_size(cls, value: dict[str, dict[str, JsonValue]] | None) -> dict[str, dict[str, JsonValue]] | None:
        if value:
            size = sum(len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False)) for doc in value.values())
            if size > INLINE_POLICIES_MAX_SIZE:
                raise ValueError(f"inline policies total {size} characters without whitespace; "
                                 f"a role's limit is {INLINE_POLICIES_MAX_SIZE}")
        return value

    @field_validator("managed_policy_arns")
    @classmethod
    def _attachment_quota(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) > MAX_MANAGED_POLICIES:
            raise ValueError(f"{len(set(value))} managed policies given; a role can have at most "
                             f"{MAX_MANAGED_POLICIES} attached")
        return value
