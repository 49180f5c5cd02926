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
* ``read_aspect`` of an existence-carried aspect: one GetRole.
* ``create``: one CreateRole (trust policy, path, description, session, boundary and tags).
* ``write_aspect``: ``trust_policy`` one UpdateAssumeRolePolicy; ``description`` one
  UpdateRoleDescription; ``max_session_duration`` one UpdateRole; ``permissions_boundary`` one
  Put/DeleteRolePermissionsBoundary;
  ``tags`` ListRoleTags + TagRole and/or UntagRole; ``inline_policies`` ListRolePolicies, a
  GetRolePolicy per policy kept, then one PutRolePolicy per new or changed policy and one
  DeleteRolePolicy per extra one; ``managed_policy_arns`` ListAttachedRolePolicies, then one
  Attach/DetachRolePolicy per difference.
* ``delete``: AWS refuses DeleteRole (DeleteConflict) while the role has attached or inline
  policies or is in an instance profile, so: ListAttachedRolePolicies + a DetachRolePolicy each,
  ListRolePolicies + a DeleteRolePolicy each, ListInstanceProfilesForRole + a
  RemoveRoleFromInstanceProfile each, then DeleteRole. A permissions boundary does not block
  DeleteRole and goes with the role.

IAM is eventually consistent: a role read right after CreateRole may say NoSuchEntity, which is
a :class:`~awsstate.errors.NotFoundError` the manager's settle loop retries. A policy ARN that
does not exist (NoSuchEntity naming the policy) is an
:class:`~awsstate.errors.InvalidRequestError` naming the field, not retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from awsstate.canonical import Json, canonical_policy, canonical_set, parse_policy, policy_json, tag_changes
from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.providers.aws.handler import ABSENT, AwsHandler, receipt
from awsstate.providers.aws.iam_policy import tag_dict, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["IamRoleHandler"]

_MISSING = {"NoSuchEntity"}
_CARRIED = ("trust_policy", "description", "max_session_duration", "permissions_boundary", "tags")


