"""The IAM role's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import AfterValidator, Field, JsonValue, ValidationInfo, field_validator

from awsstate.refs import allow_ref
from awsstate.resources.iam_naming import (
    IamPath,
    IdentityPolicyDocument,
    PolicyArn,
    PolicyName,
    RoleDescription,
    RoleName,
    TrustPolicyDocument,
    validate_iam_name,
    validate_policy_arn,
)
from awsstate.resources.validation import Tags
from awsstate.spec import DesiredModel

__all__ = ["INLINE_POLICIES_MAX_SIZE", "MAX_MANAGED_POLICIES", "IamRoleDesired", "InstanceProfileName"]

MAX_MANAGED_POLICIES = 20
"""The most managed policies a role can have attached (AWS's default quota is 10, raisable to 20)."""
INLINE_POLICIES_MAX_SIZE = 10240
"""The most characters (without whitespace) all of a role's inline policies may hold together."""


def _no_boundary_or_arn(value: str) -> str:
    return value if value == "" else allow_ref(validate_policy_arn, kinds=("iam_policy",))(value)


BoundaryArn = Annotated[str, AfterValidator(_no_boundary_or_arn)]
"""A managed policy ARN, or ``""`` for "no permissions boundary"."""


def _profile_name(value: str) -> str:
    return validate_iam_name(value, what="instance profile name", max_length=128)


InstanceProfileName = Annotated[str, AfterValidator(_profile_name)]
"""An instance profile name: 1 to 128 of ASCII letters, digits and ``+=,.@_-``."""


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
    listed are deleted; ``{}`` deletes all (see ``purge_inline_policies``). No ``Principal``; at most
    10240 characters together."""
    purge_inline_policies: bool = True
    """``True``: ``inline_policies`` is the complete set. ``False``: only put the policies listed,
    and leave the role's other inline policies alone."""
    managed_policy_arns: list[PolicyArn] | None = None
    """The complete set of attached managed policy ARNs (order and duplicates do not matter).
    Policies not listed are detached; ``[]`` detaches all (see ``purge_managed_policy_arns``). Each
    must exist."""
    purge_managed_policy_arns: bool = True
    """``True``: ``managed_policy_arns`` is the complete set. ``False``: only attach the policies
    listed, and leave other attachments alone."""
    instance_profile: bool | None = None
    """``True``: the role has its own instance profile (same name and path, for EC2), created with
    it and deleted with it. ``False``: it has none (that profile is deleted). Unset: no call at all."""
    instance_profiles: list[InstanceProfileName] | None = None
    """Other, existing instance profiles the role belongs to (an instance profile holds one role).
    The role is added to those listed and removed from others (see ``purge_instance_profiles``)."""
    purge_instance_profiles: bool = True
    """``True``: ``instance_profiles`` is the complete set. ``False``: only add the role to those listed."""
    tags: Tags | None = None
    """The complete set of tags (at most 50): tags not listed are removed; ``{}`` removes all."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""

    @field_validator("inline_policies")
    @classmethod
    def _inline_size(cls, value: dict[str, dict[str, JsonValue]] | None) -> dict[str, dict[str, JsonValue]] | None:
        if value:
            size = sum(len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False)) for doc in value.values())
            if size > INLINE_POLICIES_MAX_SIZE:
                raise ValueError(f"inline policies total {size} characters without whitespace; "
                                 f"a role's limit is {INLINE_POLICIES_MAX_SIZE}")
        return value

    @field_validator("instance_profiles")
    @classmethod
    def _not_its_own(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if value is not None and info.data.get("name") in value:
            raise ValueError("the role's own instance profile (same name) is managed with instance_profile=True")
        return value

    @field_validator("managed_policy_arns")
    @classmethod
    def _attachment_quota(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) > MAX_MANAGED_POLICIES:
            raise ValueError(f"{len(set(value))} managed policies given; a role can have at most "
                             f"{MAX_MANAGED_POLICIES} attached")
        return value
