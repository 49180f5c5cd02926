"""IAM customer managed policies on AWS.

IAM is global: calls go to the IAM endpoint of the provider's partition. A policy is addressed by
its ARN, which this handler builds from the account id (the provider's one cached STS
GetCallerIdentity) and the path.

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
  version when five exist (AWS's limit), then CreatePolicyVersion with SetAsDefault: 2 or 3. Safe to
  repeat (see ``_write_document``): nothing is made when the default version already holds it.
* ``write_aspect("tags")``: ListPolicyTags, then TagPolicy and/or UntagPolicy: 2 or 3.
* ``delete``: GetPolicy (refuses an attached policy: AWS's DeleteConflict, which moto does not
  raise), ListPolicyVersions, one DeletePolicyVersion per non-default version (AWS requires it),
  DeletePolicy.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import InvalidRequestError, NotFoundError
from awsstate.policies import canonical_policy, parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, Clients, receipt
from awsstate.providers.aws.iam import MISSING, IamHandler
from awsstate.providers.aws.tags import TagApi, tag_dict, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.resources.iam_naming import iam_arn
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "MAX_POLICY_VERSIONS", "IamPolicyHandler"]

MAX_POLICY_VERSIONS = 5
"""AWS keeps at most five versions of a managed policy."""


def _read_document(h: IamPolicyHandler, ref: ResourceRef) -> Json:
    arn = h.arn(ref)
    version = h.default_version(arn)
    if version is not None:
        response = h.call(ref, "get_policy_version", absent=MISSING, PolicyArn=arn, VersionId=version)
        if response is not ABSENT and response["PolicyVersion"].get("IsDefaultVersion"):
            return h.noted(arn, version, parse_policy(response["PolicyVersion"]["Document"]))
    policy = h.require(ref)  # the default moved on (or the ARN is gone)
    version = str(policy["DefaultVersionId"])
    response = h.call(ref, "get_policy_version", PolicyArn=str(policy["Arn"]), VersionId=version)
    return h.noted(str(policy["Arn"]), version, parse_policy(response["PolicyVersion"]["Document"]))


def _write_document(h: IamPolicyHandler, ref: ResourceRef, value: Json) -> Any:
    """A new default version, made safe to repeat: CreatePolicyVersion is not idempotent.

    * Sent again as a whole (the answer to an earlier write was lost): the default version already
      holds this document (known from an earlier read or write of this handler), so nothing is made.
    * Re-sent by botocore after a lost answer (``RetryAttempts`` > 0): the first attempt may have
      made a version too; every version that appeared besides the new default is deleted.
    """
    if not isinstance(value, dict | str):
        raise InvalidRequestError("a managed policy always has a document", kind=ref.kind, name=ref.name,
                                  aspect="document")
    arn = h.arn(ref)
    versions = h.versions(ref, arn)
    default = next((str(v["VersionId"]) for v in versions if v.get("IsDefaultVersion")), None)
    if default is not None and h.holds(arn, default, value):
        h.remember(ref.name, arn, default)
        return Receipt()
    h.make_room(ref, arn, versions)
    response = h.call(ref, "create_policy_version", PolicyArn=arn, PolicyDocument=policy_json(value),
                      SetAsDefault=True)
    new = str(response["PolicyVersion"]["VersionId"])
    h.remember(ref.name, arn, new)
    h.noted(arn, new, parse_policy(value))
    if response.get("ResponseMetadata", {}).get("RetryAttempts"):
        before = {str(v["VersionId"]) for v in versions}
        for version in h.versions(ref, arn):
            extra = str(version["VersionId"])
            if extra not in before and extra != new and not version.get("IsDefaultVersion"):
                h.call(ref, "delete_policy_version", absent=MISSING, PolicyArn=arn, VersionId=extra)
    return response


class IamPolicyHandler(IamHandler):
    """The boto3 side of ``iam_policy``."""

    LISTING = ("list_policies", "Policies", "PolicyName", "list_policy_tags", {"Scope": "Local"})

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "document": AspectIO(read=_read_document, write=_write_document),
        "tags": TagApi(list="list_policy_tags", tag="tag_policy", untag="untag_policy", paginated=True,
                       target=lambda h, ref: {"PolicyArn": h.arn(ref)}).aspect(carried=True),
    }

    def __init__(self, clients: Clients) -> None:
        super().__init__(clients)
        self._arns: dict[str, str] = {}  # name -> ARN last seen (remembers non-root paths)
        self._default_versions: dict[str, str] = {}  # ARN -> default version id last seen
        self._documents: dict[tuple[str, str], Json] = {}  # (ARN, version id) -> its document, as seen
        self._lock = threading.Lock()

    def noted(self, arn: str, version: str, document: Json) -> Json:
        """Note the document of a version (versions never change), and return it."""
        with self._lock:
            self._documents[(arn, version)] = document
        return document

    def holds(self, arn: str, version: str, document: Json) -> bool:
        """Whether ``version`` is known to hold ``document`` (by meaning)."""
        with self._lock:
            known = self._documents.get((arn, version))
        return isinstance(known, dict) and isinstance(document, dict | str) and \
            canonical_policy(known) == canonical_policy(document)

    def remember(self, name: str, arn: str, default_version: str) -> None:
        """Note a policy's ARN and default version, as last seen."""
        with self._lock:
            self._arns[name] = arn
            self._default_versions[arn] = default_version

    def default_version(self, arn: str) -> str | None:
        """The default version id last seen for ``arn``."""
        with self._lock:
            return self._default_versions.get(arn)

    def _root_arn(self, ref: ResourceRef) -> str:
        partition, account_id = self.clients.account(ref)
        return iam_arn(partition, account_id, "policy", "/", ref.name)

    def _get_policy(self, ref: ResourceRef, arn: str) -> dict[str, Any] | None:
        response = self.call(ref, "get_policy", absent=MISSING, PolicyArn=arn)
        if response is ABSENT:
            return None
        policy: dict[str, Any] = response["Policy"]
        self.remember(ref.name, str(policy["Arn"]), str(policy["DefaultVersionId"]))
        return policy

    def _find(self, ref: ResourceRef) -> dict[str, Any] | None:
        """The policy called ``ref.name`` wherever its path, or ``None``."""
        tried: list[str] = []
        with self._lock:
            known = self._arns.get(ref.name)
        for arn in (known, self._root_arn(ref)):
            if arn is None or arn in tried:
                continue
            tried.append(arn)
            policy = self._get_policy(ref, arn)
            if policy is not None:
                return policy
        listed = self._listed(ref)
        if listed is None or listed in tried:
            with self._lock:
                self._arns.pop(ref.name, None)
            return None
        return self._get_policy(ref, listed)

    def _listed(self, ref: ResourceRef) -> str | None:
        # A policy at another path is found by name only by listing; stop at the page that has it.
        for page in self.pages(ref, "list_policies", Scope="Local", PaginationConfig={"PageSize": 1000}):
            for policy in page.get("Policies", []):
                if policy.get("PolicyName") == ref.name:
                    return str(policy["Arn"])
        return None

    def require(self, ref: ResourceRef) -> dict[str, Any]:
        """The policy, or :class:`~awsstate.errors.NotFoundError`."""
        policy = self._find(ref)
        if policy is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation="GetPolicy",
                                code="NoSuchEntity")
        return policy

    def arn(self, ref: ResourceRef) -> str:
        """The policy's ARN (remembered, else found)."""
        with self._lock:
            arn = self._arns.get(ref.name)
        return arn if arn is not None else str(self.require(ref)["Arn"])

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
        response = self.call(ref, "create_policy", **kwargs)
        policy = response["Policy"]
        version = str(policy.get("DefaultVersionId") or "v1")
        self.remember(ref.name, str(policy["Arn"]), version)
        self.noted(str(policy["Arn"]), version, parse_policy(document))
        return receipt(response)

    def versions(self, ref: ResourceRef, arn: str) -> list[dict[str, Any]]:
        """Every version of the policy (at most five, so one page holds them all)."""
        return self.items(ref, "list_policy_versions", "Versions", PolicyArn=arn)

    def make_room(self, ref: ResourceRef, arn: str, versions: list[dict[str, Any]]) -> None:
        """Delete the oldest non-default version when the policy has five (AWS's limit)."""
        if len(versions) < MAX_POLICY_VERSIONS:
            return
        oldest = min((v for v in versions if not v.get("IsDefaultVersion")), key=lambda v: v["CreateDate"])
        # absent: a deletion re-sent after a lost answer finds the version gone already.
        self.call(ref, "delete_policy_version", absent=MISSING, PolicyArn=arn, VersionId=oldest["VersionId"])

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Refuse while attached (AWS's DeleteConflict); else delete non-default versions, then the policy."""
        policy = self.require(ref)
        arn = str(policy["Arn"])
        if int(policy.get("AttachmentCount") or 0) > 0:
            raise self._conflict(ref, arn)
        for version in self.versions(ref, arn):
            if not version.get("IsDefaultVersion"):
                self.call(ref, "delete_policy_version", PolicyArn=arn, VersionId=version["VersionId"])
        response = self.call(ref, "delete_policy", PolicyArn=arn)
        with self._lock:
            self._arns.pop(ref.name, None)
            self._default_versions.pop(arn, None)
        return receipt(response)

    def _conflict(self, ref: ResourceRef, arn: str) -> InvalidRequestError:
        response = self.call(ref, "list_entities_for_policy", PolicyArn=arn)
        users = [f"iam_role {r['RoleName']!r}" for r in response.get("PolicyRoles", [])]
        users += [f"IAM user {u['UserName']!r}" for u in response.get("PolicyUsers", [])]
        users += [f"IAM group {g['GroupName']!r}" for g in response.get("PolicyGroups", [])]
        return InvalidRequestError(
            f"still attached to {', '.join(users) or 'other entities'}", kind=ref.kind, name=ref.name,
            operation="DeletePolicy", code="DeleteConflict",
            hint=f"Detach it first (remove {arn} from managed_policy_arns of those roles and apply), then delete.",
        )


HANDLER = IamPolicyHandler