class IamRoleHandler(AwsHandler):
    """The boto3 side of ``iam_role``."""

    service = "iam"

    def _region(self) -> str | None:
        # IAM is global; the default region only picks the partition's endpoint.
        return self.clients.default_region or "us-east-1"

    def _call(self, ref: ResourceRef, method: str, *, aspect: str | None = None, **params: Any) -> Any:
        return self.call(ref, method, aspect=aspect, region=self._region(), **params)

    def _get_role(self, ref: ResourceRef) -> dict[str, Any] | None:
        response = self.call(ref, "get_role", region=self._region(), absent=_MISSING, RoleName=ref.name)
        return None if response is ABSENT else dict(response["Role"])

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """GetRole: attributes plus every aspect it carries."""
        role = self._get_role(ref)
        if role is None:
            return None
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

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """One aspect (see the module docstring for the requests each costs)."""
        if aspect in _CARRIED:
            existence = self.read_existence(ref)
            if existence is None:
                raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect,
                                    operation="GetRole", code="NoSuchEntity")
            return existence[aspect]
        if aspect == "inline_policies":
            return {name: self._inline(ref, name) for name in self._inline_names(ref, aspect)}
        if aspect == "managed_policy_arns":
            return list(canonical_set(self._attached(ref, aspect)))
        raise KeyError(f"iam_role has no aspect {aspect!r}")

    def _pages(self, ref: ResourceRef, method: str, key: str, aspect: str | None) -> Iterator[Any]:
        # Paginated by hand so that every page goes through the error-translating call wrapper.
        params: dict[str, Any] = {"RoleName": ref.name, "MaxItems": 1000}
        while True:
            page = self._call(ref, method, aspect=aspect, **params)
            yield from page.get(key, [])
            if not page.get("IsTruncated"):
                return
            params["Marker"] = page["Marker"]

    def _inline_names(self, ref: ResourceRef, aspect: str | None) -> list[str]:
        return [str(name) for name in self._pages(ref, "list_role_policies", "PolicyNames", aspect)]

    def _inline(self, ref: ResourceRef, name: str) -> dict[str, Json]:
        response = self._call(ref, "get_role_policy", aspect="inline_policies", RoleName=ref.name, PolicyName=name)
        return parse_policy(response["PolicyDocument"])

    def _attached(self, ref: ResourceRef, aspect: str | None) -> list[str]:
        return [str(p["PolicyArn"]) for p in self._pages(ref, "list_attached_role_policies", "AttachedPolicies",
                                                          aspect)]

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
        try:
            return receipt(self._call(ref, "create_role", **kwargs))
        except NotFoundError as error:
            problem = _missing_reference(error, "permissions_boundary", [str(boundary)])
            if problem is None:
                raise
            raise problem from error

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """One aspect (see the module docstring for the requests each costs)."""
        if aspect == "trust_policy":
            if not isinstance(value, dict | str):
                raise InvalidRequestError("a role always has a trust policy", kind=ref.kind, name=ref.name,
                                          aspect=aspect)
            return receipt(self._call(ref, "update_assume_role_policy", aspect=aspect, RoleName=ref.name,
                                      PolicyDocument=policy_json(value)))
        if aspect == "description":
            return receipt(self._call(ref, "update_role_description", aspect=aspect, RoleName=ref.name,
                                      Description=str(value or "")))
        if aspect == "max_session_duration":
            seconds = value if isinstance(value, int) else 3600
            return receipt(self._call(ref, "update_role", aspect=aspect, RoleName=ref.name,
                                      MaxSessionDuration=seconds))
        if aspect == "permissions_boundary":
            if not value:
                return receipt(self._call(ref, "delete_role_permissions_boundary", aspect=aspect,
                                          RoleName=ref.name))
            try:
                return receipt(self._call(ref, "put_role_permissions_boundary", aspect=aspect, RoleName=ref.name,
                                          PermissionsBoundary=str(value)))
            except NotFoundError as error:
                problem = _missing_reference(error, aspect, [str(value)])
                if problem is None:
                    raise
                raise problem from error
        if aspect == "tags":
            return self._write_tags(ref, value if isinstance(value, dict) else {})
        if aspect == "inline_policies":
            return self._write_inline(ref, value if isinstance(value, dict) else {})
        if aspect == "managed_policy_arns":
            return self._write_attached(ref, [str(v) for v in value] if isinstance(value, list) else [])
        raise KeyError(f"iam_role has no aspect {aspect!r}")

    def _write_tags(self, ref: ResourceRef, value: Mapping[str, Json]) -> Receipt:
        current = {str(t["Key"]): str(t["Value"]) for t in self._pages(ref, "list_role_tags", "Tags", "tags")}
        to_set, to_remove = tag_changes(current, {k: str(v) for k, v in value.items()})
        result = Receipt()
        if to_remove:
            result = receipt(self._call(ref, "untag_role", aspect="tags", RoleName=ref.name, TagKeys=to_remove))
        if to_set:
            result = receipt(self._call(ref, "tag_role", aspect="tags", RoleName=ref.name,
                                        Tags=tag_list(dict(to_set))))
        return result

    def _write_inline(self, ref: ResourceRef, value: Mapping[str, Json]) -> Receipt:
        result = Receipt()
        existing = self._inline_names(ref, "inline_policies")
        for name, document in sorted(value.items()):
            if not isinstance(document, dict | str):
                continue
            if name in existing and canonical_policy(self._inline(ref, name)) == canonical_policy(document):
                continue
            result = receipt(self._call(ref, "put_role_policy", aspect="inline_policies", RoleName=ref.name,
                                        PolicyName=name, PolicyDocument=policy_json(document)))
        for name in existing:
            if name not in value:
                result = receipt(self._call(ref, "delete_role_policy", aspect="inline_policies",
                                            RoleName=ref.name, PolicyName=name))
        return result

    def _write_attached(self, ref: ResourceRef, value: list[str]) -> Receipt:
        result = Receipt()
        attached = self._attached(ref, "managed_policy_arns")
        for arn in attached:
            if arn not in value:
                result = receipt(self._call(ref, "detach_role_policy", aspect="managed_policy_arns",
                                            RoleName=ref.name, PolicyArn=arn))
        for arn in value:
            if arn in attached:
                continue
            try:
                result = receipt(self._call(ref, "attach_role_policy", aspect="managed_policy_arns",
                                            RoleName=ref.name, PolicyArn=arn))
            except NotFoundError as error:
                problem = _missing_reference(error, "managed_policy_arns", [arn])
                if problem is None:
                    raise
                raise problem from error
        return result

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Detach, delete inline policies, leave instance profiles, then DeleteRole (AWS requires the order)."""
        for arn in self._attached(ref, None):
            self._call(ref, "detach_role_policy", RoleName=ref.name, PolicyArn=arn)
        for name in self._inline_names(ref, None):
            self._call(ref, "delete_role_policy", RoleName=ref.name, PolicyName=name)
        for profile in list(self._pages(ref, "list_instance_profiles_for_role", "InstanceProfiles", None)):
            self._call(ref, "remove_role_from_instance_profile", RoleName=ref.name,
                       InstanceProfileName=profile["InstanceProfileName"])
        return receipt(self._call(ref, "delete_role", RoleName=ref.name))


def _missing_reference(error: NotFoundError, field: str, arns: list[str]) -> InvalidRequestError | None:
    """A NoSuchEntity about a referenced policy (not the role itself) is the user's input to fix."""
    named = next((arn for arn in arns if arn and arn in error.message), None)
    if named is None:
        return None  # the role itself is missing (eventual consistency): the manager retries
    return InvalidRequestError(
        f"{named} does not exist", kind=error.kind, name=error.name, aspect=field, operation=error.operation,
        code=error.code, request_id=error.request_id,
        hint=f"Create the iam_policy first, or correct the ARN in {field}. A policy created seconds ago may "
             "still be propagating in IAM: apply again shortly.",
    )
