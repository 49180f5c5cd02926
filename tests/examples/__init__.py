"""Shared examples: one entry per registered resource kind.

Every suite that runs "for every kind" (contract, acceptance, call budgets, fault injection,
fuzzing, benchmarks) iterates :data:`EXAMPLES`. A guard test fails when a registered kind has no
entry here, so a new kind is enrolled in all of them by adding one module and one line below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.spec import DesiredModel

BotoClients = Callable[[str, str | None], Any]
"""``(service, region) -> plain boto3 client`` aimed at the backend under test."""


@dataclass(frozen=True)
class KindExamples:
    """Desired states and out-of-band changes for one kind.

    Attributes:
        kind: the registered kind name.
        manager: the kind's manager class.
        name: ``token -> valid unique resource name`` (tokens are short lowercase strings).
        minimal / full / update: ``(name, region) -> desired``. ``full`` sets every aspect;
            ``update`` differs from ``full`` in at least one aspect (listed in ``update_aspects``).
        update_aspects: the aspects a plan from ``full`` to ``update`` changes.
        drift: aspect -> canonical value, applied out-of-band to a resource converged to ``full``
            (with ``World.set_aspect`` on the in-memory provider).
        drift_boto3: makes the same drift with plain boto3 calls (for AWS, moto and moto server).
        xfail_moto: contract/acceptance case name -> reason, for a known moto deviation
            (the case is then a strict expected failure on moto backends, never a skip).
        full_excludes: aspect -> why ``full`` leaves it unset. ``full`` must manage every other
            aspect of the kind (a guard test checks it), so budgets and fault sweeps cover them all.
        max_name_length / name_chars: the longest name AWS accepts, and characters that are valid
            in this kind's names though not in most (for the fuzzer's invalid names).
    """

    kind: str
    manager: type[Manager[Any]]
    name: Callable[[str], str]
    minimal: Callable[[str, str], DesiredModel]
    full: Callable[[str, str], DesiredModel]
    update: Callable[[str, str], DesiredModel]
    update_aspects: frozenset[str]
    drift: Mapping[str, Json]
    drift_boto3: Callable[[BotoClients, str, str], None]
    xfail_moto: Mapping[str, str] = field(default_factory=dict)
    full_excludes: Mapping[str, str] = field(default_factory=dict)
    max_name_length: int = 256
    name_chars: str = ""


def _table() -> dict[str, KindExamples]:
    from tests.examples.dynamodb_table import DYNAMODB_TABLE_EXAMPLES
    from tests.examples.ecr_repository import ECR_REPOSITORY_EXAMPLES
    from tests.examples.iam_policy import IAM_POLICY_EXAMPLES
    from tests.examples.iam_role import IAM_ROLE_EXAMPLES
    from tests.examples.kms_key import KMS_KEY_EXAMPLES
    from tests.examples.logs_log_group import LOGS_LOG_GROUP_EXAMPLES
    from tests.examples.s3_bucket import S3_BUCKET_EXAMPLES
    from tests.examples.secretsmanager_secret import SECRETSMANAGER_SECRET_EXAMPLES
    from tests.examples.sns_topic import SNS_TOPIC_EXAMPLES
    from tests.examples.sqs_queue import SQS_QUEUE_EXAMPLES
    from tests.examples.ssm_parameter import SSM_PARAMETER_EXAMPLES

    entries = [S3_BUCKET_EXAMPLES, IAM_POLICY_EXAMPLES, IAM_ROLE_EXAMPLES, SQS_QUEUE_EXAMPLES, SNS_TOPIC_EXAMPLES,
               LOGS_LOG_GROUP_EXAMPLES]
    entries.append(SSM_PARAMETER_EXAMPLES)
    entries.append(SECRETSMANAGER_SECRET_EXAMPLES)
    entries.append(KMS_KEY_EXAMPLES)
    entries.append(ECR_REPOSITORY_EXAMPLES)
    entries.append(DYNAMODB_TABLE_EXAMPLES)
    return {e.kind: e for e in entries}


EXAMPLES: dict[str, KindExamples] = _table()
