"""IAM customer managed policies on AWS.

IAM is global: calls go to the IAM endpoint of the provider's partition. A policy is addressed by
its ARN, which this handler builds from the account id (one STS GetCallerIdentity per handler,
cached: the first call of a provider pays one extra request, later ones none) and the path.

Request counts per provider call:

* ``read_existence``: one GetPolicy when the policy is at ``/`` or was seen before by this
  handler. When that says NoSuchEntity, one ListPolicies page (up to 1000 customer managed
  policies) per page, because a policy at another path can only be found by name that way; a
  policy found so is then one GetPolicy again.
* ``read_aspect("document")``: one GetPolicyVersion of the default version seen by the last
  existence read (checked with ``IsDefaultVersion``); when unknown or no longer the default,
  GetPolicy + GetPolicyVersion.
* ``create``: one CreatePolicy (document, path, description and tags in one request).
* ``write_aspect("document")``: ListPolicyVersions, DeletePolicyVersion of the oldest non-default
  version when five exist (AWS's limit), then CreatePolicyVersion with SetAsDefault: 2 or 3.
* ``write_aspect("tags")``: ListPolicyTags, then TagPolicy and/or UntagPolicy: 2 or 3.
* ``delete``: GetPolicy (refuses an attached policy: AWS's DeleteConflict, which moto does not
  raise), ListPolicyVersions, one DeletePolicyVersion per non-default version (AWS requires it),
  DeletePolicy.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json, parse_policy, policy_json, tag_changes
from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.providers.aws.handler import ABSENT, AwsHandler, Clients, receipt
from awsstate.providers.base import Existence, Receipt
from awsstate.resources.iam_naming import iam_arn
from awsstate.spec import ResourceRef

__all__ = ["IamPolicyHandler", "MAX_POLICY_VERSIONS"]

MAX_POLICY_VERSIONS = 5
"""AWS keeps at most five versions of a managed policy."""
_MISSING = {"NoSuchEntity"}


def tag_list(tags: Mapping[str, Json]) -> list[dict[str, str]]:
    """IAM's ``[{"Key", "Value"}]`` form of a tag mapping, sorted by key."""
    return [{"Key": key, "Value": str(value)} for key, value in sorted(tags.items())]


def tag_dict(tags: list[dict[str, str]] | None) -> dict[str, Json]:
    """A tag mapping from IAM's ``[{"Key", "Value"}]`` form."""
    return {t["Key"]: t["Value"] for t in tags or []}


