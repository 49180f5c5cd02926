"""Plan tables and call budgets for iam_role on the in-memory provider."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    IamPolicyDesired,
    IamPolicyManager,
    IamRoleDesired,
    IamRoleManager,
    InMemoryProvider,
    InvalidRequestError,
    RecordingProvider,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.kinds import kind_spec

NAME = "plan-table-role"
TRUST: dict[str, Json] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
TRUST_REWRITTEN = ('{"Version":"2012-10-17","Statement":{"Action":["STS:AssumeRole"],'
                   '"Principal":{"Service":["ec2.amazonaws.com"]},"Effect":"Allow"}}')
TRUST_LAMBDA: dict[str, Json] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
READ: dict[str, Json] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}],
}
READ_REWRITTEN = {"Version": "2012-10-17",
                  "Statement": {"Effect": "Allow", "Action": ["s3:listbucket", "s3:GetObject"], "Resource": ["*"]}}
WRITE: dict[str, Json] = {"Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
ACCOUNT = "123456789012"
P1 = f"arn:aws:iam::{ACCOUNT}:policy/p1"
P2 = f"arn:aws:iam::{ACCOUNT}:policy/p2"


def _policies(memory: InMemoryProvider) -> None:
    for name in ("p1", "p2"):
        IamPolicyManager(provider=memory).apply(IamPolicyDesired(name=name, document=WRITE))


def _existing(memory: InMemoryProvider, **fields: Any) -> None:
    _policies(memory)
    IamRoleManager(provider=memory).apply(IamRoleDesired(name=NAME, trust_policy=TRUST, **fields))


UPDATE_TABLE: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {}, {}, []),
    ("trust-equal-by-meaning", {}, {"trust_policy": TRUST_REWRITTEN}, []),
    ("trust-changed", {}, {"trust_policy": TRUST_LAMBDA}, [("trust_policy", TRUST_LAMBDA)]),
    ("description-set", {}, {"description": "runs jobs"}, [("description", "runs jobs")]),
    ("description-empty-on-none-is-satisfied", {}, {"description": ""}, []),
    ("description-empty-clears", {"description": "old"}, {"description": ""}, [("description", None)]),
    ("max-session-default-is-3600", {}, {"max_session_duration": 3600}, []),
    ("max-session-changed", {}, {"max_session_duration": 7200}, [("max_session_duration", 7200)]),
    ("boundary-set", {}, {"permissions_boundary": P1}, [("permissions_boundary", P1)]),
    ("boundary-empty-on-none-is-satisfied", {}, {"permissions_boundary": ""}, []),
    ("boundary-empty-removes", {"permissions_boundary": P1}, {"permissions_boundary": ""},
     [("permissions_boundary", None)]),
    ("tags-added", {}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-empty-removes-all", {"tags": {"env": "dev"}}, {"tags": {}}, [("tags", {})]),
    ("inline-added", {}, {"inline_policies": {"read": READ}}, [("inline_policies", {"read": READ})]),
    ("inline-equal-by-meaning", {"inline_policies": {"read": READ}}, {"inline_policies": {"read": READ_REWRITTEN}},
     []),
    ("inline-changed", {"inline_policies": {"read": READ}}, {"inline_policies": {"read": WRITE}},
     [("inline_policies", {"read": WRITE})]),
    ("inline-extra-removed", {"inline_policies": {"read": READ, "write": WRITE}}, {"inline_policies": {"read": READ}},
     [("inline_policies", {"read": READ})]),
    ("inline-empty-removes-all", {"inline_policies": {"read": READ}}, {"inline_policies": {}},
     [("inline_policies", {})]),
    ("managed-attached", {}, {"managed_policy_arns": [P2, P1]}, [("managed_policy_arns", [P1, P2])]),
    ("managed-order-and-duplicates-do-not-matter", {"managed_policy_arns": [P1, P2]},
     {"managed_policy_arns": [P2, P1, P2]}, []),
    ("managed-empty-detaches-all", {"managed_policy_arns": [P1]}, {"managed_policy_arns": []},
     [("managed_policy_arns", [])]),
    ("same-path-is-no-change", {"path": "/svc/"}, {"path": "/svc/"}, []),
]


@pytest.mark.parametrize(("existing", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, existing: dict[str, Any], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **existing)
    plan = IamRoleManager(provider=memory).plan(IamRoleDesired(name=NAME, **fields))
    assert [(a.aspect, a.after) for a in plan.actions] == expected
    assert all(a.type == "update" for a in plan.actions)


def test_create_plan_carries_getrole_settings_and_writes_only_policies(memory: InMemoryProvider) -> None:
    _policies(memory)
    desired = IamRoleDesired(name=NAME, path="/svc/", trust_policy=TRUST, description="d", max_session_duration=7200,
                             permissions_boundary=P1, tags={"env": "dev"}, inline_policies={"read": READ},
                             managed_policy_arns=[P2])
    plan = IamRoleManager(provider=memory).plan(desired)
    assert [(a.type, a.aspect) for a in plan.actions] == [
        ("create", None), ("update", "inline_policies"), ("update", "managed_policy_arns")]
    assert plan.actions[0].after == {"path": "/svc/", "trust_policy": TRUST, "max_session_duration": 7200,
                                     "description": "d", "permissions_boundary": P1, "tags": {"env": "dev"}}


def test_create_with_no_policies_is_one_write(recorder: RecordingProvider) -> None:
    desired = IamRoleDesired(name=NAME, trust_policy=TRUST, inline_policies={}, managed_policy_arns=[])
    IamRoleManager(provider=recorder).apply(desired)
    assert [c.operation for c in recorder.writes] == ["create"]


def test_created_role_has_an_arn_with_its_path(memory: InMemoryProvider) -> None:
    manager = IamRoleManager(provider=memory)
    manager.apply(IamRoleDesired(name=NAME, path="/svc/", trust_policy=TRUST))
    observed = manager.get(NAME)
    assert observed is not None
    assert observed.arn == f"arn:aws:iam::{ACCOUNT}:role/svc/{NAME}"
    assert observed.max_session_duration == 3600 and observed.inline_policies == {}


def test_path_change_is_planned_as_replace_with_its_reason(memory: InMemoryProvider) -> None:
    _existing(memory, path="/svc/", inline_policies={"read": READ})
    manager = IamRoleManager(provider=memory)
    desired = IamRoleDesired(name=NAME, path="/other/", trust_policy=TRUST, inline_policies={"read": READ})
    plan = manager.plan(desired)
    assert plan.actions[0].type == "replace"
    assert "path is fixed at creation: /svc/ -> /other/" in plan.actions[0].details
    with pytest.raises(UnsafeChangeError):
        manager.apply(desired)
    manager.apply(desired, allow_replace=True)
    assert not manager.plan(desired).changed


def test_create_without_trust_policy_is_refused_before_any_write(recorder: RecordingProvider) -> None:
    with pytest.raises(AwsStateError, match="trust_policy is required"):
        IamRoleManager(provider=recorder).apply(IamRoleDesired(name=NAME, tags={"env": "dev"}))
    assert recorder.writes == []


@pytest.mark.parametrize(("field", "value"), [
    ("managed_policy_arns", [f"arn:aws:iam::{ACCOUNT}:policy/missing"]),
    ("permissions_boundary", f"arn:aws:iam::{ACCOUNT}:policy/missing"),
])
def test_reference_to_a_missing_policy_is_an_error_naming_the_field(
    memory: InMemoryProvider, field: str, value: Any
) -> None:
    _existing(memory)
    with pytest.raises(InvalidRequestError) as caught:
        IamRoleManager(provider=memory).apply(IamRoleDesired(name=NAME, **{field: value}))
    assert caught.value.aspect == field and caught.value.code == "NoSuchEntity"
    assert f"({field})" in str(caught.value) and "policy/missing does not exist" in str(caught.value)


def test_aws_managed_policy_can_be_attached_once_the_world_knows_it(memory: InMemoryProvider) -> None:
    # The fake has no AWS managed policies preloaded; tests declare the ones they use.
    memory.world.claim(kind_spec("iam_policy"), "ReadOnlyAccess", region="us-east-1", account_id="aws")
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    _existing(memory, managed_policy_arns=[arn])
    assert not IamRoleManager(provider=memory).plan(IamRoleDesired(name=NAME, managed_policy_arns=[arn])).changed


def test_policy_used_as_boundary_only_can_be_deleted(memory: InMemoryProvider) -> None:
    _existing(memory, permissions_boundary=P1)
    assert IamPolicyManager(provider=memory).delete("p1").changed


def test_deleting_a_role_frees_its_policies(memory: InMemoryProvider) -> None:
    _existing(memory, managed_policy_arns=[P1])
    IamRoleManager(provider=memory).delete(NAME)
    assert IamPolicyManager(provider=memory).delete("p1").changed


# -- call budgets -----------------------------------------------------------------------------


def _full() -> IamRoleDesired:
    return IamRoleDesired(name=NAME, path="/svc/", trust_policy=TRUST, description="d", max_session_duration=7200,
                          permissions_boundary="", tags={"env": "dev"}, inline_policies={"read": READ},
                          managed_policy_arns=[P1])


def test_noop_plan_reads_getrole_inline_and_attached_only(memory: InMemoryProvider) -> None:
    _policies(memory)
    recorder = RecordingProvider(memory)
    manager = IamRoleManager(provider=recorder)
    manager.apply(_full())
    recorder.clear()
    assert not manager.apply(_full()).changed
    assert [(c.operation, c.aspect) for c in recorder.calls] == [
        ("read_existence", None), ("read_aspect", "inline_policies"), ("read_aspect", "managed_policy_arns")]
    assert recorder.writes == []
    assert len(recorder.reads) <= len(IamRoleManager.spec.managed(_full())) + 1


@pytest.mark.parametrize(("aspect", "value"), [
    ("trust_policy", TRUST_LAMBDA),
    ("description", "changed"),
    ("max_session_duration", 3600),
    ("permissions_boundary", P2),
    ("tags", {"env": "hacked"}),
    ("inline_policies", {"read": READ, "sneaky": WRITE}),
    ("managed_policy_arns", [P1, P2]),
])
def test_drift_is_reverted_with_one_write(memory: InMemoryProvider, aspect: str, value: Json) -> None:
    _policies(memory)
    recorder = RecordingProvider(memory)
    manager = IamRoleManager(provider=recorder)
    manager.apply(_full())
    memory.world.set_aspect("iam_role", NAME, aspect, value)
    assert manager.plan(_full()).aspects == (aspect,)
    recorder.clear()
    manager.apply(_full())
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", aspect)]
    assert not manager.plan(_full()).changed


def test_absent_deletes_with_one_write_and_is_then_a_no_op(memory: InMemoryProvider) -> None:
    _policies(memory)
    recorder = RecordingProvider(memory)
    manager = IamRoleManager(provider=recorder)
    manager.apply(_full())
    recorder.clear()
    gone = _full().model_copy(update={"state": "absent"})
    assert manager.apply(gone).changed
    assert [c.operation for c in recorder.writes] == ["delete"]
    assert manager.get(NAME) is None
    recorder.clear()
    assert not manager.apply(gone).changed and recorder.writes == []
