"""The IAM managed policy kind: its aspects, their semantics, and its manager.

IAM is global (no region) and names are unique per account. Canonical values (what providers
return and plans show):

* existence attributes: ``arn``, ``path`` and ``description`` (both fixed at creation);
* ``document``: the default version's document, parsed (compared with
  :func:`awsstate.canonical.canonical_policy`, so AWS's rewrites cause no diff);
* ``tags``: ``{"key": "value"}`` (carried by the existence read: GetPolicy returns them).
"""

from __future__ import annotations

from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.resources.common import tags_aspect
from awsstate.resources.iam_naming import arn_from_create_path, iam_arn, policy_normal
from awsstate.resources.iam_policy.models import IamPolicyDesired
from awsstate.spec import Aspect, Attribute, CreateOnly, Fake, KindSpec

__all__ = ["IAM_POLICY", "IamPolicyManager", "IamPolicyObserved"]


def _description_value(value: str) -> Json:
    return value or None  # "" and "no description" are the same to AWS


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"arn": iam_arn("aws", account_id, "policy", "/", name), "path": "/", "description": None}


IAM_POLICY = KindSpec(
    kind="iam_policy",
    describe="IAM managed policy",
    desired_model=IamPolicyDesired,
    scope="account",
    regional=False,
    attributes=(Attribute("arn", "The policy's ARN (arn:aws:iam::<account>:policy<path><name>)."),
                Attribute("path", "The policy's path."),
                Attribute("description", "The policy's description (None when it has none).")),
    derive=_derive,
    create_only=(
        CreateOnly(field="path", doc="The policy's path (part of its ARN)."),
        CreateOnly(field="description", doc="The policy's description (CreatePolicy only).",
                   to_value=_description_value),
    ),
    required_on_create=("document",),
    fake=Fake(defaults={"tags": {}}, create_attributes=arn_from_create_path("policy")),
    aspects=(
        Aspect(name="document", doc="The default version's policy document.", type=dict[str, Any],
               normalize=policy_normal, in_create=True),
        tags_aspect(in_create=True, carried=True, new_value={}),
    ),
)


class IamPolicyManager(Manager[IamPolicyDesired]):
    """Plans and applies :class:`IamPolicyDesired` state (customer managed policies).

    >>> from awsstate import InMemoryProvider
    >>> manager = IamPolicyManager(provider=InMemoryProvider())
    >>> document = {"Version": "2012-10-17",
    ...             "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    >>> manager.apply(IamPolicyDesired(name="doc-policy", document=document)).changed
    True
    >>> manager.plan(IamPolicyDesired(name="doc-policy", document=document)).changed
    False
    """

    spec = IAM_POLICY


IamPolicyObserved = IAM_POLICY.observed_model
"""A managed policy as read (generated from :data:`IAM_POLICY`)."""
