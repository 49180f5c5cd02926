"""A KMS key whose policy is left unset, through AwsProvider on moto in-process.

moto 5.2.5 gives a key created without a policy KMS's default key policy (the account root may
do ``kms:*``), as AWS does; awsstate neither sends a policy with CreateKey nor calls GetKeyPolicy /
PutKeyPolicy when the desired model leaves it unset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import boto3
import pytest
from structlog.testing import capture_logs

from awsstate import KmsKeyDesired, KmsKeyManager
from awsstate.providers.aws import AwsProvider
from awsstate.providers.aws.partitions import partition_of
from awsstate.resources.kms_key.kind import KMS_KEY
from awsstate.testing import FakeClock
from tests.examples.kms_key import everything, key_policy, logs_statement
from tests.integration.conftest import SESSION
from tests.unit.test_kms_key_default_policy import default_key_policy, grants_root_everything

NAME = "orders"
ACCOUNT = "123456789012"
POLICY_CALLS = {"GetKeyPolicy", "PutKeyPolicy"}


def _manager(provider: Any) -> KmsKeyManager:
    return KmsKeyManager(provider=provider, clock=FakeClock())


def _operations(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(e["operation"]) for e in logs if e["event"] == "aws.call"]


@pytest.fixture
def create_key_params(moto: None) -> Iterator[tuple[list[dict[str, Any]], AwsProvider]]:
    """An AwsProvider on a session of its own that records the parameters of every CreateKey request."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="eu-west-1")
    seen: list[dict[str, Any]] = []
    session.events.register("provide-client-params.kms.CreateKey",
                            lambda params, **_: seen.append(dict(params)))
    yield seen, AwsProvider(session, region="eu-west-1", max_attempts=2)


@pytest.mark.parametrize("region", ["eu-west-1", "cn-north-1"])
def test_a_key_created_without_a_policy_gets_kmss_default_key_policy(moto: None, region: str) -> None:
    aws = AwsProvider(SESSION, region=region, max_attempts=2)
    _manager(aws).apply(KmsKeyDesired(name=NAME, region=region))
    partition = partition_of(region).id
    kms = SESSION.client("kms", region_name=region)
    key_id = kms.describe_key(KeyId=f"alias/{NAME}")["KeyMetadata"]["KeyId"]  # GetKeyPolicy takes no alias
    text = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    assert grants_root_everything(json.loads(text), partition, ACCOUNT), text
    assert grants_root_everything(aws.read_aspect(KMS_KEY.ref(NAME, region), "policy"), partition, ACCOUNT)
    with_default = KmsKeyDesired(name=NAME, region=region, policy=default_key_policy(partition, ACCOUNT))
    assert not _manager(aws).plan(with_default).changed, "the key already has KMS's default policy"


def test_a_create_with_policy_unset_sends_no_policy_and_never_calls_the_policy_apis(
        create_key_params: tuple[list[dict[str, Any]], AwsProvider]) -> None:
    seen, aws = create_key_params
    desired = KmsKeyDesired(name=NAME, region="eu-west-1", description="orders", enable_key_rotation=True,
                            tags={"team": "checkout"})
    with capture_logs() as logs:
        _manager(aws).apply(desired)
        assert not _manager(aws).plan(desired).changed
    operations = _operations(logs)
    assert "CreateKey" in operations and POLICY_CALLS.isdisjoint(operations), operations
    assert len(seen) == 1 and "Policy" not in seen[0] and seen[0]["Description"] == "orders"


def test_an_existing_key_whose_policy_is_unset_keeps_a_policy_changed_by_hand(aws: AwsProvider,
                                                                              boto_clients: Any) -> None:
    region = "eu-west-1"
    full = everything(NAME, region).model_copy(update={"rotation_period_in_days": 365})  # moto: only 365
    _manager(aws).apply(full)
    kms = boto_clients("kms", region)
    key_id = kms.describe_key(KeyId=f"alias/{NAME}")["KeyMetadata"]["KeyId"]  # the policy calls take no alias
    theirs = key_policy(logs_statement(region))
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(theirs))
    unmanaged = KmsKeyDesired(**full.model_dump(exclude={"policy"}, exclude_unset=True))
    with capture_logs() as logs:
        assert not _manager(aws).apply(unmanaged).changed
    operations = _operations(logs)
    assert operations and POLICY_CALLS.isdisjoint(operations), operations
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == theirs
