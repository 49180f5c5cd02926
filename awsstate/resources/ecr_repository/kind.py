"""The ECR repository kind: its aspects, their semantics, and its manager.

Call budget. DescribeRepositories carries the tag mutability and its exclusion filters, scan on
push and the encryption, so those cost no read of their own; the lifecycle policy
(GetLifecyclePolicy), the repository policy (GetRepositoryPolicy) and tags
(ListTagsForResource) are read only when managed. A create is one CreateRepository with the
mutability, filters, scanning, encryption and tags.

Encryption (type and key) is fixed at creation: a change is planned as a replace, which deletes the
repository (its images too with ``force_destroy``, else the replace is refused while it holds
images: ``Contents``) and creates it again.

Write order: the exclusion filters before the mutability, so that a ``*_WITH_EXCLUSION`` mutability
finds its filters in place (PutImageTagMutability replaces both; each write keeps the other half).

Canonical aspect values: ``image_tag_mutability`` one of ECR's four values;
``image_tag_mutability_exclusion_filters`` the sorted filter strings (``[]``: none);
``scan_on_push`` a bool; ``lifecycle_policy`` / ``policy`` the documents or ``None``; ``tags``
``{"key": "value"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.ecr_repository.lifecycle import lifecycle_normal
from awsstate.resources.ecr_repository.models import EcrRepositoryDesired, ImageTagMutability
from awsstate.resources.identifiers import arn_partition
from awsstate.spec import Aspect, Attribute, Contents, CreateOnly, Fake, KindSpec

__all__ = ["ECR_REPOSITORY", "EcrRepositoryManager", "EcrRepositoryObserved", "RepositoryImages", "repository_url"]


def repository_url(region: str | None, account_id: str, name: str) -> str:
    """The URL ``docker push`` uses: ``<account>.dkr.ecr.<region>.<dns suffix>/<name>``."""
    from awsstate.providers.aws.partitions import partition_of  # botocore's data file, not boto3

    return f"{account_id}.dkr.ecr.{region}.{partition_of(region).dns_suffix}/{name}"


class RepositoryImages:
    """In-memory fake: the images of one repository, by digest, with their tags."""

    def __init__(self, aspects: Mapping[str, Json]) -> None:
        self.images: dict[str, list[str]] = {}

    def __repr__(self) -> str:
        return f"RepositoryImages(images={len(self.images)})"

    def put_image(self, tag: str | None = None, digest: str | None = None) -> str:
        """Push an image (tagged ``tag`` unless ``None``); returns its digest."""
        found = digest or f"sha256:{len(self.images) + 1:064x}"
        tags = self.images.setdefault(found, [])
        if tag is not None:
            for others in self.images.values():  # a tag names one image (a mutable tag moves)
                if tag in others:
                    others.remove(tag)
            tags.append(tag)
        return found

    def summary(self) -> str | None:
        """``None`` when empty, else how many images it holds."""
        return f"{len(self.images)} image(s)" if self.images else None

    def clear(self) -> None:
        """Delete every image (``force_destroy``)."""
        self.images.clear()


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    return {"region": region, "registry_id": account_id,
            "arn": f"arn:{arn_partition(region)}:ecr:{region}:{account_id}:repository/{name}",
            "repository_url": repository_url(region, account_id, name),
            "encryption_type": "AES256", "kms_key": None}


def _filters_value(value: list[str]) -> Json:
    filters: list[Json] = [str(v) for v in sorted(set(value))]
    return filters


def _filters_normal(value: Json) -> object:
    return sorted(str(v) for v in value) if isinstance(value, list) else []


def _document_value(value: dict[str, Any]) -> Json:
    return dict(value) if value else None


def _policy_normal(value: Json) -> object:
    return canonical_policy(value) if isinstance(value, dict | str) and value else None


ECR_REPOSITORY = KindSpec(
    kind="ecr_repository",
    describe="ECR repository",
    desired_model=EcrRepositoryDesired,
    scope="region",
    regional=True,
    attributes=(
        Attribute("region", "Where the repository lives."),
        Attribute("arn", "The repository's ARN."),
        Attribute("registry_id", "The registry (account) the repository is in."),
        Attribute("repository_url", "The URL images are pushed to and pulled from (<account>.dkr.ecr.<region>...)."),
        Attribute("encryption_type", "How images are encrypted at rest."),
        Attribute("kms_key", "The KMS key that encrypts the images (with KMS encryption)."),
    ),
    derive=_derive,
    create_only=(
        CreateOnly(field="encryption_type", doc="How images are encrypted (CreateRepository only)."),
        CreateOnly(field="kms_key", doc="The KMS key that encrypts images (CreateRepository only)."),
    ),
    contents=Contents(describe="every image in it", fake=RepositoryImages),
    fake=Fake(defaults={"image_tag_mutability": "MUTABLE", "image_tag_mutability_exclusion_filters": [],
                        "scan_on_push": False, "lifecycle_policy": None, "policy": None, "tags": {}}),
    aspects=(
        # The filters first: with them in place, a *_WITH_EXCLUSION mutability can be written.
        carried("image_tag_mutability_exclusion_filters", "Tags exempt from the tag mutability setting.",
                list[str], to_value=_filters_value, normalize=_filters_normal),
        carried("image_tag_mutability", "Whether tags can be overwritten.", ImageTagMutability),
        carried("scan_on_push", "Scan images on push.", bool, normalize=bool),
        Aspect(name="lifecycle_policy", doc="Lifecycle policy (semantic comparison).", type=dict[str, Any],
               to_value=_document_value, to_field=lambda value: value or {}, normalize=lifecycle_normal,
               new_value=None),
        Aspect(name="policy", doc="Repository policy (semantic comparison).", type=dict[str, Any],
               to_value=_document_value, to_field=lambda value: value or {}, normalize=_policy_normal,
               new_value=None),
        tags_aspect(in_create=True),
    ),
)


class EcrRepositoryManager(Manager[EcrRepositoryDesired]):
    """Plans and applies :class:`EcrRepositoryDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = EcrRepositoryManager(provider=InMemoryProvider())
    >>> manager.apply(EcrRepositoryDesired(name="doc/app", image_tag_mutability="IMMUTABLE")).changed
    True
    >>> manager.plan(EcrRepositoryDesired(name="doc/app", image_tag_mutability="IMMUTABLE")).changed
    False
    """

    spec = ECR_REPOSITORY


EcrRepositoryObserved = ECR_REPOSITORY.observed_model
"""An ECR repository as read (generated from :data:`ECR_REPOSITORY`)."""