class IamPolicyHandler(AwsHandler):
    """The boto3 side of ``iam_policy``."""

    service = "iam"

    def __init__(self, clients: Clients) -> None:
        super().__init__(clients)
        self._identity: tuple[str, str] | None = None  # (partition, account id)
        self._arns: dict[str, str] = {}  # name -> ARN last seen (remembers non-root paths)
        self._default_versions: dict[str, str] = {}  # ARN -> default version id last seen
        self._lock = threading.Lock()

    def _account(self, ref: ResourceRef) -> tuple[str, str]:
        with self._lock:
            if self._identity is not None:
                return self._identity
        response = self.clients.call(ref, "sts", "get_caller_identity", region=self._region())
        partition = str(response["Arn"]).split(":")[1]
        identity = (partition, str(response["Account"]))
        with self._lock:
            self._identity = identity
        return identity

    def _region(self) -> str:
        # STS needs a region to pick its endpoint; IAM itself is global.
        return self.clients.default_region or "us-east-1"

    def _root_arn(self, ref: ResourceRef) -> str:
        partition, account_id = self._account(ref)
        return iam_arn(partition, account_id, "policy", "/", ref.name)

    def _get_policy(self, ref: ResourceRef, arn: str) -> dict[str, Any] | None:
        response = self.call(ref, "get_policy", region=self._region(), absent=_MISSING, PolicyArn=arn)
        if response is ABSENT:
            return None
        policy: dict[str, Any] = response["Policy"]
        with self._lock:
            self._arns[ref.name] = str(policy["Arn"])
            self._default_versions[str(policy["Arn"])] = str(policy["DefaultVersionId"])
        return policy

    def _find(self, ref: ResourceRef) -> dict[str, Any] | None:
        """The policy called ``ref.name`` wherever its path, or ``None``."""
        tried: list[str] = []
        for arn in (self._arns.get(ref.name), self._root_arn(ref)):
            if arn is None or arn in tried:
                continue
            tried.append(arn)
            policy = self._get_policy(ref, arn)
            if policy is not None:
                return policy
        arn = self._list_for(ref)
        if arn is None or arn in tried:
            with self._lock:
                self._arns.pop(ref.name, None)
            return None
        return self._get_policy(ref, arn)

    def _list_for(self, ref: ResourceRef) -> str | None:
        # Paginated by hand so that every page goes through the error-translating call wrapper.
        params: dict[str, Any] = {"Scope": "Local", "MaxItems": 1000}
        while True:
            page = self.call(ref, "list_policies", region=self._region(), **params)
            for policy in page.get("Policies", []):
                if policy.get("PolicyName") == ref.name:
                    return str(policy["Arn"])
            if not page.get("IsTruncated"):
                return None
            params["Marker"] = page["Marker"]

    def _require(self, ref: ResourceRef, aspect: str | None = None) -> dict[str, Any]:
        policy = self._find(ref)
        if policy is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect,
                                operation="GetPolicy", code="NoSuchEntity")
        return policy

    def _arn(self, ref: ResourceRef, aspect: str | None = None) -> str:
        with self._lock:
            arn = self._arns.get(ref.name)
        return arn if arn is not None else str(self._require(ref, aspect)["Arn"])

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """GetPolicy on the ARN (see the module docstring for when a listing is needed)."""
        policy = self._find(ref)
        if policy is None:
            return None
        return {
            "arn": str(policy["Arn"]),
            "path": str(policy.get("Path") or "/"),
            "description": policy.get("Description") or None,
            "tags": tag_dict(policy.get("Tags")),
        }

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """``document``: the default version's document; ``tags``: ListPolicyTags."""
        if aspect == "document":
            return self._document(ref)
        if aspect == "tags":
            return self._tags(ref, self._arn(ref, aspect))
        raise KeyError(f"iam_policy has no aspect {aspect!r}")

    def _document(self, ref: ResourceRef) -> Json:
        arn = self._arn(ref, "document")
        with self._lock:
            version = self._default_versions.get(arn)
        if version is not None:
            response = self.call(ref, "get_policy_version", aspect="document", region=self._region(),
                                 absent=_MISSING, PolicyArn=arn, VersionId=version)
            if response is not ABSENT and response["PolicyVersion"].get("IsDefaultVersion"):
                return parse_policy(response["PolicyVersion"]["Document"])
        policy = self._require(ref, "document")  # the default moved on (or the ARN is gone)
        response = self.call(ref, "get_policy_version", aspect="document", region=self._region(),
                             PolicyArn=str(policy["Arn"]), VersionId=str(policy["DefaultVersionId"]))
        return parse_policy(response["PolicyVersion"]["Document"])

    def _tags(self, ref: ResourceRef, arn: str) -> dict[str, Json]:
        tags: dict[str, Json] = {}
        params: dict[str, Any] = {"PolicyArn": arn}
        while True:
            page = self.call(ref, "list_policy_tags", aspect="tags", region=self._region(), **params)
            tags.update(tag_dict(page.get("Tags")))
            if not page.get("IsTruncated"):
                return tags
            params["Marker"] = page["Marker"]

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """CreatePolicy with the document, path, description and tags."""
        document = params.get("document")
        if not isinstance(document, dict | str):
            raise InvalidRequestError("a policy can only be created with a document", kind=ref.kind, name=ref.name,
                                      aspect="document", operation="CreatePolicy")
        kwargs: dict[str, Any] = {"PolicyName": ref.name, "PolicyDocument": policy_json(document)}
        if params.get("path"):
            kwargs["Path"] = params["path"]
        if params.get("description"):
            kwargs["Description"] = params["description"]
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = tag_list(tags)
        response = self.call(ref, "create_policy", region=self._region(), **kwargs)
        policy = response["Policy"]
        with self._lock:
            self._arns[ref.name] = str(policy["Arn"])
            self._default_versions[str(policy["Arn"])] = str(policy.get("DefaultVersionId") or "v1")
        return receipt(response)

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """``document``: a new default version; ``tags``: TagPolicy/UntagPolicy for the difference."""
        arn = self._arn(ref, aspect)
        if aspect == "document":
            if not isinstance(value, dict | str):
                raise InvalidRequestError("a managed policy always has a document", kind=ref.kind, name=ref.name,
                                          aspect=aspect)
            self._make_room(ref, arn)
            response = self.call(ref, "create_policy_version", aspect=aspect, region=self._region(),
                                 PolicyArn=arn, PolicyDocument=policy_json(value), SetAsDefault=True)
            with self._lock:
                self._default_versions[arn] = str(response["PolicyVersion"]["VersionId"])
            return receipt(response)
        if aspect == "tags":
            wanted = {k: str(v) for k, v in (value if isinstance(value, dict) else {}).items()}
            current = {k: str(v) for k, v in self._tags(ref, arn).items()}
            to_set, to_remove = tag_changes(current, wanted)
            result = Receipt()
            if to_remove:
                result = receipt(self.call(ref, "untag_policy", aspect=aspect, region=self._region(),
                                           PolicyArn=arn, TagKeys=to_remove))
            if to_set:
                result = receipt(self.call(ref, "tag_policy", aspect=aspect, region=self._region(),
                                           PolicyArn=arn, Tags=tag_list(dict(to_set))))
            return result
        raise KeyError(f"iam_policy has no aspect {aspect!r}")

    def _versions(self, ref: ResourceRef, arn: str, aspect: str | None) -> list[dict[str, Any]]:
        # At most five versions exist, so one page always holds them all.
        response = self.call(ref, "list_policy_versions", aspect=aspect, region=self._region(), PolicyArn=arn)
        return list(response.get("Versions", []))

    def _make_room(self, ref: ResourceRef, arn: str) -> None:
        versions = self._versions(ref, arn, "document")
        if len(versions) < MAX_POLICY_VERSIONS:
            return
        oldest = min((v for v in versions if not v.get("IsDefaultVersion")), key=lambda v: v["CreateDate"])
        self.call(ref, "delete_policy_version", aspect="document", region=self._region(), PolicyArn=arn,
                  VersionId=oldest["VersionId"])

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Refuse while attached (AWS's DeleteConflict); else delete non-default versions, then the policy."""
        policy = self._require(ref)
        arn = str(policy["Arn"])
        if int(policy.get("AttachmentCount") or 0) > 0:
            raise self._conflict(ref, arn)
        for version in self._versions(ref, arn, None):
            if not version.get("IsDefaultVersion"):
                self.call(ref, "delete_policy_version", region=self._region(), PolicyArn=arn,
                          VersionId=version["VersionId"])
        response = self.call(ref, "delete_policy", region=self._region(), PolicyArn=arn)
        with self._lock:
            self._arns.pop(ref.name, None)
            self._default_versions.pop(arn, None)
        return receipt(response)

    def _conflict(self, ref: ResourceRef, arn: str) -> InvalidRequestError:
        response = self.call(ref, "list_entities_for_policy", region=self._region(), PolicyArn=arn)
        users = [f"iam_role {r['RoleName']!r}" for r in response.get("PolicyRoles", [])]
        users += [f"IAM user {u['UserName']!r}" for u in response.get("PolicyUsers", [])]
        users += [f"IAM group {g['GroupName']!r}" for g in response.get("PolicyGroups", [])]
        return InvalidRequestError(
            f"still attached to {', '.join(users) or 'other entities'}", kind=ref.kind, name=ref.name,
            operation="DeletePolicy", code="DeleteConflict",
            hint=f"Detach it first (remove {arn} from managed_policy_arns of those roles and apply), then delete.",
        )
