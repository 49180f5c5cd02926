"""The IAM managed policy's user-facing models: what you want (Desired) and what is there (Observed)."""

from __future__ import annotations

from awsstate.resources.iam_naming import IamPath, IdentityPolicyDocument, PolicyDescription, PolicyName
from awsstate.resources.validation import Tags
from awsstate.spec import DesiredModel

__all__ = ["IamPolicyDesired"]


class IamPolicyDesired(DesiredModel):
    """A customer managed IAM policy as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. ``document``
    is needed to create the policy (AWS has no policy without one).
    """

    name: PolicyName
    """The policy name: 1 to 128 of ASCII letters, digits and ``+=,.@_-``, unique in the account."""
    path: IamPath | None = None
    """The policy's path (``/`` by default), part of its ARN. Fixed at creation: a change is
    planned as a replace. Unset: ``/`` for a new policy, any path for an existing one."""
    description: PolicyDescription | None = None
    """The policy's description, at most 1000 characters. AWS sets it only at creation
    (CreatePolicy; there is no call to change it), so a change is planned as a replace.
    ``""``: no description."""
    document: IdentityPolicyDocument | None = None
    """The policy document (JSON text or a mapping), compared by meaning, not text. No
    ``Principal``; at most 6144 characters without whitespace. A change creates a new default
    version (the oldest non-default one is deleted first when five exist)."""
    tags: Tags | None = None
    """The complete set of tags (at most 50): tags not listed are removed; ``{}`` removes all."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed, and
    leave other tags alone."""
