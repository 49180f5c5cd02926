"""ECR repositories on AWS.

Requests per provider call:

* ``read_existence``: one DescribeRepositories (by name), which carries the tag mutability and its
  exclusion filters, scan on push and the encryption;
* ``read_aspect``: lifecycle policy: GetLifecyclePolicy; repository policy: GetRepositoryPolicy;
  tags: ListTagsForResource;
* ``create``: one CreateRepository with the mutability, exclusion filters, scanning, encryption and
  tags;
* ``write_aspect``: tag mutability and its filters: DescribeRepositories (the other half of the
  setting, which PutImageTagMutability replaces as a whole) then PutImageTagMutability; scan on
  push: PutImageScanningConfiguration; lifecycle policy: Put or DeleteLifecyclePolicy; repository
  policy: Set or DeleteRepositoryPolicy; tags: ListTagsForResource then UntagResource and/or
  TagResource;
* ``delete``: one DeleteRepository (``force``: with its images); a repository that holds images is
  refused without it, with an error naming ``force_destroy``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import AlreadyExistsError, InvalidRequestError, NotFoundError, ProviderError
from awsstate.policies import parse_policy, policy_json
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "EcrRepositoryHandler"]

_GONE = {"RepositoryNotFoundException"}
_NO_LIFECYCLE = {"LifecyclePolicyNotFoundException"}
_NO_POLICY = {"RepositoryPolicyNotFoundException"}
_EXCLUSION = "_WITH_EXCLUSION"


def _base(mutability: str) -> str:
    return mutability.removesuffix(_EXCLUSION)


def _filters(repository: Mapping[str, Any]) -> list[str]:
    return sorted(str(f["filter"]) for f in repository.get("imageTagMutabilityExclusionFilters") or [])


def _mutability_arguments(mutability: str, filters: list[str]) -> dict[str, Any]:
    """PutImageTagMutability/CreateRepository arguments: ``*_WITH_EXCLUSION`` exactly when there are filters."""
    arguments: dict[str, Any] = {"imageTagMutability": _base(mutability) + (_EXCLUSION if filters else "")}
    if filters:
        arguments["imageTagMutabilityExclusionFilters"] = [{"filterType": "WILDCARD", "filter": f} for f in filters]
    return arguments


def _put_mutability(h: EcrRepositoryHandler, ref: ResourceRef, mutability: str | None,
                    filters: list[str] | None) -> Any:
    """Write one half of the mutability setting (PutImageTagMutability replaces both), keeping the
    other half as the repository has it: new filters keep the mutability's base (``IMMUTABLE``), a
    ``*_WITH_EXCLUSION`` mutability keeps the filters, and a plain one has none."""
    current = h.repository(ref)
    if mutability is None:
        mutability = str(current.get("imageTagMutability") or "MUTABLE")
    elif not mutability.endswith(_EXCLUSION):
        filters = []
    chosen = _filters(current) if filters is None else filters
    return h.call(ref, "put_image_tag_mutability", repositoryName=ref.name, **_mutability_arguments(mutability, chosen))


def _read_lifecycle(h: EcrRepositoryHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_lifecycle_policy", absent=_NO_LIFECYCLE | _GONE, repositoryName=ref.name)
    if response is ABSENT:
        h.require(ref, "GetLifecyclePolicy")
        return None
    document = json.loads(response["lifecyclePolicyText"]) if response.get("lifecyclePolicyText") else None
    return document if isinstance(document, dict) and document else None


def _write_lifecycle(h: EcrRepositoryHandler, ref: ResourceRef, value: Json) -> Any:
    if isinstance(value, dict) and value:
        return h.call(ref, "put_lifecycle_policy", repositoryName=ref.name,
                      lifecyclePolicyText=json.dumps(value, separators=(", ", ": ")))
    response = h.call(ref, "delete_lifecycle_policy", absent=_NO_LIFECYCLE, repositoryName=ref.name)
    return None if response is ABSENT else response


def _read_policy(h: EcrRepositoryHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_repository_policy", absent=_NO_POLICY | _GONE, repositoryName=ref.name)
    if response is ABSENT:
        h.require(ref, "GetRepositoryPolicy")
        return None
    return parse_policy(response["policyText"]) if response.get("policyText") else None


def _write_policy(h: EcrRepositoryHandler, ref: ResourceRef, value: Json) -> Any:
    if isinstance(value, dict) and value:
        return h.call(ref, "set_repository_policy", repositoryName=ref.name, policyText=policy_json(value))
    response = h.call(ref, "delete_repository_policy", absent=_NO_POLICY, repositoryName=ref.name)
    return None if response is ABSENT else response


class EcrRepositoryHandler(AwsHandler):
    """The boto3 side of ``ecr_repository``."""

    service = "ecr"
    TAGGED_TYPE = "ecr:repository"

    def name_of(self, arn: str) -> str:
        """The repository name in its ARN (``...:repository/<name>``, which may hold ``/``)."""
        return arn.split(":repository/", 1)[-1]

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        "image_tag_mutability_exclusion_filters": AspectIO(write=lambda h, ref, value: _put_mutability(
            h, ref, None, [str(v) for v in value] if isinstance(value, list) else [])),
        "image_tag_mutability": AspectIO(write=lambda h, ref, value: _put_mutability(h, ref, str(value), None)),
        "scan_on_push": AspectIO(write=lambda h, ref, value: h.call(
            ref, "put_image_scanning_configuration", repositoryName=ref.name,
            imageScanningConfiguration={"scanOnPush": bool(value)})),
        "lifecycle_policy": AspectIO(read=_read_lifecycle, write=_write_lifecycle),
        "policy": AspectIO(read=_read_policy, write=_write_policy),
        "tags": TagApi(list="list_tags_for_resource", tag="tag_resource", untag="untag_resource",
                       list_key="tags", tag_param="tags", untag_param="tagKeys",
                       target=lambda h, ref: {"resourceArn": h.arn(ref)}).aspect(),
    }

    def call(self, ref: ResourceRef, method: str, **params: Any) -> Any:
        """One ECR request; ``RepositoryNotFoundException`` is a :class:`~awsstate.errors.NotFoundError`."""
        try:
            return super().call(ref, method, **params)
        except ProviderError as error:
            if error.code not in _GONE or isinstance(error, NotFoundError):
                raise
            raise NotFoundError(error.message, kind=ref.kind, name=ref.name, aspect=error.aspect,
                                operation=error.operation, code=error.code, request_id=error.request_id) from error

    def arn(self, ref: ResourceRef) -> str:
        """The repository's ARN (from the name, the caller's account and the region)."""
        partition, account = self.clients.account(ref)
        return f"arn:{partition}:ecr:{ref.region}:{account}:repository/{ref.name}"

    def _describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        response = self.call(ref, "describe_repositories", absent=_GONE, repositoryNames=[ref.name])
        if response is ABSENT:
            return None
        found = [r for r in response.get("repositories", []) if r.get("repositoryName") == ref.name]
        return dict(found[0]) if found else None

    def repository(self, ref: ResourceRef) -> dict[str, Any]:
        """The repository as DescribeRepositories has it; NotFoundError when there is none."""
        found = self._describe(ref)
        if found is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation="DescribeRepositories",
                                code="RepositoryNotFoundException")
        return found

    def require(self, ref: ResourceRef, operation: str) -> None:
        """After an answer that may mean "no such repository": raise NotFoundError if it does not exist."""
        if self._describe(ref) is None:
            raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation=operation,
                                code="RepositoryNotFoundException")

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeRepositories: attributes plus the mutability, its filters and scan on push."""
        repository = self._describe(ref)
        if repository is None:
            return None
        encryption = repository.get("encryptionConfiguration") or {}
        registry = str(repository.get("registryId") or "")
        return {
            "region": ref.region, "arn": repository.get("repositoryArn"), "registry_id": registry,
            "repository_url": repository.get("repositoryUri"),
            "encryption_type": encryption.get("encryptionType") or "AES256",
            "kms_key": encryption.get("kmsKey") or None,
            "image_tag_mutability": repository.get("imageTagMutability") or "MUTABLE",
            "image_tag_mutability_exclusion_filters": list[Json](_filters(repository)),
            "scan_on_push": bool((repository.get("imageScanningConfiguration") or {}).get("scanOnPush")),
        }

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One CreateRepository with the mutability, filters, scanning, encryption and tags."""
        kwargs: dict[str, Any] = {"repositoryName": ref.name}
        filters = params.get("image_tag_mutability_exclusion_filters")
        mutability = params.get("image_tag_mutability")
        if mutability is not None or filters:
            kwargs.update(_mutability_arguments(str(mutability or "MUTABLE"),
                                                [str(f) for f in filters] if isinstance(filters, list) else []))
        if params.get("scan_on_push") is not None:
            kwargs["imageScanningConfiguration"] = {"scanOnPush": bool(params["scan_on_push"])}
        if params.get("encryption_type"):
            encryption: dict[str, Any] = {"encryptionType": params["encryption_type"]}
            if params.get("kms_key"):
                encryption["kmsKey"] = params["kms_key"]
            kwargs["encryptionConfiguration"] = encryption
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["tags"] = tag_list(tags)
        try:
            return receipt(self.call(ref, "create_repository", **kwargs))
        except ProviderError as error:
            if error.code != "RepositoryAlreadyExistsException":
                raise
            raise AlreadyExistsError(error.message, kind=ref.kind, name=ref.name, operation=error.operation,
                                     code=error.code, request_id=error.request_id) from error

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteRepository (with ``force``, its images too); refused while it holds images."""
        try:
            response = self.call(ref, "delete_repository", absent=_GONE, repositoryName=ref.name, force=force)
        except ProviderError as error:
            if error.code != "RepositoryNotEmptyException":
                raise
            raise InvalidRequestError(
                "the repository holds images", kind=ref.kind, name=ref.name, operation=error.operation,
                code=error.code, request_id=error.request_id,
                hint="Delete its images first, or set force_destroy=True to delete every image with it.") from error
        return Receipt() if response is ABSENT else receipt(response)


HANDLER = EcrRepositoryHandler
