"""The table of resource kinds: the one place a kind is registered.

Adding a kind: write ``awsstate/resources/<kind>``, its AWS handler in
``awsstate/providers/aws/<kind>.py`` (registered in that package's own table), then add its
spec and manager below. A guard test fails when a registered kind lacks any of these.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from awsstate.errors import UnknownKindError

if TYPE_CHECKING:
    from awsstate.manager import Manager
    from awsstate.spec import KindSpec

__all__ = ["kind_spec", "kinds", "manager_class"]


@cache
def _table() -> dict[str, tuple[KindSpec, type[Manager[Any, Any]]]]:
    # Imported here, not at module level: resources import the engine, which imports providers,
    # and providers look kinds up here; a lazy table keeps that cycle-free.
    from awsstate.resources.iam_policy import IAM_POLICY, IamPolicyManager
    from awsstate.resources.iam_role import IAM_ROLE, IamRoleManager
    from awsstate.resources.s3_bucket import S3_BUCKET, S3BucketManager
    from awsstate.resources.sns_topic import SNS_TOPIC, SnsTopicManager
    from awsstate.resources.sqs_queue import SQS_QUEUE, SqsQueueManager

    entries: list[tuple[KindSpec, type[Manager[Any, Any]]]] = [
        (S3_BUCKET, S3BucketManager),
        (SQS_QUEUE, SqsQueueManager),
        (SNS_TOPIC, SnsTopicManager),
        (IAM_POLICY, IamPolicyManager),
        (IAM_ROLE, IamRoleManager),
    ]
    return {spec.kind: (spec, manager) for spec, manager in entries}


def kinds() -> tuple[str, ...]:
    """The registered kind names, in registration order."""
    return tuple(_table())


def kind_spec(kind: str) -> KindSpec:
    """The declaration of ``kind``; :class:`~awsstate.errors.UnknownKindError` if none."""
    try:
        return _table()[kind][0]
    except KeyError:
        raise UnknownKindError(kind, kinds()) from None


def manager_class(kind: str) -> type[Manager[Any, Any]]:
    """The manager class of ``kind``."""
    try:
        return _table()[kind][1]
    except KeyError:
        raise UnknownKindError(kind, kinds()) from None
