"""AwsProvider specifics for KMS keys named by alias, against moto in-process.

Requests are counted from the ``aws.call`` log events (one per boto3 call). Where moto 5.2.5
differs from AWS the test is written as AWS behaves and marked as a strict xfail naming moto's
behaviour, so that it starts failing (and must be unmarked) the day moto catches up.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from moto import mock_aws
from structlog.testing import capture_logs

from awsstate import (
    AwsStateError,
    FaultInjectingProvider,
    InvalidRequestError,
    KmsKeyDesired,
    KmsKeyManager,
    Plan,
    RecordingProvider,
    SimulatedCrash,
    StalePlanError,
)
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES
from tests.examples.kms_key import key_policy, logs_statement
from tests.integration.conftest import SESSION
from tests.wire import WireFaults

REGION = "eu-west-1"
ACCOUNT = "123456789012"
FULL = os.environ.get("AWSSTATE_FAULT_SWEEP") == "full"
"""``make faults-moto`` sweeps every call number; ``make test`` two drawn per case (seeded)."""


def _calls(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e["event"] == "aws.call"]


def _manager(provider: Any) -> KmsKeyManager:
    return KmsKeyManager(provider=provider, clock=FakeClock())


def _metadata(boto_clients: Any, key: str) -> dict[str, Any]:
    return dict(boto_clients("kms", REGION).describe_key(KeyId=key)["KeyMetadata"])


def test_a_create_is_create_key_and_create_alias_and_every_setting_reads_back(
        aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="app/orders", region=REGION, description="orders", policy=key_policy(),
                            enable_key_rotation=True, enabled=True, tags={"team": "checkout"})
    with capture_logs() as logs:
        result = _manager(aws).apply(desired)
    calls = _calls(logs)
    assert calls[:3] == ["DescribeKey", "DescribeKey", "CreateKey"] and calls[3] == "CreateAlias", calls
    assert "EnableKeyRotation" in calls
    observed = result.observed
    assert observed is not None
    kms = boto_clients("kms", REGION)
    key = _metadata(boto_clients, "alias/app/orders")
    assert observed.key_id == key["KeyId"] and observed.arn == key["Arn"]
    assert observed.alias_arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app/orders"
    assert key["Description"] == "orders" and key["Enabled"] is True
    assert json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]) == key_policy()
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "checkout"}]
    with capture_logs() as logs:
        assert not _manager(aws).plan(desired).changed
    # one DescribeKey by alias, then one read per managed aspect that it does not carry
    assert sorted(_calls(logs)) == ["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags"]


def test_a_key_is_found_by_its_alias_and_follows_the_alias_when_it_moves(aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="moving", region=REGION, description="first")
    _manager(aws).apply(desired)
    plan = _manager(aws).plan(desired.model_copy(update={"description": "changed"}))
    kms = boto_clients("kms", REGION)
    other = kms.create_key(Description="other key")["KeyMetadata"]
    kms.update_alias(AliasName="alias/moving", TargetKeyId=other["KeyId"])
    observed = _manager(aws).get("moving", REGION)
    assert observed is not None and observed.key_id == other["KeyId"] and observed.description == "other key"
    with pytest.raises(StalePlanError):  # the plan was about the key the alias named then
        _manager(aws).apply(Plan.model_validate_json(plan.model_dump_json()))
    _manager(aws).apply(desired)
    assert _metadata(boto_clients, other["KeyId"])["Description"] == "first"


def test_absent_schedules_deletion_with_the_window_and_the_key_counts_as_gone(
        aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="leaving", region=REGION, deletion_window_in_days=7)
    _manager(aws).apply(desired)
    key_id = _metadata(boto_clients, "alias/leaving")["KeyId"]
    gone = desired.model_copy(update={"state": "absent"})
    plan = _manager(aws).plan(gone)
    assert "delete (pending_window_in_days=7)" in str(plan)
    with capture_logs() as logs:
        assert _manager(aws).apply(gone).changed
    assert "ScheduleKeyDeletion" in _calls(logs)
    key = _metadata(boto_clients, key_id)
    assert key["KeyState"] == "PendingDeletion"
    days = (key["DeletionDate"].timestamp() - time.time()) / 86400
    assert 6.9 < days <= 7.01
    assert _metadata(boto_clients, "alias/leaving")["KeyId"] == key_id  # the alias stays until the key goes
    assert _manager(aws).get("leaving", REGION) is None
    with capture_logs() as logs:
        assert not _manager(aws).apply(gone).changed
    assert "ScheduleKeyDeletion" not in _calls(logs)


def test_creating_a_key_again_moves_the_alias_and_leaves_the_key_pending_deletion_alone(
        aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="again", region=REGION, description="v1")
    _manager(aws).apply(desired)
    old = _metadata(boto_clients, "alias/again")["KeyId"]
    _manager(aws).apply(desired.model_copy(update={"state": "absent"}))
    with capture_logs() as logs:
        result = _manager(aws).apply(desired)
    assert "UpdateAlias" in _calls(logs) and "CreateAlias" not in _calls(logs)
    assert result.observed is not None and result.observed.key_id != old
    assert _metadata(boto_clients, "alias/again")["KeyId"] == result.observed.key_id
    assert _metadata(boto_clients, old)["KeyState"] == "PendingDeletion"


def test_a_replace_makes_a_new_key_and_moves_the_alias_to_it(aws: AwsProvider, boto_clients: Any) -> None:
    _manager(aws).apply(KmsKeyDesired(name="signing", region=REGION, description="sign"))
    old = _metadata(boto_clients, "alias/signing")["KeyId"]
    desired = KmsKeyDesired(name="signing", region=REGION, key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY")
    plan = _manager(aws).plan(desired)
    assert plan.actions[0].type == "replace" and "key_spec is fixed at creation" in str(plan)
    _manager(aws).apply(desired, allow_replace=True)
    new = _metadata(boto_clients, "alias/signing")
    assert new["KeyId"] != old and new["KeySpec"] == "ECC_NIST_P256" and new["KeyUsage"] == "SIGN_VERIFY"
    assert _metadata(boto_clients, old)["KeyState"] == "PendingDeletion"
    assert not _manager(aws).plan(desired).changed


def test_a_policy_rewritten_by_aws_is_no_diff(aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="policy", region=REGION, policy=key_policy(logs_statement(REGION)))
    _manager(aws).apply(desired)
    key_id = _metadata(boto_clients, "alias/policy")["KeyId"]
    rewritten = key_policy(logs_statement(REGION))
    rewritten["Statement"] = list(reversed(rewritten["Statement"]))
    boto_clients("kms", REGION).put_key_policy(KeyId=key_id, PolicyName="default",
                                               Policy=json.dumps(rewritten, indent=4))
    assert not _manager(aws).plan(desired).changed


def test_a_lost_create_alias_answer_is_no_error_and_makes_one_key(moto: None, token: str) -> None:
    provider, faults = _lossy("CreateAlias")
    desired = KmsKeyDesired(name=f"lost-{token}", region=REGION, description="once")
    assert _manager(provider).apply(desired).changed
    assert faults.faulted == [("CreateAlias", "lost_response")]
    kms = SESSION.client("kms", region_name=REGION)
    assert len(kms.list_keys()["Keys"]) == 1
    assert not _manager(provider).plan(desired).changed


def test_a_lost_schedule_key_deletion_answer_is_done(moto: None, token: str) -> None:
    name = f"lost-delete-{token}"
    _manager(AwsProvider(SESSION, region=REGION)).apply(KmsKeyDesired(name=name, region=REGION))
    provider, faults = _lossy("ScheduleKeyDeletion")
    assert _manager(provider).delete(name, REGION).changed
    assert faults.faulted == [("ScheduleKeyDeletion", "lost_response")]
    assert _manager(provider).get(name, REGION) is None


def _lossy(operation: str) -> tuple[AwsProvider, WireFaults]:
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    faults = WireFaults("lost_response", operations=(operation,)).register(session)
    return AwsProvider(session, region="us-east-1", max_attempts=3), faults


class _DisabledKeys:
    """A ``before-send`` hook answering rotation changes of a disabled key as AWS does (moto accepts them)."""

    def __init__(self, session: Any) -> None:
        self.kms = session.client("kms", region_name=REGION)

    def __call__(self, request: Any, event_name: str, **kwargs: Any) -> AWSResponse | None:
        if not event_name.endswith(("EnableKeyRotation", "DisableKeyRotation")):
            return None
        key_id = json.loads(request.body)["KeyId"]
        if self.kms.describe_key(KeyId=key_id)["KeyMetadata"]["Enabled"]:
            return None
        body = json.dumps({"__type": "DisabledException", "message": f"{key_id} is disabled."}).encode()
        return AWSResponse(request.url, 400, {"x-amzn-RequestId": "disabled", "Content-Type":
                                              "application/x-amz-json-1.1"}, _Body(body))


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def test_a_rotation_change_on_a_disabled_key_is_explained_and_enabling_first_converges(moto: None) -> None:
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    session.events.register_first("before-send", _DisabledKeys(SESSION))
    provider = AwsProvider(session, region="us-east-1", max_attempts=1)
    _manager(provider).apply(KmsKeyDesired(name="disabled", region=REGION, enabled=False))
    with pytest.raises(InvalidRequestError, match="only while the key is enabled") as caught:
        _manager(provider).apply(KmsKeyDesired(name="disabled", region=REGION, enable_key_rotation=True))
    assert caught.value.code == "DisabledException" and caught.value.aspect == "enable_key_rotation"
    both = KmsKeyDesired(name="disabled", region=REGION, enabled=True, enable_key_rotation=True)
    assert _manager(provider).apply(both).changed and not _manager(provider).plan(both).changed
    off = KmsKeyDesired(name="disabled", region=REGION, enabled=False, enable_key_rotation=False)
    assert _manager(provider).apply(off).changed and not _manager(provider).plan(off).changed


# -- the fault sweep without server-assigned ids ------------------------------------------------------

def _state(provider: AwsProvider, names: Sequence[str]) -> dict[str, Any]:
    """Every aspect and attribute ``get`` reads, except the ids KMS assigns (random on every run)."""
    manager = _manager(provider)
    found: dict[str, Any] = {}
    for name in names:
        observed = manager.get(name, REGION)
        found[name] = None if observed is None else {
            k: v for k, v in observed.model_dump(mode="json").items() if k not in ("arn", "key_id")}
    return found


@pytest.mark.parametrize("error", ["throttled", "server_error", "crash", "drop_response"])
@pytest.mark.parametrize("scenario", ["create", "drift", "update"])
def test_after_a_fault_at_any_call_one_more_apply_converges_to_the_clean_state(scenario: str, error: str) -> None:
    """The cross-kind moto sweep (tests/integration/test_faults_aws.py) compares key ids, which KMS
    assigns at random: this is the same sweep for kms_key with the ids left out of the comparison."""
    example = EXAMPLES["kms_key"]
    name, bystander = example.name("faulty"), example.name("bystander")
    desired = (example.update if scenario == "update" else example.full)(name, REGION)
    when = "before" if error == "throttled" else "after"

    def prepare(provider: AwsProvider) -> None:
        _manager(provider).apply(example.minimal(bystander, REGION))
        if scenario != "create":
            _manager(provider).apply(example.full(name, REGION))
        if scenario == "drift":
            example.drift_boto3(lambda service, region: SESSION.client(service, region_name=region), name, REGION)

    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        clean = AwsProvider(SESSION, region="us-east-1", max_attempts=1)
        prepare(clean)
        counter = FaultInjectingProvider(clean)
        _manager(counter).apply(desired)
        calls, expected = counter.calls, _state(clean, (name, bystander))
    numbers = range(1, calls + 1) if FULL else random.Random(f"{scenario}{error}").sample(range(1, calls + 1), 2)
    for n in numbers:
        with mock_aws(config={"core": {"reset_boto3_session": False}}):
            provider = AwsProvider(SESSION, region="us-east-1", max_attempts=1)
            prepare(provider)
            recorder = RecordingProvider(provider)
            faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)
            try:
                _manager(faulty).apply(desired)
            except SimulatedCrash:
                assert error == "crash"
            except AwsStateError as failure:
                assert error not in ("crash", "drop_response") and name in str(failure)
            _manager(recorder).apply(desired)
            assert not _manager(recorder).plan(desired).changed, f"call {n}: not converged"
            assert [c for c in recorder.calls if c.operation == "delete"] == []
            assert _state(provider, (name, bystander)) == expected, f"call {n} ({error}): not the clean state"
            keys = SESSION.client("kms", region_name=REGION).list_keys()["Keys"]
            assert len(keys) == 2, f"call {n} ({error}): a key was made twice"


# -- where moto 5.2.5 differs from AWS ------------------------------------------------------------------

@pytest.mark.xfail(strict=True, reason="moto 5.2.5 ignores EnableKeyRotation's RotationPeriodInDays and "
                                       "GetKeyRotationStatus never returns one (AWS: the period, 90-2560 days)")
def test_the_rotation_period_is_set_and_read_back(aws: AwsProvider, boto_clients: Any) -> None:
    desired = KmsKeyDesired(name="period", region=REGION, enable_key_rotation=True, rotation_period_in_days=180)
    _manager(aws).apply(desired)
    key_id = _metadata(boto_clients, "alias/period")["KeyId"]
    assert boto_clients("kms", REGION).get_key_rotation_status(KeyId=key_id).get("RotationPeriodInDays") == 180


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 accepts EnableKeyRotation on a disabled key (AWS: "
                                       "DisabledException)")
def test_moto_refuses_rotation_changes_on_a_disabled_key(aws: AwsProvider, boto_clients: Any) -> None:
    kms = boto_clients("kms", REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError, match="DisabledException"):
        kms.enable_key_rotation(KeyId=key_id)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 reports no KeyUsage for a key created without one (AWS: "
                                       "ENCRYPT_DECRYPT); awsstate reads a missing usage as the default")
def test_moto_reports_the_default_key_usage(aws: AwsProvider, boto_clients: Any) -> None:
    key_id = boto_clients("kms", REGION).create_key()["KeyMetadata"]["KeyId"]
    assert _metadata(boto_clients, key_id).get("KeyUsage") == "ENCRYPT_DECRYPT"


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 accepts ScheduleKeyDeletion with a PendingWindowInDays outside "
                                       "7-30 and schedules nothing (AWS: ValidationException); awsstate validates "
                                       "deletion_window_in_days before any call")
def test_moto_refuses_a_pending_window_outside_7_to_30_days(aws: AwsProvider, boto_clients: Any) -> None:
    kms = boto_clients("kms", REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError):
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=3)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 accepts EnableKeyRotation on an asymmetric key (AWS: "
                                       "UnsupportedOperationException); awsstate refuses it when key_spec is given")
def test_moto_refuses_rotation_of_an_asymmetric_key(aws: AwsProvider, boto_clients: Any) -> None:
    kms = boto_clients("kms", REGION)
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError, match="UnsupportedOperation"):
        kms.enable_key_rotation(KeyId=key_id)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 knows no ML_DSA, ML_KEM or ECC_NIST_EDWARDS25519 key specs and "
                                       "refuses CreateKey with them (AWS creates them)")
def test_post_quantum_and_ed25519_keys_can_be_created(aws: AwsProvider) -> None:
    _manager(aws).apply(KmsKeyDesired(name="pq", region=REGION, key_spec="ML_DSA_65", key_usage="SIGN_VERIFY"))


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 accepts a key policy that locks the caller out (AWS: "
                                       "MalformedPolicyDocumentException from the policy lockout safety check)")
def test_a_policy_that_locks_the_caller_out_is_refused(aws: AwsProvider) -> None:
    lockout = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:Encrypt", "Resource": "*"}]}
    with pytest.raises(InvalidRequestError):
        _manager(aws).apply(KmsKeyDesired(name="lockout", region=REGION, policy=lockout))
