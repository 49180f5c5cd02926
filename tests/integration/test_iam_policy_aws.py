"""iam_policy's AWS handler against moto in-process: versions, paths, account id, deletion rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from structlog.testing import capture_logs

from awsstate import IamPolicyDesired, IamPolicyManager, InvalidRequestError, RecordingProvider
from awsstate.kinds import kind_spec
from awsstate.providers.aws import AwsProvider
from awsstate.providers.memory import InMemoryProvider
from tests.integration.conftest import SESSION

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def _doc(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def _arn(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::123456789012:policy{path}{name}"


def test_document_change_creates_a_new_default_version(aws: AwsProvider, boto_clients: Any) -> None:
    manager = IamPolicyManager(provider=aws)
    manager.apply(IamPolicyDesired(name="versioned", document=_doc("s3:GetObject")))
    manager.apply(IamPolicyDesired(name="versioned", document=_doc("s3:PutObject")))
    versions = boto_clients("iam", None).list_policy_versions(PolicyArn=_arn("versioned"))["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v1", "v2"]
    assert next(v for v in versions if v["IsDefaultVersion"])["VersionId"] == "v2"


def test_sixth_document_deletes_the_oldest_non_default_version_first(aws: AwsProvider, boto_clients: Any) -> None:
    manager = IamPolicyManager(provider=aws)
    for i in range(7):
        manager.apply(IamPolicyDesired(name="busy", document=_doc(f"s3:Action{i}")))
    versions = boto_clients("iam", None).list_policy_versions(PolicyArn=_arn("busy"))["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v3", "v4", "v5", "v6", "v7"]
    assert next(v for v in versions if v["IsDefaultVersion"])["VersionId"] == "v7"
    observed = manager.get("busy")
    assert observed is not None and observed.document == _doc("s3:Action6")


def test_delete_removes_non_default_versions_then_the_policy(aws: AwsProvider, boto_clients: Any) -> None:
    manager = IamPolicyManager(provider=aws)
    for i in range(3):
        manager.apply(IamPolicyDesired(name="old", document=_doc(f"s3:Action{i}")))
    recorder = RecordingProvider(aws)
    with capture_logs() as logs:
        assert IamPolicyManager(provider=recorder).delete("old").changed
    operations = [e["operation"] for e in logs if e.get("event") == "aws.call"]
    assert operations.count("DeletePolicyVersion") == 2
    assert operations.index("DeletePolicy") > max(i for i, op in enumerate(operations) if op == "DeletePolicyVersion")
    assert [c.operation for c in recorder.writes] == ["delete"]
    with pytest.raises(ClientError, match="NoSuchEntity"):
        boto_clients("iam", None).get_policy(PolicyArn=_arn("old"))


def test_policy_at_a_path_is_found_by_name_by_a_fresh_provider(aws: AwsProvider) -> None:
    desired = IamPolicyDesired(name="deep", path="/a/b/", document=_doc("s3:GetObject"), tags={"k": "v"})
    IamPolicyManager(provider=aws).apply(desired)
    fresh = IamPolicyManager(provider=AwsProvider(SESSION, region="us-east-1", max_attempts=2))
    observed = fresh.get("deep")
    assert observed is not None
    assert observed.arn == _arn("deep", "/a/b/") and observed.path == "/a/b/" and observed.tags == {"k": "v"}
    assert not fresh.plan(desired).changed


def test_account_id_is_looked_up_once_per_provider(aws: AwsProvider) -> None:
    manager = IamPolicyManager(provider=aws)
    with capture_logs() as logs:
        for name in ("one", "two", "three"):
            manager.apply(IamPolicyDesired(name=name, document=_doc("s3:GetObject")))
            manager.plan(IamPolicyDesired(name=name, document=_doc("s3:GetObject")))
    operations = [e["operation"] for e in logs if e.get("event") == "aws.call"]
    assert operations.count("GetCallerIdentity") == 1


def test_noop_plan_is_two_requests(aws: AwsProvider) -> None:
    desired = IamPolicyDesired(name="cheap", description="d", document=_doc("s3:GetObject"), tags={"a": "b"})
    manager = IamPolicyManager(provider=aws)
    manager.apply(desired)
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    assert [e["operation"] for e in logs if e.get("event") == "aws.call"] == ["GetPolicy", "GetPolicyVersion"]


def test_document_drift_made_out_of_band_is_reverted(aws: AwsProvider, boto_clients: Any) -> None:
    desired = IamPolicyDesired(name="drifty", document=_doc("s3:GetObject"))
    manager = IamPolicyManager(provider=aws)
    manager.apply(desired)
    boto_clients("iam", None).create_policy_version(PolicyArn=_arn("drifty"), SetAsDefault=True,
                                                    PolicyDocument=json.dumps(_doc("s3:*")))
    assert manager.plan(desired).aspects == ("document",)
    manager.apply(desired)
    assert not manager.plan(desired).changed


@pytest.mark.parametrize("backend", ["memory", "moto"])
def test_deleting_an_attached_policy_is_refused_naming_what_to_do(
    backend: str, aws: AwsProvider, boto_clients: Any
) -> None:
    from awsstate.spec import ResourceRef

    provider: Any = InMemoryProvider() if backend == "memory" else aws
    manager = IamPolicyManager(provider=provider)
    manager.apply(IamPolicyDesired(name="in-use", document=_doc("s3:GetObject")))
    if backend == "memory":
        provider.create(ResourceRef(kind_spec("iam_role"), "user-role"), {"trust_policy": TRUST})
        provider.write_aspect(ResourceRef(kind_spec("iam_role"), "user-role"), "managed_policy_arns", [_arn("in-use")])
    else:
        iam = boto_clients("iam", None)
        iam.create_role(RoleName="user-role", AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.attach_role_policy(RoleName="user-role", PolicyArn=_arn("in-use"))
    with pytest.raises(InvalidRequestError) as caught:
        manager.delete("in-use")
    assert caught.value.code == "DeleteConflict"
    assert "iam_role 'user-role'" in str(caught.value)
    assert "managed_policy_arns" in str(caught.value)
    assert manager.get("in-use") is not None


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: delete_policy succeeds while the policy is attached "
                                       "(AWS raises DeleteConflict); awsstate checks AttachmentCount itself")
def test_moto_refuses_deleting_an_attached_policy(boto_clients: Any) -> None:
    iam = boto_clients("iam", None)
    arn = iam.create_policy(PolicyName="raw", PolicyDocument=json.dumps(_doc("s3:GetObject")))["Policy"]["Arn"]
    iam.create_role(RoleName="raw-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="raw-role", PolicyArn=arn)
    with pytest.raises(ClientError, match="DeleteConflict"):
        iam.delete_policy(PolicyArn=arn)


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: delete_policy succeeds while non-default versions exist "
                                       "(AWS raises DeleteConflict); awsstate deletes them first")
def test_moto_refuses_deleting_a_policy_with_non_default_versions(boto_clients: Any) -> None:
    iam = boto_clients("iam", None)
    arn = iam.create_policy(PolicyName="raw2", PolicyDocument=json.dumps(_doc("s3:GetObject")))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(_doc("s3:PutObject")), SetAsDefault=True)
    with pytest.raises(ClientError, match="DeleteConflict"):
        iam.delete_policy(PolicyArn=arn)
