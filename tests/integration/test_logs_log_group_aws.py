"""AwsProvider specifics for CloudWatch Logs log groups, against moto in-process.

AWS requests are counted from the ``aws.call`` log events (one per boto3 call). Where moto 5.2.5
differs from AWS the test is written as AWS behaves and marked as a strict xfail naming moto's
behaviour, so that it starts failing (and must be unmarked) the day moto catches up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from botocore.stub import Stubber
from structlog.testing import capture_logs

from awsstate import (
    InvalidRequestError,
    LogsLogGroupDesired,
    LogsLogGroupManager,
    NotSupportedError,
    RecordingProvider,
)
from awsstate.providers.aws import AwsProvider
from tests.examples.logs_log_group import DATA_PROTECTION

REGION = "us-east-1"
ACCOUNT = "123456789012"


def _calls(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e["event"] == "aws.call"]


def _arn(name: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


def _group(boto_clients: Any, name: str) -> dict[str, Any]:
    """The log group as DescribeLogGroups shows it (KeyError-free: a missing group is ``{}``)."""
    groups = boto_clients("logs", REGION).describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next((dict(g) for g in groups if g["logGroupName"] == name), {})


def _new_key(boto_clients: Any) -> str:
    return str(boto_clients("kms", REGION).create_key(Description="log encryption")["KeyMetadata"]["Arn"])


def test_create_with_a_kms_key_is_one_request_and_reads_back(aws: AwsProvider, boto_clients: Any) -> None:
    key = _new_key(boto_clients)
    manager = LogsLogGroupManager(provider=aws)
    desired = LogsLogGroupDesired(name="/int/encrypted", region=REGION, kms_key_id=key, retention_in_days=30,
                                  tags={"env": "dev"})
    with capture_logs() as logs:
        result = manager.apply(desired)
    # CreateLogGroup carries the key and the tags; the retention is its own request.
    assert _calls(logs) == ["DescribeLogGroups", "CreateLogGroup", "PutRetentionPolicy", "DescribeLogGroups",
                            "DescribeLogGroups"]
    assert result.observed is not None and result.observed.kms_key_id == key
    group = _group(boto_clients, "/int/encrypted")
    assert (group["kmsKeyId"], group["retentionInDays"]) == (key, 30)
    assert boto_clients("logs", REGION).list_tags_for_resource(resourceArn=_arn("/int/encrypted"))["tags"] == {
        "env": "dev"}
    observed = manager.get("/int/encrypted", REGION)
    assert observed is not None
    assert (observed.arn, observed.kms_key_id, observed.retention_in_days, observed.tags) == (
        _arn("/int/encrypted"), key, 30, {"env": "dev"})
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    # DescribeLogGroups carries retention and KMS key; only tags cost a read (the account id is then cached).
    assert [c for c in _calls(logs) if c != "GetCallerIdentity"] == ["DescribeLogGroups", "ListTagsForResource"]


def test_retention_drift_converges_with_one_write(aws: AwsProvider, boto_clients: Any) -> None:
    recorder = RecordingProvider(aws)
    manager = LogsLogGroupManager(provider=recorder)
    desired = LogsLogGroupDesired(name="/int/retention", region=REGION, retention_in_days=14)
    manager.apply(desired)
    boto_clients("logs", REGION).put_retention_policy(logGroupName="/int/retention", retentionInDays=7)
    plan = manager.plan(desired)
    assert [(a.aspect, getattr(a, "before", "?"), a.after) for a in plan.actions] == [("retention_in_days", 7, 14)]
    recorder.clear()
    with capture_logs() as logs:
        manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "retention_in_days")]
    assert _calls(logs).count("PutRetentionPolicy") == 1
    assert _group(boto_clients, "/int/retention")["retentionInDays"] == 14
    assert not manager.plan(desired).changed


def test_retention_false_deletes_the_retention_policy(aws: AwsProvider, boto_clients: Any) -> None:
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/forever", region=REGION, retention_in_days=3))
    forever = LogsLogGroupDesired(name="/int/forever", region=REGION, retention_in_days=False)
    with capture_logs() as logs:
        manager.apply(forever)
    assert _calls(logs).count("DeleteRetentionPolicy") == 1
    assert "retentionInDays" not in _group(boto_clients, "/int/forever")
    observed = manager.get("/int/forever", REGION)
    assert observed is not None and observed.retention_in_days is None
    assert not manager.plan(forever).changed


def test_tags_are_replaced_kept_with_purge_false_and_drift_reverted(aws: AwsProvider, boto_clients: Any) -> None:
    logs_client = boto_clients("logs", REGION)
    recorder = RecordingProvider(aws)
    manager = LogsLogGroupManager(provider=recorder)
    manager.apply(LogsLogGroupDesired(name="/int/tags", region=REGION, tags={"env": "dev", "team": "a"}))
    recorder.clear()
    manager.apply(LogsLogGroupDesired(name="/int/tags", region=REGION, tags={"env": "prod"}))
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "tags")]
    assert logs_client.list_tags_for_resource(resourceArn=_arn("/int/tags"))["tags"] == {"env": "prod"}
    keep = LogsLogGroupDesired(name="/int/tags", region=REGION, tags={"owner": "me"}, purge_tags=False)
    manager.apply(keep)
    assert logs_client.list_tags_for_resource(resourceArn=_arn("/int/tags"))["tags"] == {"env": "prod", "owner": "me"}
    assert not manager.plan(keep).changed
    logs_client.tag_resource(resourceArn=_arn("/int/tags"), tags={"owner": "hacked", "extra": "x"})
    exact = LogsLogGroupDesired(name="/int/tags", region=REGION, tags={"owner": "me"})
    assert manager.plan(exact).aspects == ("tags",)
    manager.apply(exact)
    assert logs_client.list_tags_for_resource(resourceArn=_arn("/int/tags"))["tags"] == {"owner": "me"}


def test_absent_deletes_and_is_then_a_no_op(aws: AwsProvider, boto_clients: Any) -> None:
    recorder = RecordingProvider(aws)
    manager = LogsLogGroupManager(provider=recorder)
    manager.apply(LogsLogGroupDesired(name="/int/gone", region=REGION, retention_in_days=1))
    gone = LogsLogGroupDesired(name="/int/gone", region=REGION, state="absent")
    with capture_logs() as logs:
        assert manager.apply(gone).changed
    assert _calls(logs).count("DeleteLogGroup") == 1
    assert _group(boto_clients, "/int/gone") == {}
    assert manager.get("/int/gone", REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed
    assert recorder.writes == []


def test_the_exact_name_is_found_among_groups_sharing_its_prefix(aws: AwsProvider, boto_clients: Any) -> None:
    logs_client = boto_clients("logs", REGION)
    for name in ("/int/app-a", "/int/app-b", "/int/app"):
        logs_client.create_log_group(logGroupName=name)
    logs_client.put_retention_policy(logGroupName="/int/app-a", retentionInDays=5)
    manager = LogsLogGroupManager(provider=aws)
    observed = manager.get("/int/app", REGION)
    assert observed is not None and observed.arn == _arn("/int/app") and observed.retention_in_days is None
    assert manager.get("/int/ap", REGION) is None
    plan = manager.plan(LogsLogGroupDesired(name="/int/ap", region=REGION))
    assert [a.type for a in plan.actions] == ["create"]


def test_get_works_although_the_data_protection_read_is_unsupported(aws: AwsProvider) -> None:
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/get", region=REGION, retention_in_days=7, tags={"env": "dev"}))
    observed = manager.get("/int/get", REGION)
    assert observed is not None
    assert (observed.retention_in_days, observed.tags, observed.deletion_protection) == (7, {"env": "dev"}, False)
    assert observed.data_protection_policy is None
    assert "data_protection_policy" not in observed.model_fields_set  # left out, not "read as none"
    exported = manager.export("/int/get", REGION)
    assert exported is not None and exported.data_protection_policy is None and exported.retention_in_days == 7
    assert not manager.plan(exported).changed
    # The premise: managing the policy does need the call moto lacks.
    with pytest.raises(NotSupportedError) as caught:
        manager.plan(LogsLogGroupDesired(name="/int/get", region=REGION, data_protection_policy={}))
    assert caught.value.aspect == "data_protection_policy"


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5: CreateLogGroup drops logGroupClass (DescribeLogGroups omits it), so an "
                          "INFREQUENT_ACCESS group reads back as STANDARD and the no-op plan is a replace")
def test_log_group_class_reads_back(aws: AwsProvider, boto_clients: Any) -> None:
    manager = LogsLogGroupManager(provider=aws)
    desired = LogsLogGroupDesired(name="/int/cold", region=REGION, log_group_class="INFREQUENT_ACCESS")
    manager.apply(desired)
    assert [a.type for a in manager.plan(desired).actions] == []  # moto: ["replace"] (STANDARD -> INFREQUENT_ACCESS)
    assert _group(boto_clients, "/int/cold").get("logGroupClass") == "INFREQUENT_ACCESS"


def test_log_group_class_change_is_planned_as_a_replace(aws: AwsProvider) -> None:
    # STANDARD is what moto reports for every group, so this direction holds on moto as on AWS.
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/class", region=REGION))
    plan = manager.plan(LogsLogGroupDesired(name="/int/class", region=REGION, log_group_class="DELIVERY"))
    assert [a.type for a in plan.actions] == ["replace"]
    assert "log_group_class is fixed at creation: STANDARD -> DELIVERY" in plan.actions[0].details
    assert not manager.plan(LogsLogGroupDesired(name="/int/class", region=REGION, log_group_class="STANDARD")).changed


@pytest.mark.xfail(strict=True, raises=NotSupportedError,
                   reason="moto 5.2.5: PutDataProtectionPolicy and GetDataProtectionPolicy are not implemented "
                          "(NotImplementedError, which awsstate raises as NotSupportedError)")
def test_data_protection_policy_is_set_read_back_and_removed(aws: AwsProvider, boto_clients: Any) -> None:
    manager = LogsLogGroupManager(provider=aws)
    desired = LogsLogGroupDesired(name="/int/masked", region=REGION, data_protection_policy=DATA_PROTECTION)
    manager.apply(desired)
    observed = manager.get("/int/masked", REGION)
    assert observed is not None and observed.data_protection_policy == DATA_PROTECTION
    assert not manager.plan(desired).changed
    removed = desired.model_copy(update={"data_protection_policy": {}})
    manager.apply(removed)
    assert not manager.plan(removed).changed


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="moto 5.2.5: CreateLogGroup drops deletionProtectionEnabled (DescribeLogGroups omits "
                          "it), so a protected group reads back unprotected and can be deleted")
def test_deletion_protection_at_creation_reads_back_and_refuses_absent(aws: AwsProvider, boto_clients: Any) -> None:
    manager = LogsLogGroupManager(provider=aws)
    desired = LogsLogGroupDesired(name="/int/protected", region=REGION, deletion_protection=True)
    manager.apply(desired)
    assert manager.plan(desired).aspects == ()  # moto: ("deletion_protection",), read back False
    assert _group(boto_clients, "/int/protected").get("deletionProtectionEnabled") is True
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(LogsLogGroupDesired(name="/int/protected", region=REGION, state="absent"))
    assert "deletion_protection" in str(caught.value)
    assert _group(boto_clients, "/int/protected") != {}


@pytest.mark.xfail(strict=True, raises=NotSupportedError,
                   reason="moto 5.2.5: PutLogGroupDeletionProtection is not implemented")
def test_deletion_protection_is_turned_on_and_off(aws: AwsProvider) -> None:
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/guard", region=REGION))
    on = LogsLogGroupDesired(name="/int/guard", region=REGION, deletion_protection=True)
    manager.apply(on)
    assert not manager.plan(on).changed
    manager.apply(on.model_copy(update={"deletion_protection": False}))
    manager.delete("/int/guard", REGION)
    assert manager.get("/int/guard", REGION) is None


def test_absent_on_a_protected_group_is_refused_before_delete_log_group(aws: AwsProvider) -> None:
    # moto cannot store the flag, so DescribeLogGroups is stubbed to report a protected group (as AWS
    # does): the refusal names the setting, and DeleteLogGroup is never sent (the Stubber has no
    # response for it, so sending it would fail the test with another error).
    group = {"logGroupName": "/int/fenced", "arn": _arn("/int/fenced") + ":*", "logGroupArn": _arn("/int/fenced"),
             "logGroupClass": "STANDARD", "deletionProtectionEnabled": True}
    with Stubber(aws.client("logs", REGION)) as stub:
        for _ in range(2):  # the plan's existence read, then the delete's own
            stub.add_response("describe_log_groups", {"logGroups": [group]}, {"logGroupNamePrefix": "/int/fenced"})
        with pytest.raises(InvalidRequestError) as caught:
            LogsLogGroupManager(provider=aws).apply(
                LogsLogGroupDesired(name="/int/fenced", region=REGION, state="absent"))
        stub.assert_no_pending_responses()
    assert caught.value.aspect == "deletion_protection"
    assert "set deletion_protection=False and apply" in str(caught.value)


@pytest.mark.xfail(strict=True, raises=NotSupportedError,
                   reason="moto 5.2.5: AssociateKmsKey is not implemented, so the KMS key of an existing group "
                          "cannot be changed")
def test_kms_key_of_an_existing_group_is_changed(aws: AwsProvider, boto_clients: Any) -> None:
    first, second = _new_key(boto_clients), _new_key(boto_clients)
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/rekey", region=REGION, kms_key_id=first))
    desired = LogsLogGroupDesired(name="/int/rekey", region=REGION, kms_key_id=second)
    plan = manager.plan(desired)
    assert [(a.aspect, getattr(a, "before", "?"), a.after) for a in plan.actions] == [("kms_key_id", first, second)]
    manager.apply(desired)
    assert _group(boto_clients, "/int/rekey")["kmsKeyId"] == second
    assert not manager.plan(desired).changed


@pytest.mark.xfail(strict=True, raises=NotSupportedError,
                   reason="moto 5.2.5: DisassociateKmsKey is not implemented, so a group's KMS key cannot be "
                          "removed")
def test_kms_key_is_removed(aws: AwsProvider, boto_clients: Any) -> None:
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/unkey", region=REGION, kms_key_id=_new_key(boto_clients)))
    desired = LogsLogGroupDesired(name="/int/unkey", region=REGION, kms_key_id="")
    manager.apply(desired)
    assert "kmsKeyId" not in _group(boto_clients, "/int/unkey")
    assert not manager.plan(desired).changed


@pytest.mark.xfail(strict=True, raises=pytest.fail.Exception,
                   reason="moto 5.2.5: PutRetentionPolicy accepts any retentionInDays (15 is stored); AWS refuses "
                          "a period not in its list with InvalidParameterException")
def test_a_retention_period_aws_does_not_list_is_refused(aws: AwsProvider, boto_clients: Any) -> None:
    # The model refuses 15 before any call; this is the provider, as a plan made elsewhere would reach it.
    manager = LogsLogGroupManager(provider=aws)
    manager.apply(LogsLogGroupDesired(name="/int/odd", region=REGION, retention_in_days=14))
    with pytest.raises(InvalidRequestError) as caught:
        aws.write_aspect(manager.spec.ref("/int/odd", REGION), "retention_in_days", 15)
    assert caught.value.aspect == "retention_in_days"
    assert _group(boto_clients, "/int/odd")["retentionInDays"] == 14
