"""A KMS key whose policy is left unset: KMS's default key policy on create, and never read nor written.

KMS gives every key created without a policy its default key policy, one statement that lets the
account's root principal do everything (``kms:*``) with the key. The in-memory provider must do the
same (tests/integration/test_kms_key_default_policy_aws.py shows it on moto).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from awsstate import InMemoryProvider, KmsKeyDesired, KmsKeyManager, RecordingProvider
from awsstate.canonical import Json
from awsstate.plan import CreateAction
from awsstate.providers.aws.partitions import partition_of
from awsstate.providers.base import ProviderCall, WrappingProvider
from awsstate.resources.kms_key.kind import KMS_KEY
from awsstate.testing import FakeClock
from tests.examples.kms_key import everything, key_policy, logs_statement

T = TypeVar("T")
NAME = "orders"
REGION = "eu-west-1"


def _manager(provider: Any) -> KmsKeyManager:
    return KmsKeyManager(provider=provider, clock=FakeClock())


def default_key_policy(partition: str, account: str) -> dict[str, Json]:
    """KMS's default key policy, as GetKeyPolicy returns it for a key created without one."""
    return {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}


def grants_root_everything(policy: Json, partition: str, account: str) -> bool:
    """Whether ``policy`` is the default policy's meaning: one Allow of kms:* on * to the account root."""
    if not isinstance(policy, dict):
        return False
    statements = policy.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    if len(statements) != 1 or not isinstance(statements[0], dict):
        return False
    statement = statements[0]
    principal = statement.get("Principal")
    root = principal.get("AWS") if isinstance(principal, dict) else None

    def one(value: Json) -> Json:
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    return (statement.get("Effect") == "Allow" and one(root) == f"arn:{partition}:iam::{account}:root"
            and one(statement.get("Action")) == "kms:*" and one(statement.get("Resource")) == "*")


class _Creates(WrappingProvider):
    """Sees the parameters each create carries."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.params: list[dict[str, Json]] = []

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        if call.operation == "create":
            self.params.append(dict(call.params or {}))
        return proceed()


def test_the_default_policy_helpers_say_what_kms_gives() -> None:
    assert grants_root_everything(default_key_policy("aws", "123456789012"), "aws", "123456789012")
    assert not grants_root_everything(default_key_policy("aws", "123456789012"), "aws-cn", "123456789012")
    assert not grants_root_everything(key_policy(logs_statement(REGION)), "aws", "123456789012")
    assert not grants_root_everything(None, "aws", "123456789012")


@pytest.mark.parametrize("region", [REGION, "cn-north-1"])
def test_a_key_created_without_a_policy_gets_kmss_default_key_policy(region: str) -> None:
    memory = InMemoryProvider(region=region)
    _manager(memory).apply(KmsKeyDesired(name=NAME, region=region))
    partition, account = partition_of(region).id, memory.world.account_id
    policy = memory.read_aspect(KMS_KEY.ref(NAME, region), "policy")
    assert grants_root_everything(policy, partition, account), policy
    with_default = KmsKeyDesired(name=NAME, region=region, policy=default_key_policy(partition, account))
    assert not _manager(memory).plan(with_default).changed, "the key already has KMS's default policy"


def test_a_create_with_policy_unset_neither_sends_nor_reads_a_policy(memory: InMemoryProvider) -> None:
    creates = _Creates(memory)
    recorder = RecordingProvider(creates)
    desired = KmsKeyDesired(name=NAME, region=REGION, description="orders", enable_key_rotation=True,
                            tags={"team": "checkout"})
    plan = _manager(recorder).plan(desired)
    create = plan.actions[0]
    assert isinstance(create, CreateAction) and "policy" not in create.params
    _manager(recorder).apply(desired)
    assert creates.params and all("policy" not in params for params in creates.params)
    recorder.clear()
    assert not _manager(recorder).plan(desired).changed
    assert recorder.calls, "the plan read the key"
    assert [str(c) for c in recorder.calls if c.aspect == "policy"] == []


def test_a_key_whose_policy_is_unset_never_has_it_read_or_written_even_when_it_drifted(
        memory: InMemoryProvider) -> None:
    full = everything(NAME, REGION)
    _manager(memory).apply(full)
    theirs = key_policy(logs_statement(REGION))
    memory.world.set_aspect("kms_key", NAME, "policy", theirs, region=REGION)
    memory.world.set_aspect("kms_key", NAME, "description", "changed by hand", region=REGION)
    unmanaged = KmsKeyDesired(**full.model_dump(exclude={"policy"}, exclude_unset=True))
    assert unmanaged.policy is None
    recorder = RecordingProvider(memory)
    plan = _manager(recorder).plan(unmanaged)
    assert plan.aspects == ("description",), str(plan)
    _manager(recorder).apply(plan)
    assert not _manager(recorder).plan(unmanaged).changed
    assert [c.aspect for c in recorder.writes] == ["description"]
    assert {c.aspect for c in recorder.reads} >= {None, "enable_key_rotation", "tags"}
    assert [str(c) for c in recorder.calls if c.aspect == "policy"] == []
    assert memory.world.require("kms_key", NAME, REGION).aspects["policy"] == theirs
