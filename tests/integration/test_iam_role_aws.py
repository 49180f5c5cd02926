"""iam_role's AWS handler against moto in-process: deletion order, references, request counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from structlog.testing import capture_logs

from awsstate import IamPolicyDesired, IamPolicyManager, IamRoleDesired, IamRoleManager, InvalidRequestError
from awsstate.providers.aws import AwsProvider
from awsstate.providers.memory import InMemoryProvider

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
MISSING = "arn:aws:iam::123456789012:policy/missing"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _operations(logs: list[dict[str, Any]]) -> list[str]:
    return [e["operation"] for e in logs if e.get("event") == "aws.call"]


def _policy(provider: Any, name: str) -> str:
    IamPolicyManager(provider=provider).apply(IamPolicyDesired(name=name, document=READ))
    observed = IamPolicyManager(provider=provider).get(name)
    assert observed is not None and observed.arn is not None
    return observed.arn


def test_delete_detaches_removes_inline_and_leaves_instance_profiles_first(
    aws: AwsProvider, boto_clients: Any
) -> None:
    # moto enforces DeleteConflict for DeleteRole like AWS, so this proves the order.
    arn = _policy(aws, "attached")
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="busy-role", trust_policy=TRUST, permissions_boundary=arn,
                                 inline_policies={"read": READ}, managed_policy_arns=[arn]))
    iam = boto_clients("iam", None)
    iam.create_instance_profile(InstanceProfileName="busy-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="busy-profile", RoleName="busy-role")
    with pytest.raises(ClientError, match="DeleteConflict"):
        iam.delete_role(RoleName="busy-role")
    assert manager.delete("busy-role").changed
    assert manager.get("busy-role") is None
    assert iam.get_instance_profile(InstanceProfileName="busy-profile")["InstanceProfile"]["Roles"] == []
    assert IamPolicyManager(provider=aws).delete("attached").changed  # no longer attached


def test_noop_plan_costs_getrole_plus_one_request_per_list_and_inline_policy(aws: AwsProvider) -> None:
    arn = _policy(aws, "cheap")
    desired = IamRoleDesired(name="cheap-role", trust_policy=TRUST, description="d", max_session_duration=7200,
                             permissions_boundary="", tags={"a": "b"}, inline_policies={"one": READ, "two": READ},
                             managed_policy_arns=[arn])
    manager = IamRoleManager(provider=aws)
    manager.apply(desired)
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    operations = _operations(logs)  # after GetRole the two aspects are read concurrently: any order
    assert operations[0] == "GetRole" and sorted(operations[1:]) == [
        "GetRolePolicy", "GetRolePolicy", "ListAttachedRolePolicies", "ListRolePolicies"]


def test_settings_carried_by_getrole_cost_one_request(aws: AwsProvider) -> None:
    desired = IamRoleDesired(name="light-role", trust_policy=TRUST, description="d", max_session_duration=7200,
                             tags={"a": "b"})
    manager = IamRoleManager(provider=aws)
    manager.apply(desired)
    with capture_logs() as logs:
        assert not manager.plan(desired).changed
    assert _operations(logs) == ["GetRole"]


def test_inline_policy_write_touches_only_what_differs(aws: AwsProvider, boto_clients: Any) -> None:
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="inline-role", trust_policy=TRUST, inline_policies={"keep": READ, "old": READ}))
    with capture_logs() as logs:
        manager.apply(IamRoleDesired(name="inline-role", inline_policies={"keep": READ, "new": READ}))
    writes = [op for op in _operations(logs) if op.startswith(("Put", "Delete"))]
    assert writes == ["PutRolePolicy", "DeleteRolePolicy"]
    assert sorted(boto_clients("iam", None).list_role_policies(RoleName="inline-role")["PolicyNames"]) == [
        "keep", "new"]


def test_attached_policies_converge_to_the_set(aws: AwsProvider, boto_clients: Any) -> None:
    one, two = _policy(aws, "one"), _policy(aws, "two")
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="set-role", trust_policy=TRUST, managed_policy_arns=[one]))
    boto_clients("iam", None).attach_role_policy(RoleName="set-role", PolicyArn=two)  # drift
    desired = IamRoleDesired(name="set-role", managed_policy_arns=[two])
    assert manager.plan(desired).changed
    manager.apply(desired)
    attached = boto_clients("iam", None).list_attached_role_policies(RoleName="set-role")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [two]
    manager.apply(IamRoleDesired(name="set-role", managed_policy_arns=[]))
    assert boto_clients("iam", None).list_attached_role_policies(RoleName="set-role")["AttachedPolicies"] == []


@pytest.mark.parametrize("backend", ["memory", "moto"])
def test_attaching_a_missing_policy_is_an_error_naming_the_field(backend: str, aws: AwsProvider) -> None:
    provider: Any = InMemoryProvider() if backend == "memory" else aws
    manager = IamRoleManager(provider=provider)
    manager.apply(IamRoleDesired(name="ref-role", trust_policy=TRUST))
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(IamRoleDesired(name="ref-role", managed_policy_arns=[MISSING]))
    assert caught.value.aspect == "managed_policy_arns"
    assert MISSING in str(caught.value) and "(managed_policy_arns)" in str(caught.value)


def test_attaching_a_missing_policy_on_create_fails_fast(aws: AwsProvider) -> None:
    # Not mistaken for the new role's eventual consistency: no waiting out the settle budget.
    from awsstate.manager import SettlePolicy

    manager = IamRoleManager(provider=aws, settle=SettlePolicy(timeout=0.5))
    with pytest.raises(InvalidRequestError, match="managed_policy_arns"):
        manager.apply(IamRoleDesired(name="new-ref-role", trust_policy=TRUST, managed_policy_arns=[MISSING]))


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: PutRolePermissionsBoundary accepts a policy ARN that does "
                                       "not exist (AWS: NoSuchEntity); the in-memory provider refuses it")
def test_missing_permissions_boundary_is_an_error_naming_the_field(aws: AwsProvider) -> None:
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="boundary-role", trust_policy=TRUST))
    with pytest.raises(InvalidRequestError, match="permissions_boundary"):
        manager.apply(IamRoleDesired(name="boundary-role", permissions_boundary=MISSING))


@pytest.mark.xfail(strict=True, reason="moto 5.2.5: UpdateRole without Description clears the description "
                                       "(AWS leaves it); awsstate writes the description with "
                                       "UpdateRoleDescription, after the session duration")
def test_moto_update_role_keeps_an_omitted_description(boto_clients: Any) -> None:
    iam = boto_clients("iam", None)
    iam.create_role(RoleName="raw-role", AssumeRolePolicyDocument=json.dumps(TRUST), Description="keep me")
    iam.update_role(RoleName="raw-role", MaxSessionDuration=7200)
    assert iam.get_role(RoleName="raw-role")["Role"].get("Description") == "keep me"


def test_session_and_description_change_together_converge(aws: AwsProvider) -> None:
    manager = IamRoleManager(provider=aws)
    manager.apply(IamRoleDesired(name="both-role", trust_policy=TRUST, description="a", max_session_duration=3600))
    desired = IamRoleDesired(name="both-role", description="b", max_session_duration=7200)
    manager.apply(desired)
    assert not manager.plan(desired).changed


def test_trust_policy_drift_made_out_of_band_is_reverted(aws: AwsProvider, boto_clients: Any) -> None:
    desired = IamRoleDesired(name="trusty", trust_policy=TRUST)
    manager = IamRoleManager(provider=aws)
    manager.apply(desired)
    other = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "lambda.amazonaws.com"}}]}
    boto_clients("iam", None).update_assume_role_policy(RoleName="trusty", PolicyDocument=json.dumps(other))
    assert manager.plan(desired).aspects == ("trust_policy",)
    manager.apply(desired)
    assert not manager.plan(desired).changed


@pytest.fixture
def moto_with_aws_managed_policies() -> Iterator[AwsProvider]:
    # Only the outermost mock_aws honours this config, so this test does not use the `aws` fixture.
    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        yield AwsProvider(boto3.Session(region_name="us-east-1"), region="us-east-1", max_attempts=2)


def test_aws_managed_policy_is_attached_and_detached(moto_with_aws_managed_policies: AwsProvider) -> None:
    manager = IamRoleManager(provider=moto_with_aws_managed_policies)
    desired = IamRoleDesired(name="reader", trust_policy=TRUST, managed_policy_arns=[READ_ONLY])
    manager.apply(desired)
    assert not manager.plan(desired).changed
    assert manager.delete("reader").changed
