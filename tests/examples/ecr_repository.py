"""Shared examples for ecr_repository.

``full`` sets every aspect: immutable tags with two exclusion filters, scan on push, AES256
encryption (a KMS key would have to exist first), a two-rule lifecycle policy, a repository policy
letting the account pull, and tags. The account is moto's (123456789012) unless the real-AWS
acceptance target sets the caller's own.
"""

from __future__ import annotations

import os
from typing import Any

from awsstate import EcrRepositoryDesired, EcrRepositoryManager
from tests.examples import BotoClients, KindExamples


def _account() -> str:
    return os.environ.get("AWSSTATE_TEST_ACCOUNT_ID", "123456789012")


def pull_policy(*actions: str) -> dict[str, Any]:
    """A repository policy letting the account pull (and ``actions``)."""
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "AccountPulls", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{_account()}:root"},
                           "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", *actions]}]}


def lifecycle(keep: int) -> dict[str, Any]:
    """Expire untagged images after a day, and keep the last ``keep`` release images."""
    return {"rules": [
        {"rulePriority": 1, "description": "drop untagged images",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                       "countNumber": 1},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": "keep the last releases",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan",
                       "countNumber": keep},
         "action": {"type": "expire"}},
    ]}


def _name(token: str) -> str:
    return f"awsstate-test/{token}"


def _minimal(name: str, region: str) -> EcrRepositoryDesired:
    return EcrRepositoryDesired(name=name, region=region)


def _full(name: str, region: str) -> EcrRepositoryDesired:
    return EcrRepositoryDesired(
        name=name,
        region=region,
        image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=["latest", "dev-*"],
        scan_on_push=True,
        encryption_type="AES256",
        lifecycle_policy=lifecycle(10),
        policy=pull_policy(),
        tags={"awsstate:test": "full", "env": "dev"},
        force_destroy=True,
    )


def _update(name: str, region: str) -> EcrRepositoryDesired:
    return _full(name, region).model_copy(update={
        "scan_on_push": False,
        "lifecycle_policy": lifecycle(20),
        "tags": {"awsstate:test": "full", "env": "prod"},
    })


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    ecr = clients("ecr", region)
    filters = [{"filterType": "WILDCARD", "filter": f} for f in ("latest", "dev-*")]
    ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="MUTABLE_WITH_EXCLUSION",
                                 imageTagMutabilityExclusionFilters=filters)
    ecr.put_image_scanning_configuration(repositoryName=name, imageScanningConfiguration={"scanOnPush": False})
    ecr.delete_lifecycle_policy(repositoryName=name)
    arn = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]["repositoryArn"]
    ecr.untag_resource(resourceArn=arn, tagKeys=["awsstate:test"])
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "env", "Value": "hacked"}])


ECR_REPOSITORY_EXAMPLES = KindExamples(
    kind="ecr_repository",
    manager=EcrRepositoryManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"scan_on_push", "lifecycle_policy", "tags"}),
    drift={
        "image_tag_mutability": "MUTABLE_WITH_EXCLUSION",
        "scan_on_push": False,
        "lifecycle_policy": None,
        "tags": {"env": "hacked"},
    },
    drift_boto3=_drift_boto3,
    max_name_length=256,
    name_chars="./_-",
)
