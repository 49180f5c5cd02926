"""Settings S3 refuses together, checked before any write (and by the in-memory fake, as AWS does).

* a bucket policy that grants public access while ``block_public_access.block_public_policy`` is on
  (AWS: 403 "public policies are blocked by the BlockPublicPolicy block public access setting");
* a public canned ACL (``public-read``, ``public-read-write``, ``authenticated-read``) while
  ``block_public_acls`` is on;
* any canned ACL but ``private`` while ``object_ownership`` is ``BucketOwnerEnforced``, which
  disables ACLs (AWS: ``AccessControlListNotSupported``);
* versioning suspended on a bucket with Object Lock (AWS: ``InvalidBucketState``).

On a bucket the plan creates, a setting left unmanaged has AWS's default for new buckets (every
public access block flag on, ``BucketOwnerEnforced``), which these rules take into account.
A policy is public, as AWS judges it, when an ``Allow`` statement names every principal (``*``)
and no condition pins it to an account, organization, network or source; the judgement leans
towards "not public", so a policy is never refused here that AWS would accept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json

__all__ = ["PUBLIC_ACLS", "bucket_conflicts", "is_public_policy"]

PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
"""Canned ACLs that grant access to everyone (or every AWS account): public to S3's eyes."""

# Condition keys that make a statement non-public when they are present (AWS's list of "fixed values").
_FIXING_KEYS = frozenset(key.lower() for key in (
    "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceIp",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:userid",
    "s3:DataAccessPointAccount", "s3:DataAccessPointArn", "aws:ResourceAccount", "aws:ResourceOrgID",
))


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        ids = principal.get("AWS")
        return ids == "*" or (isinstance(ids, list) and "*" in ids)
    return False


def _pinned(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    return any(str(key).lower() in _FIXING_KEYS for block in condition.values() if isinstance(block, dict)
               for key in block)


def is_public_policy(document: Json) -> bool:
    """Whether a bucket policy grants access to everyone (as S3's block public access judges it)."""
    if not isinstance(document, dict):
        return False
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if (isinstance(statement, dict) and statement.get("Effect") == "Allow"
                and _everyone(statement.get("Principal")) and not _pinned(statement.get("Condition"))):
            return True
    return False


def _flag(values: Mapping[str, Json], flag: str) -> bool:
    block = values.get("block_public_access")
    return isinstance(block, dict) and block.get(flag) is True


def bucket_conflicts(values: Mapping[str, Json]) -> str | None:
    """The first pair of settings S3 refuses together, named, or ``None``.

    ``values`` maps aspect names to canonical values; a missing aspect is unknown (never a conflict).
    """
    if "policy" in values and is_public_policy(values["policy"]) and _flag(values, "block_public_policy"):
        return ("policy grants public access (Principal \"*\"), but block_public_access.block_public_policy is "
                "true, so S3 refuses the policy: set block_public_access=PublicAccessBlock(block_public_policy="
                "False, restrict_public_buckets=False), or restrict the policy's principals")
    acl = values.get("acl")
    if acl in PUBLIC_ACLS and _flag(values, "block_public_acls"):
        return (f"acl {acl!r} is public, but block_public_access.block_public_acls is true, so S3 refuses it: set "
                "block_public_access=PublicAccessBlock(block_public_acls=False), or use acl='private'")
    if isinstance(acl, str) and acl != "private" and values.get("object_ownership") == "BucketOwnerEnforced":
        return (f"acl {acl!r} needs ACLs, which object_ownership 'BucketOwnerEnforced' (AWS's default for new "
                "buckets) disables: set object_ownership='BucketOwnerPreferred' or 'ObjectWriter', or acl='private'")
    lock = values.get("object_lock")
    if values.get("versioning") == "Suspended" and isinstance(lock, dict) and lock.get("enabled"):
        return ("versioning=False would suspend versioning, but object_lock is enabled on the bucket, and S3 "
                "never suspends versioning on an Object Lock bucket: leave versioning unset or True")
    return None


def conflicts(desired: Any, values: Mapping[str, Json]) -> str | None:
    """``KindSpec.conflicts`` for S3 buckets (see :func:`bucket_conflicts`)."""
    return bucket_conflicts(values)
