"""The IAM managed policy kind: its aspects, their semantics, and its manager.

IAM is global (no region) and names are unique per account. Canonical values (what providers
return and plans show):

* existence attributes: ``arn``, ``path`` and ``description`` (both fixed at creation);
* ``document``: the default version's document, parsed (compared with
  :func:`awsstate.canonical.canonical_policy`, so AWS's rewrites cause no diff);
* ``tags``: ``{"key": "value"}`` (carried by the existence read: GetPolicy returns them).
"""

from __future__ import annotations

from awsstate.canonical import Json, canonical_policy
from awsstate.errors import AwsStateError
from awsstate.manager import Manager
from awsstate.plan import Plan
from awsstate.resources.common import tags_after, tags_normal
from awsstate.resources.iam_naming import arn_from_create_path, iam_arn
from awsstate.resources.iam_policy.models import IamPolicyDesired, IamPolicyObserved
from awsstate.spec import Aspect, CreateOnly, KindSpec

__all__ = ["IAM_POLICY", "IamPolicyManager"]


def policy_normal(value: Json) -> object:
    """Policies compared by meaning (see :func:`awsstate.canonical.canonical_policy`)."""
    return canonical_policy(value) if isinstance(value, dict | str) else None


def _description_value(value: str) -> Json:
    return value or None  # "" and "no description" are the same to AWS


def _attributes(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"arn": iam_arn("aws", account_id, "policy", "/", name), "path": "/", "description": None}


IAM_POLICY = KindSpec(
    kind="iam_policy",
    describe="IAM managed policy",
    desired_model=IamPolicyDesired,
    observed_model=IamPolicyObserved,
    scope="account",
    regional=False,
    attributes=_attributes,
    create_attributes=arn_from_create_path("policy"),
    create_only=(
        CreateOnly(field="path", doc="The policy's path (part of its ARN)."),
        CreateOnly(field="description", doc="The policy's description (CreatePolicy only).",
                   to_value=_description_value),
    ),
    aspects=(
        Aspect(
            name="document", doc="The default version's policy document.",
            normalize=policy_normal, on_create=True,
        ),
        Aspect(
            name="tags", doc="Tags (full set).", target=tags_after, normalize=tags_normal,
            on_create=True, in_existence=True, settled_on_create={}, aws_default={},
        ),
    ),
)


class IamPolicyManager(Manager[IamPolicyDesired, IamPolicyObserved]):
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

    def plan(self, desired: IamPolicyDesired) -> Plan:
        """See :meth:`Manager.plan`; a policy can only be created with a ``document``."""
        plan = super().plan(desired)
        if desired.document is None and any(a.type in ("create", "replace") for a in plan.actions):
            raise AwsStateError(
                f"iam_policy {desired.name!r}: document is required to create the policy (it does not exist yet)"
            )
        return plan
