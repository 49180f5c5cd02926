"""AwsProvider specifics for SSM parameters, against moto in-process.

AWS requests are counted from the ``aws.call`` log events (one per boto3 call). Where moto 5.2.5
differs from AWS the test is written as AWS behaves and marked as a strict xfail naming moto's
behaviour, so that it starts failing (and must be unmarked) the day moto catches up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    AlreadyExistsError,
    InvalidRequestError,
    NotFoundError,
    RecordingProvider,
    SsmParameterDesired,
    SsmParameterManager,
)
from awsstate.canonical import Json
from awsstate.providers.aws import AwsProvider
from awsstate.resources.ssm_parameter.kind import SSM_PARAMETER

REGION = "us-east-1"
SECRET = "Pa55word-do-not-print"


def _calls(logs: Sequence[Mapping[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e["event"] == "aws.call" and e["operation"] != "GetCallerIdentity"]


def _described(boto_clients: Any, name: str) -> dict[str, Any]:
    found = boto_clients("ssm", REGION).describe_parameters(
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}])["Parameters"]
    return dict(found[0]) if found else {}


def _value(boto_clients: Any, name: str) -> str:
    return str(boto_clients("ssm", REGION).get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])


def _tags(boto_clients: Any, name: str) -> dict[str, str]:
    tags = boto_clients("ssm", REGION).list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    return {t["Key"]: t["Value"] for t in tags}


def _key(boto_clients: Any) -> str:
    return str(boto_clients("kms", REGION).create_key(Description="parameters")["KeyMetadata"]["Arn"])


def test_create_is_one_put_and_a_no_op_plan_reads_the_value_decrypted(aws: AwsProvider, boto_clients: Any) -> None:
    key = _key(boto_clients)
    manager = SsmParameterManager(provider=aws)
    desired = SsmParameterDesired(name="/int/db/password", region=REGION, type="SecureString", value=SECRET,
                                  key_id=key, description="db", allowed_pattern=r"^\S+$", tags={"env": "dev"})
    with capture_logs() as logs:
        result = manager.apply(desired)
    assert _calls(logs)[:2] == ["DescribeParameters", "PutParameter"]
    assert _calls(logs).count("PutParameter") == 1
    assert SECRET not in repr(logs)
    assert result.observed is not None and result.observed.arn == \
        f"arn:aws:ssm:{REGION}:123456789012:parameter/int/db/password"
    described = _described(boto_clients, "/int/db/password")
    assert (described["Type"], described["KeyId"], described["Description"]) == ("SecureString", key, "db")
    assert _value(boto_clients, "/int/db/password") == SECRET
    assert _tags(boto_clients, "/int/db/password") == {"env": "dev"}
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    assert sorted(_calls(logs)) == ["DescribeParameters", "GetParameter", "ListTagsForResource"]


def test_an_unmanaged_value_is_never_read(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/unread", region=REGION, type="SecureString", value=SECRET))
    with capture_logs() as logs:
        assert not manager.plan(SsmParameterDesired(name="/int/unread", region=REGION, description="")).changed
    assert _calls(logs) == ["DescribeParameters"]


def test_a_setting_write_keeps_the_value_and_the_customer_key(aws: AwsProvider, boto_clients: Any) -> None:
    key = _key(boto_clients)
    recorder = RecordingProvider(aws)
    manager = SsmParameterManager(provider=recorder)
    manager.apply(SsmParameterDesired(name="/int/keep", region=REGION, type="SecureString", value=SECRET,
                                      key_id=key, allowed_pattern=".+", tags={"team": "a"}))
    recorder.clear()
    with capture_logs() as logs:
        manager.apply(SsmParameterDesired(name="/int/keep", region=REGION, description="now described"))
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "description")]
    # Read-modify-write: PutParameter re-sends the value and every other setting as they are.
    # plan; the write: DescribeParameters, GetParameter (the value to re-send), PutParameter; the read back.
    assert _calls(logs) == ["DescribeParameters", "DescribeParameters", "GetParameter", "PutParameter",
                            "DescribeParameters"]
    described = _described(boto_clients, "/int/keep")
    assert (described["Description"], described["KeyId"], described["AllowedPattern"]) == ("now described", key, ".+")
    assert _value(boto_clients, "/int/keep") == SECRET
    assert _tags(boto_clients, "/int/keep") == {"team": "a"}


def test_value_drift_is_reverted_with_one_write(aws: AwsProvider, boto_clients: Any) -> None:
    recorder = RecordingProvider(aws)
    manager = SsmParameterManager(provider=recorder)
    desired = SsmParameterDesired(name="/int/drift", region=REGION, type="String", value="v1", description="d")
    manager.apply(desired)
    boto_clients("ssm", REGION).put_parameter(Name="/int/drift", Value="hacked", Overwrite=True)
    plan = manager.plan(desired)
    assert plan.aspects == ("value",) and "hacked" not in str(plan)
    recorder.clear()
    manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "value")]
    assert _value(boto_clients, "/int/drift") == "v1" and _described(boto_clients, "/int/drift")["Description"] == "d"
    assert not manager.plan(desired).changed


def test_a_string_list_tags_and_removal(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SsmParameterManager(provider=aws)
    desired = SsmParameterDesired(name="/int/hosts", region=REGION, type="StringList", value=["a", "b"],
                                  tags={"env": "dev", "team": "a"})
    manager.apply(desired)
    assert _value(boto_clients, "/int/hosts") == "a,b"
    manager.apply(SsmParameterDesired(name="/int/hosts", region=REGION, tags={"env": "prod"}))
    assert _tags(boto_clients, "/int/hosts") == {"env": "prod"}
    manager.apply(SsmParameterDesired(name="/int/hosts", region=REGION, tags={"owner": "me"}, purge_tags=False))
    assert _tags(boto_clients, "/int/hosts") == {"env": "prod", "owner": "me"}
    manager.apply(SsmParameterDesired(name="/int/hosts", region=REGION, description="", allowed_pattern=""))
    gone = SsmParameterDesired(name="/int/hosts", region=REGION, state="absent")
    with capture_logs() as logs:
        assert manager.apply(gone).changed
    assert _calls(logs).count("DeleteParameter") == 1
    assert _described(boto_clients, "/int/hosts") == {} and manager.get("/int/hosts", REGION) is None
    assert not manager.apply(gone).changed


def test_a_type_change_replaces_the_parameter(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/retyped", region=REGION, type="String", value="plain"))
    secure = SsmParameterDesired(name="/int/retyped", region=REGION, type="SecureString", value="plain")
    assert [a.type for a in manager.plan(secure).actions] == ["replace"]
    manager.apply(secure, allow_replace=True)
    assert _described(boto_clients, "/int/retyped")["Type"] == "SecureString"
    assert _value(boto_clients, "/int/retyped") == "plain"


def test_the_errors_of_parameter_store_are_awsstate_errors(aws: AwsProvider) -> None:
    ref = SSM_PARAMETER.ref("/int/missing", REGION)
    with pytest.raises(NotFoundError):
        aws.read_aspect(ref, "value")
    with pytest.raises(NotFoundError):
        aws.write_aspect(ref, "description", "x")  # never a PutParameter that would create it
    assert aws.read_existence(ref) is None
    aws.delete(ref)  # deleting what is not there is done


def test_a_create_whose_answer_was_lost_is_adopted(aws: AwsProvider, boto_clients: Any) -> None:
    ref = SSM_PARAMETER.ref("/int/twice", REGION)
    params: dict[str, Json] = {"type": "String", "value": "v", "description": "d", "tags": {"env": "dev"}}
    aws.create(ref, params)
    aws.create(ref, params)  # sent again: ParameterAlreadyExists, and it holds every create parameter
    with pytest.raises(AlreadyExistsError, match="value"):
        aws.create(ref, {**params, "value": "other"})


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 does not enforce AllowedPattern on PutParameter (AWS raises "
                                       "ParameterPatternMismatchException)")
def test_a_value_outside_the_allowed_pattern_is_refused_naming_allowed_pattern(aws: AwsProvider) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/pattern", region=REGION, type="String", value="123",
                                      allowed_pattern=r"^\d+$"))
    with pytest.raises(InvalidRequestError) as caught:
        aws.write_aspect(SSM_PARAMETER.ref("/int/pattern", REGION), "value", "abc")
    assert "allowed_pattern" in str(caught.value)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 stores a value over 4096 characters in the Standard tier (AWS "
                                       "raises ValidationException)")
def test_a_standard_parameter_refuses_a_value_over_4kb(aws: AwsProvider) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/small", region=REGION, type="String", value="v", tier="Standard"))
    with pytest.raises(InvalidRequestError):
        aws.write_aspect(SSM_PARAMETER.ref("/int/small", REGION), "value", "v" * 5000)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 lets PutParameter move an Advanced parameter back to Standard "
                                       "(AWS raises ValidationException: it cannot downgrade)")
def test_aws_cannot_move_a_parameter_back_to_standard(aws: AwsProvider) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/advanced", region=REGION, type="String", value="v", tier="Advanced"))
    with pytest.raises(InvalidRequestError):
        aws.write_aspect(SSM_PARAMETER.ref("/int/advanced", REGION), "tier", "Standard")


def test_awsstate_plans_the_move_back_to_standard_as_a_replace(aws: AwsProvider, boto_clients: Any) -> None:
    manager = SsmParameterManager(provider=aws)
    manager.apply(SsmParameterDesired(name="/int/down", region=REGION, type="String", value="v", tier="Advanced"))
    standard = SsmParameterDesired(name="/int/down", region=REGION, type="String", value="v", tier="Standard")
    assert [a.type for a in manager.plan(standard).actions] == ["replace"]
    manager.apply(standard, allow_replace=True)
    assert _described(boto_clients, "/int/down")["Tier"] == "Standard"


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 stores Tier='Intelligent-Tiering' as given (AWS resolves it to "
                                       "Standard or Advanced)")
def test_intelligent_tiering_is_resolved_by_aws(aws: AwsProvider, boto_clients: Any) -> None:
    SsmParameterManager(provider=aws).apply(SsmParameterDesired(name="/int/it", region=REGION, type="String",
                                                                value="v", tier="Intelligent-Tiering"))
    assert _described(boto_clients, "/int/it")["Tier"] in ("Standard", "Advanced")


def test_intelligent_tiering_as_moto_reports_it_still_plans_empty(aws: AwsProvider) -> None:
    manager = SsmParameterManager(provider=aws)
    desired = SsmParameterDesired(name="/int/it2", region=REGION, type="String", value="v", tier="Intelligent-Tiering")
    manager.apply(desired)
    assert not manager.plan(desired).changed


@pytest.mark.xfail(strict=True, reason="moto 5.2.5 accepts a SecureString KeyId naming no KMS key (AWS raises "
                                       "InvalidKeyId)")
def test_a_key_that_does_not_exist_is_refused(aws: AwsProvider) -> None:
    with pytest.raises(InvalidRequestError):
        SsmParameterManager(provider=aws).apply(SsmParameterDesired(
            name="/int/nokey", region=REGION, type="SecureString", value="v", key_id="alias/does-not-exist"))


def test_parameters_are_found_by_tag_with_their_names_from_the_arn(aws: AwsProvider) -> None:
    manager = SsmParameterManager(provider=aws)
    for name in ("/int/owned/a", "owned-flat"):
        manager.apply(SsmParameterDesired(name=name, region=REGION, type="String", value="v",
                                          tags={"awsstate:stack": "int"}))
    manager.apply(SsmParameterDesired(name="/int/other", region=REGION, type="String", value="v"))
    assert aws.list_tagged(SSM_PARAMETER, REGION, "awsstate:stack", "int") == ["/int/owned/a", "owned-flat"]


def test_an_aws_error_that_echoes_the_value_is_raised_without_it() -> None:
    from awsstate.providers.aws.ssm_parameter import redacted

    error = InvalidRequestError(f"Value '{SECRET}' at 'value' failed to satisfy constraint", kind="ssm_parameter",
                                name="/int/x", aspect="value", operation="PutParameter", code="ValidationException")
    clean = redacted(error, SECRET)
    assert SECRET not in str(clean) and SECRET not in repr(clean) and "Value '(sensitive)'" in str(clean)
    assert (type(clean), clean.code, clean.aspect, clean.operation) == (InvalidRequestError, "ValidationException",
                                                                        "value", "PutParameter")
    assert redacted(error, "something else") is error
