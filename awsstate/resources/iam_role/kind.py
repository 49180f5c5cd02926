"""The IAM role kind: its aspects, their semantics, and its manager.

IAM is global (no region) and names are unique per account. Canonical values (what providers
return and plans show):

* existence attributes: ``arn`` and ``path`` (fixed at creation);
* carried by the existence read (GetRole returns them, so a no-op plan of these costs one call):
  ``trust_policy`` (parsed document), ``description`` (``None`` for none),
  ``max_session_duration`` (seconds), ``permissions_boundary`` (policy ARN or ``None``),
  ``tags`` (``{"key": "value"}``);
* ``inline_policies``: ``{name: document}``, documents compared by meaning;
* ``managed_policy_arns``: sorted list of attached policy ARNs (a set).
"""

from __future__ import annotations

from awsstate.canonical import Json, canonical_policy, canonical_set
from awsstate.errors import AwsStateError
from awsstate.manager import Manager
from awsstate.plan import Plan
from awsstate.resources.common import tags_after, tags_normal
from awsstate.resources.iam_naming import arn_from_create_path, iam_arn
from awsstate.resources.iam_policy.kind import policy_normal
from awsstate.resources.iam_role.models import IamRoleDesired, IamRoleObserved
from awsstate.spec import Aspect, CreateOnly, KindSpec, Reference

__all__ = ["DEFAULT_MAX_SESSION", "IAM_ROLE", "IamRoleManager"]

DEFAULT_MAX_SESSION = 3600
"""What AWS gives a role created without MaxSessionDuration."""


def _none_if_empty(value: str) -> Json:
    return value or None  # "" means "none": AWS reports no value


def _text_normal(value: Json) -> object:
    return value or None


def _inline_normal(value: Json) -> object:
    if not isinstance(value, dict):
        return {}
    return {name: canonical_policy(doc) if isinstance(doc, dict | str) else doc for name, doc in value.items()}


def _arns_value(value: list[str]) -> Json:
    return canonical_set(value)


def _arns_normal(value: Json) -> object:
    return canonical_set(value) if isinstance(value, list) else []


def _attributes(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"arn": iam_arn("aws", account_id, "role", "/", name), "path": "/"}


IAM_ROLE = KindSpec(
    kind="iam_role",
    describe="IAM role",
    desired_model=IamRoleDesired,
    observed_model=IamRoleObserved,
    scope="account",
    regional=False,
    attributes=_attributes,
    create_attributes=arn_from_create_path("role"),
    create_only=(CreateOnly(field="path", doc="The role's path (part of its ARN)."),),
    aspects=(
        Aspect(name="trust_policy", doc="Who may assume the role.", normalize=policy_normal,
               on_create=True, in_existence=True),
        # Session before description: moto's UpdateRole clears a description it is not given
        # (AWS leaves it), so the description, written with UpdateRoleDescription, goes last.
        Aspect(name="max_session_duration", doc="Longest session in seconds.", on_create=True,
               in_existence=True, aws_default=DEFAULT_MAX_SESSION),
        Aspect(name="description", doc="The role's description.", to_value=_none_if_empty,
               normalize=_text_normal, on_create=True, in_existence=True),
        Aspect(name="permissions_boundary", doc="Permissions boundary policy ARN.", to_value=_none_if_empty,
               normalize=_text_normal, on_create=True, in_existence=True,
               # AWS lets a policy used as a boundary be deleted; only attachments block that.
               references=Reference("iam_policy", blocks_delete=False)),
        Aspect(name="tags", doc="Tags (full set).", target=tags_after, normalize=tags_normal,
               on_create=True, in_existence=True, settled_on_create={}, aws_default={}),
        Aspect(name="inline_policies", doc="Inline policies (full set).", normalize=_inline_normal,
               settled_on_create={}, aws_default={}),
        Aspect(name="managed_policy_arns", doc="Attached managed policies (full set).", to_value=_arns_value,
               normalize=_arns_normal, settled_on_create=[], aws_default=[],
               references=Reference("iam_policy")),
    ),
)


class IamRoleManager(Manager[IamRoleDesired, IamRoleObserved]):
    """Plans and applies :class:`IamRoleDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = IamRoleManager(provider=InMemoryProvider())
    >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...          "Principal": {"Service": "lambda.amazonaws.com"}}]}
    >>> manager.apply(IamRoleDesired(name="doc-role", trust_policy=trust, max_session_duration=7200)).changed
    True
    >>> manager.plan(IamRoleDesired(name="doc-role", trust_policy=trust, max_session_duration=7200)).changed
    False
    """

    spec = IAM_ROLE

    def plan(self, desired: IamRoleDesired) -> Plan:
        """See :meth:`Manager.plan`; a role can only be created with a ``trust_policy``."""
        plan = super().plan(desired)
        if desired.trust_policy is None and any(a.type in ("create", "replace") for a in plan.actions):
            raise AwsStateError(
                f"iam_role {desired.name!r}: trust_policy is required to create the role (it does not exist yet)"
            )
        return plan
