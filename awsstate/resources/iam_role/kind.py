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

from typing import Any

from awsstate.canonical import Json, canonical_set
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.iam_naming import arn_from_create_path, iam_arn, policy_normal
from awsstate.resources.iam_role.models import IamRoleDesired
from awsstate.resources.settings import member_merge
from awsstate.spec import Aspect, Attribute, CreateOnly, Fake, KindSpec, Reference

__all__ = ["DEFAULT_MAX_SESSION", "IAM_ROLE", "IamRoleManager", "IamRoleObserved"]

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


def _arns_normal(value: Json) -> object:
    return canonical_set(value) if isinstance(value, list) else []


def _as_set(value: Json) -> Json:
    """A list-valued set in canonical (sorted) order."""
    return canonical_set(value) if isinstance(value, list) else []


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"arn": iam_arn("aws", account_id, "role", "/", name), "path": "/"}



IAM_ROLE = KindSpec(
    kind="iam_role",
    describe="IAM role",
    desired_model=IamRoleDesired,
    scope="account",
    regional=False,
    attributes=(Attribute("arn", "The role's ARN (arn:aws:iam::<account>:role<path><name>)."),
                Attribute("path", "The role's path.")),
    derive=_derive,
    create_only=(CreateOnly(field="path", doc="The role's path (part of its ARN)."),),
    required_on_create=("trust_policy",),
    # AWS deletes a role's policies and instance profile memberships with it: a replace (a new
    # path) copies what the desired model does not manage, and the plan lists it.
    carry_on_replace=("description", "max_session_duration", "permissions_boundary", "tags", "inline_policies",
                      "managed_policy_arns", "instance_profile", "instance_profiles"),
    fake=Fake(
        defaults={"max_session_duration": DEFAULT_MAX_SESSION, "tags": {}, "inline_policies": {},
                  "managed_policy_arns": [], "instance_profile": False, "instance_profiles": []},
        # AWS lets a policy used as a boundary be deleted; only attachments block that.
        references={"permissions_boundary": Reference("iam_policy", blocks_delete=False),
                    "managed_policy_arns": Reference("iam_policy")},
        create_attributes=arn_from_create_path("role"),
    ),
    aspects=(
        carried("trust_policy", "Who may assume the role.", dict[str, Any], normalize=policy_normal),
        # Session before description: moto's UpdateRole clears a description it is not given
        # (AWS leaves it), so the description, written with UpdateRoleDescription, goes last.
        carried("max_session_duration", "Longest session in seconds.", int),
        carried("description", "The role's description.", str, to_value=_none_if_empty,
                 to_field=lambda value: value or "", normalize=_text_normal),
        carried("permissions_boundary", "Permissions boundary policy ARN.", str, to_value=_none_if_empty,
                 to_field=lambda value: value or "", normalize=_text_normal),
        tags_aspect(in_create=True, carried=True, new_value={}),
        Aspect(name="inline_policies", doc="Inline policies (full set).", type=dict[str, dict[str, Any]],
               merge=member_merge("inline_policies"), normalize=_inline_normal, new_value={}),
        Aspect(name="managed_policy_arns", doc="Attached managed policies (full set).", type=list[str],
               to_value=lambda value: canonical_set(value),
               merge=member_merge("managed_policy_arns", key=str, finish=_as_set),
               normalize=_arns_normal, new_value=[]),
        Aspect(name="instance_profile", doc="The role's own instance profile (same name and path).", type=bool,
               normalize=bool, new_value=False),
        Aspect(name="instance_profiles", doc="Other instance profiles holding the role (full set).", type=list[str],
               to_value=lambda value: canonical_set(value),
               merge=member_merge("instance_profiles", key=str, finish=_as_set),
               normalize=_arns_normal, new_value=[]),
    ),
)


class IamRoleManager(Manager[IamRoleDesired]):
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


IamRoleObserved = IAM_ROLE.observed_model
"""An IAM role as read (generated from :data:`IAM_ROLE`)."""
