"""Lost answers on the wire: botocore re-sends, and nothing is duplicated or misreported.

A ``before-send`` hook (tests/wire.py, ``lost_response``) lets moto process a request, then loses
its answer (a read timeout); botocore's standard retries send it again, and moto answers the
second sending. Writes that are not idempotent must still end as if sent once: a create answered
"already exists" reuses what the first sending made, a removal answered "no such entity" is done,
and a new policy version is made once. Without that, each case here fails (``AlreadyExistsError``,
``NotFoundError`` or an extra policy version).
"""

from __future__ import annotations

import types
from typing import Any

import boto3
import botocore.endpoint
import pytest

from awsstate import (
    IamPolicyDesired,
    IamPolicyManager,
    IamRoleDesired,
    IamRoleManager,
    SnsTopicDesired,
    SnsTopicManager,
    Subscription,
)
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.examples.iam_role import READ_LOGS, TRUST_LAMBDA, WRITE_LOGS
from tests.integration.conftest import SESSION
from tests.wire import PROVEN_KINDS, WireFaults

REGION = "eu-west-1"


class _Operations:
    """A ``before-send`` hook that only notes the API operations sent, per phase."""

    def __init__(self) -> None:
        self.phase = ""
        self.sent: list[tuple[str, str]] = []

    def __call__(self, event_name: str, **_: Any) -> None:
        self.sent.append((self.phase, event_name.rsplit(".", 1)[-1]))


_OPERATIONS: dict[tuple[str, str], str] = {}


def _operation(kind: str, step: str) -> str:
    """The API operation that creates (or deletes) a resource of ``kind``: the first one whose name says
    so, found by creating and deleting a probe resource once (on the test's moto)."""
    if (kind, step) not in _OPERATIONS:
        example = EXAMPLES[kind]
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-1")
        seen = _Operations()
        session.events.register_first("before-send", seen)  # before any client: clients copy the hooks
        manager = example.manager(provider=AwsProvider(session, region="us-east-1"), clock=FakeClock())
        name = example.name("probe")
        seen.phase = "create"
        manager.apply(example.minimal(name, REGION))
        seen.phase = "delete"
        manager.delete(name, REGION, force_destroy=True)
        for key, prefixes in (("create", ("Create", "Put")), ("delete", ("Delete", "ScheduleKeyDeletion"))):
            _OPERATIONS[(kind, key)] = next(op for phase, op in seen.sent if phase == key and op.startswith(prefixes))
    return _OPERATIONS[(kind, step)]


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda seconds: None))


def _lossy(*operations: str) -> tuple[AwsProvider, WireFaults]:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    faults = WireFaults("lost_response", operations=operations).register(session)
    return AwsProvider(session, region="us-east-1", max_attempts=3), faults


def test_the_hook_makes_botocore_send_a_request_twice(moto: None) -> None:
    provider, faults = _lossy("ListBuckets")
    provider.client("s3", REGION).list_buckets()
    assert faults.faulted == [("ListBuckets", "lost_response")] and faults.requests == 2


@pytest.mark.parametrize("kind", PROVEN_KINDS)
def test_a_create_whose_answer_was_lost_is_not_an_already_exists_error(moto: None, kind: str, token: str) -> None:
    example = EXAMPLES[kind]
    provider, faults = _lossy(_operation(kind, "create"))
    manager = example.manager(provider=provider, clock=FakeClock())
    desired = example.full(example.name(token), REGION)
    assert manager.apply(desired).changed
    assert faults.faulted, f"{_operation(kind, 'create')} was not sent"
    assert not manager.plan(desired).changed


@pytest.mark.parametrize("kind", PROVEN_KINDS)
def test_a_delete_whose_answer_was_lost_is_done(moto: None, kind: str, token: str) -> None:
    example = EXAMPLES[kind]
    name = example.name(token)
    operation = _operation(kind, "delete")
    example.manager(provider=AwsProvider(SESSION, region="us-east-1"), clock=FakeClock()).apply(
        example.minimal(name, REGION))
    provider, faults = _lossy(operation)
    manager = example.manager(provider=provider, clock=FakeClock())
    assert manager.delete(name, REGION, force_destroy=True).changed
    assert faults.faulted and manager.get(name, REGION) is None


def test_a_new_policy_version_whose_answer_was_lost_is_made_once(moto: None, boto_clients: Any) -> None:
    IamPolicyManager(provider=AwsProvider(SESSION, region="us-east-1")).apply(
        IamPolicyDesired(name="lossy", document=READ_LOGS))
    provider, faults = _lossy("CreatePolicyVersion")
    manager = IamPolicyManager(provider=provider)
    desired = IamPolicyDesired(name="lossy", document=WRITE_LOGS)
    manager.apply(desired)
    assert faults.faulted == [("CreatePolicyVersion", "lost_response")]
    versions = boto_clients("iam", None).list_policy_versions(PolicyArn="arn:aws:iam::123456789012:policy/lossy")
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions["Versions"]) == [
        ("v1", False), ("v3", True)], "the version the first sending made was deleted; one new version is left"
    assert not manager.plan(desired).changed


@pytest.mark.parametrize("operation", ["DeleteRolePolicy", "DetachRolePolicy", "PutRolePolicy", "AttachRolePolicy",
                                       "CreateInstanceProfile", "AddRoleToInstanceProfile"])
def test_role_writes_whose_answer_was_lost_end_as_if_sent_once(moto: None, operation: str) -> None:
    plain = AwsProvider(SESSION, region="us-east-1")
    IamPolicyManager(provider=plain).apply(IamPolicyDesired(name="attached", document=READ_LOGS))
    arn = "arn:aws:iam::123456789012:policy/attached"
    IamRoleManager(provider=plain).apply(IamRoleDesired(
        name="lossy-role", trust_policy=TRUST_LAMBDA, inline_policies={"a": READ_LOGS, "b": WRITE_LOGS},
        managed_policy_arns=[arn]))
    provider, faults = _lossy(operation)
    manager = IamRoleManager(provider=provider)
    adding = operation in ("PutRolePolicy", "AttachRolePolicy", "CreateInstanceProfile", "AddRoleToInstanceProfile")
    desired = IamRoleDesired(name="lossy-role", inline_policies={"a": READ_LOGS, "c": READ_LOGS} if adding else {},
                             managed_policy_arns=[arn] if operation != "DetachRolePolicy" else [],
                             instance_profile=True)
    if operation == "AttachRolePolicy":
        manager.apply(desired.model_copy(update={"managed_policy_arns": []}))
    manager.apply(desired)
    assert faults.faulted, f"{operation} was not sent"
    assert not manager.plan(desired).changed


@pytest.mark.parametrize("operation", ["Subscribe", "Unsubscribe"])
def test_subscription_writes_whose_answer_was_lost_end_as_if_sent_once(moto: None, operation: str) -> None:
    queue = f"arn:aws:sqs:{REGION}:123456789012:lossy"
    start = () if operation == "Subscribe" else (Subscription(protocol="sqs", endpoint=queue),)
    SnsTopicManager(provider=AwsProvider(SESSION, region="us-east-1")).apply(
        SnsTopicDesired(name="lossy", region=REGION, subscriptions=start))
    provider, faults = _lossy(operation)
    manager = SnsTopicManager(provider=provider)
    end = (Subscription(protocol="sqs", endpoint=queue),) if operation == "Subscribe" else ()
    desired = SnsTopicDesired(name="lossy", region=REGION, subscriptions=end)
    manager.apply(desired)
    assert faults.faulted and not manager.plan(desired).changed
    assert len(manager.get("lossy", REGION).subscriptions) == len(end)
