"""IAM roles on AWS.

GetRole returns the path, ARN, trust policy (URL-encoded JSON in the raw API; parsed with
:func:`awsstate.canonical.parse_policy` whatever form arrives), description, maximum session
duration, permissions boundary and tags in one request, so those aspects are carried by the
existence read. Request counts per provider call:

* ``read_existence``: one GetRole.
* ``read_aspect("inline_policies")``: ListRolePolicies (one per 1000 names) + one GetRolePolicy
  per inline policy.
* ``read_aspect("managed_policy_arns")``: ListAttachedRolePolicies, one per 1000 attachments
  (so one in practice: a role has at most 20).
* ``create``: one CreateRole (trust policy, path, description, session, boundary and tags).
* ``write_aspect``: ``trust_policy`` one UpdateAssumeRolePolicy; ``description`` one
  UpdateRoleDescription; ``max_session_duration`` one UpdateRole; ``permissions_boundary`` one
  Put/DeleteRolePermissionsBoundary;
  ``tags`` ListRoleTags + TagRole and/or UntagRole; ``inline_policies`` ListRolePolicies, a
  GetRolePolicy per policy kept, then one PutRolePolicy per new or changed policy and one
  DeleteRolePolicy per extra one; ``managed_policy_arns`` ListAttachedRolePolicies, then one
  Attach/DetachRolePolicy per difference.
* ``instance_profile`` (the role's own, named like it): read one GetInstanceProfile; write
  GetInstanceProfile, then CreateInstanceProfile (+ GetRole for the path) and
  AddRoleToInstanceProfile, or RemoveRoleFromInstanceProfile and DeleteInstanceProfile.
  ``instance_profiles`` (others): ListInstanceProfilesForRole, then one Add/Remove per difference.
* ``delete``: AWS refuses DeleteRole (DeleteConflict) while the role has attached or inline
  policies or is in an instance profile, so: ListAttachedRolePolicies + a DetachRolePolicy each,
  ListRolePolicies + a DeleteRolePolicy each, ListInstanceProfilesForRole + a
  RemoveRoleFromInstanceProfile each (and DeleteInstanceProfile of the role's own), then
  DeleteRole. A permissions boundary does not block DeleteRole and goes with the role.

A removal re-sent by botocore after a lost answer finds nothing to remove (NoSuchEntity): when
the thing is indeed gone, that is success, not an error.

IAM is eventually consistent: a role read right after CreateRole may say NoSuchEntity, which is
a :class:`~awsstate.errors.NotFoundError` the engine's settle loop retries. A policy ARN that
does not exist (NoSuchEntity naming the policy) is an
:class:`~awsstate.errors.InvalidRequestError` naming the field, not retried.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json, canonical_set
from awsstate.errors import AlreadyExistsError, InvalidRequestError, NotFoundError
from awsstate.policies import canonical_policy, parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, receipt
from awsstate.providers.aws.iam import MISSING, IamHandler, missing_reference
from awsstate.providers.aws.tags import TagApi, tag_dict, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "IamRoleHandler"]


def _referencing(field: str, arns: Callable[[], list[str]], call: Callable[[], Any]) -> Any:
    """Make ``call``; a NoSuchEntity naming one of ``arns`` becomes an error naming ``field``."""
    try:
        return call()
    except NotFoundError as error:
        problem = missing_reference(error, field, arns())
        if problem is None:
            raise
        raise problem from error


def _write_trust(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Any:
    if not isinstance(value, dict | str):
        raise InvalidRequestError("a role always has a trust policy", kind=ref.kind, name=ref.name,
                                  aspect="trust_policy")
    return h.call(ref, "update_assume_role_policy", RoleName=ref.name, PolicyDocument=policy_json(value))


def _write_boundary(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Any:
    if not value:
        return h.call(ref, "delete_role_permissions_boundary", RoleName=ref.name)
    return _referencing("permissions_boundary", lambda: [str(value)],
                        lambda: h.call(ref, "put_role_permissions_boundary", RoleName=ref.name,
                                       PermissionsBoundary=str(value)))


def _read_inline(h: IamRoleHandler, ref: ResourceRef) -> Json:
    return {name: h.inline(ref, name) for name in h.inline_names(ref)}


def _remove(h: IamRoleHandler, ref: ResourceRef, method: str, item: str, listing: Callable[[], Collection[str]],
            **params: Any) -> Receipt:
    """A removal of ``item``; NoSuchEntity while ``listing()`` no longer holds it means an earlier
    attempt (whose answer was lost, and which botocore re-sent) removed it: done. The role itself
    missing (``listing`` raises NotFound) is raised."""
    try:
        return receipt(h.call(ref, method, **params))
    except NotFoundError:
        if item in listing():
            raise
        return Receipt()


def _write_inline(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Receipt:
    wanted = value if isinstance(value, dict) else {}
    result = Receipt()
    existing = h.inline_names(ref)
    for name, document in sorted(wanted.items()):
        if not isinstance(document, dict | str):
            continue
        if name in existing and canonical_policy(h.inline(ref, name)) == canonical_policy(document):
            continue
        result = receipt(h.call(ref, "put_role_policy", RoleName=ref.name, PolicyName=name,
                                PolicyDocument=policy_json(document)))
    for name in existing:
        if name not in wanted:
            result = _remove(h, ref, "delete_role_policy", name, lambda: h.inline_names(ref), RoleName=ref.name,
                             PolicyName=name)
    return result


def _write_attached(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Receipt:
    wanted = [str(v) for v in value] if isinstance(value, list) else []
    result = Receipt()
    attached = h.attached(ref)
    for arn in attached:
        if arn not in wanted:
            result = _remove(h, ref, "detach_role_policy", arn, lambda: h.attached(ref), RoleName=ref.name,
                             PolicyArn=arn)
    for arn in wanted:
        if arn not in attached:
            result = receipt(_attach(h, ref, arn))
    return result


def _own_profile(h: IamRoleHandler, ref: ResourceRef) -> list[str] | None:
    """The roles in the instance profile named like the role (``None``: there is no such profile)."""
    response = h.call(ref, "get_instance_profile", absent=MISSING, InstanceProfileName=ref.name)
    if response is ABSENT:
        return None
    return [str(role["RoleName"]) for role in response["InstanceProfile"].get("Roles", [])]


def _read_own_profile(h: IamRoleHandler, ref: ResourceRef) -> Json:
    roles = _own_profile(h, ref)
    return roles is not None and ref.name in roles


def _add_to_profile(h: IamRoleHandler, ref: ResourceRef, profile: str) -> Receipt:
    try:
        return receipt(h.call(ref, "add_role_to_instance_profile", InstanceProfileName=profile, RoleName=ref.name))
    except InvalidRequestError as error:
        # LimitExceeded: the profile holds a role already; if it is this one (a re-sent request), done.
        if error.code == "LimitExceeded" and ref.name in h.profile_roles(ref, profile):
            return Receipt()
        raise


def _write_own_profile(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Receipt:
    roles = _own_profile(h, ref)
    if value:
        if roles is None:
            path = (h.read_existence(ref) or {}).get("path") or "/"
            with contextlib.suppress(AlreadyExistsError):  # made by an earlier attempt whose answer was lost
                h.call(ref, "create_instance_profile", InstanceProfileName=ref.name, Path=str(path))
            roles = []
        return Receipt() if ref.name in roles else _add_to_profile(h, ref, ref.name)
    if roles is None:
        return Receipt()
    if ref.name in roles:
        _remove(h, ref, "remove_role_from_instance_profile", ref.name, lambda: _own_profile(h, ref) or [],
                InstanceProfileName=ref.name, RoleName=ref.name)
    if [role for role in roles if role != ref.name]:
        return Receipt()  # another role is in it: it is not this role's to delete
    return _remove(h, ref, "delete_instance_profile", ref.name,
                   lambda: [ref.name] if _own_profile(h, ref) is not None else [], InstanceProfileName=ref.name)


def _write_profiles(h: IamRoleHandler, ref: ResourceRef, value: Json) -> Receipt:
    wanted = {str(v) for v in value} if isinstance(value, list) else set()
    current = set(h.profiles(ref))
    result = Receipt()
    for profile in sorted(current - wanted):
        result = _remove(h, ref, "remove_role_from_instance_profile", profile, lambda: h.profiles(ref),
                         InstanceProfileName=profile, RoleName=ref.name)
    for profile in sorted(wanted - current):
        result = _add_to_profile(h, ref, profile)
    return result


def _attach(h: IamRoleHandler, ref: ResourceRef, arn: str) -> Any:
    return _referencing("managed_policy_arns", lambda: [arn],
                        lambda: h.call(ref, "attach_role_policy", RoleName=ref.name, PolicyArn=arn))


class IamRoleHandler(IamHandler):
    """The boto3 side of ``iam_role``."""

    LISTING = ("list_roles", "Roles", "RoleName", "list_role_tags", {})

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "trust_policy": AspectIO(write=_write_trust),
        "max_session_duration": AspectIO(write=lambda h, ref, value: h.call(
            ref, "update_role", RoleName=ref.name, MaxSessionDuration=value if isinstance(value, int) else 3600)),
        "description": AspectIO(write=lambda h, ref, value: h.call(
            ref, "update_role_description", RoleName=ref.name, Description=str(value or ""))),
        "permissions_boundary": AspectIO(write=_write_boundary),
        "tags": TagApi(list="list_role_tags", tag="tag_role", untag="untag_role", paginated=True,
                       target=lambda h, ref: {"RoleName": ref.name}).aspect(carried=True),
        "inline_policies": AspectIO(read=_read_inline, write=_write_inline),
        "managed_policy_arns": AspectIO(read=lambda h, ref: list(canonical_set(h.attached(ref))),
                                        write=_write_attached),
        "instance_profile": AspectIO(read=_read_own_profile, write=_write_own_profile),
        "instance_profiles": AspectIO(read=lambda h, ref: list(canonical_set(h.profiles(ref))), write=_write_profiles),
    }

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """GetRole: attributes plus every aspect it carries."""
        response = self.call(ref, "get_role", absent=MISSING, RoleName=ref.name)
        if response is ABSENT:
            return None
        role = dict(response["Role"])
        boundary = role.get("PermissionsBoundary") or {}
        trust = role.get("AssumeRolePolicyDocument")
        return {
            "arn": str(role["Arn"]),
            "path": str(role.get("Path") or "/"),
            "trust_policy": parse_policy(trust) if trust else None,
            "description": role.get("Description") or None,
            "max_session_duration": int(role.get("MaxSessionDuration") or 3600),
            "permissions_boundary": boundary.get("PermissionsBoundaryArn") or None,
            "tags": tag_dict(role.get("Tags")),
        }

    def inline_names(self, ref: ResourceRef) -> list[str]:
        """The names of the role's inline policies."""
        return [str(name) for name in self.items(ref, "list_role_policies", "PolicyNames", RoleName=ref.name)]

    def inline(self, ref: ResourceRef, name: str) -> dict[str, Json]:
        """One inline policy's document."""
        response = self.call(ref, "get_role_policy", RoleName=ref.name, PolicyName=name)
        return parse_policy(response["PolicyDocument"])

    def attached(self, ref: ResourceRef) -> list[str]:
        """The ARNs of the managed policies attached to the role."""
        return [str(p["PolicyArn"])
                for p in self.items(ref, "list_attached_role_policies", "AttachedPolicies", RoleName=ref.name)]

    def profile_roles(self, ref: ResourceRef, profile: str) -> list[str]:
        """The roles in the instance profile ``profile``."""
        response = self.call(ref, "get_instance_profile", InstanceProfileName=profile)
        return [str(role["RoleName"]) for role in response["InstanceProfile"].get("Roles", [])]

    def profiles(self, ref: ResourceRef) -> list[str]:
        """The instance profiles holding the role, but its own (named like it)."""
        listed = self.items(ref, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=ref.name)
        return [str(p["InstanceProfileName"]) for p in listed if p["InstanceProfileName"] != ref.name]

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """CreateRole with everything it takes."""
        trust = params.get("trust_policy")
        if not isinstance(trust, dict | str):
            raise InvalidRequestError("a role can only be created with a trust_policy", kind=ref.kind,
                                      name=ref.name, aspect="trust_policy", operation="CreateRole")
        kwargs: dict[str, Any] = {"RoleName": ref.name, "AssumeRolePolicyDocument": policy_json(trust)}
        if params.get("path"):
            kwargs["Path"] = params["path"]
        if params.get("description"):
            kwargs["Description"] = params["description"]
        if params.get("max_session_duration") is not None:
            kwargs["MaxSessionDuration"] = params["max_session_duration"]
        boundary = params.get("permissions_boundary")
        if boundary:
            kwargs["PermissionsBoundary"] = boundary
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = tag_list(tags)
        return receipt(_referencing("permissions_boundary", lambda: [str(boundary)],
                                    lambda: self.call(ref, "create_role", **kwargs)))

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Detach, delete inline policies, leave instance profiles, then DeleteRole (AWS requires the order)."""
        for arn in self.attached(ref):
            self.call(ref, "detach_role_policy", RoleName=ref.name, PolicyArn=arn)
        for name in self.inline_names(ref):
            self.call(ref, "delete_role_policy", RoleName=ref.name, PolicyName=name)
        for profile in self.items(ref, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=ref.name):
            name = str(profile["InstanceProfileName"])
            self.call(ref, "remove_role_from_instance_profile", RoleName=ref.name, InstanceProfileName=name)
            if name == ref.name and len(profile.get("Roles", [])) <= 1:
                # The role's own instance profile (instance_profile=True) goes with it.
                self.call(ref, "delete_instance_profile", absent=MISSING, InstanceProfileName=name)
        return receipt(self.call(ref, "delete_role", RoleName=ref.name))


HANDLER = IamRoleHandler
