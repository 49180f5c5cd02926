"""Plan tables and call budgets for iam_policy on the in-memory provider."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    IamPolicyDesired,
    IamPolicyManager,
    InMemoryProvider,
    RecordingProvider,
    UnsafeChangeError,
)
from awsstate.canonical import Json

NAME = "plan-table-policy"
DOC: dict[str, Json] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}],
}
# The same meaning, written differently: one statement object, actions reordered and in other case.
SAME_DOC_REWRITTEN = ('{"Statement": {"Resource": ["*"], "Action": ["S3:ListBucket", "s3:GetObject"],'
                      ' "Effect": "Allow"}, "Version": "2012-10-17"}')
OTHER_DOC: dict[str, Json] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}],
}


def _existing(memory: InMemoryProvider, **fields: Any) -> None:
    IamPolicyManager(provider=memory).apply(IamPolicyDesired(name=NAME, document=DOC, **fields))


UPDATE_TABLE: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {}, {}, []),
    ("same-document-is-no-change", {}, {"document": DOC}, []),
    ("document-equal-by-meaning-is-no-change", {}, {"document": SAME_DOC_REWRITTEN}, []),
    ("document-changed", {}, {"document": OTHER_DOC}, [("document", OTHER_DOC)]),
    ("tags-added", {}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-equal", {"tags": {"env": "dev"}}, {"tags": {"env": "dev"}}, []),
    ("tags-empty-removes-all", {"tags": {"env": "dev"}}, {"tags": {}}, [("tags", {})]),
    ("tags-number-equals-string", {"tags": {"n": "7"}}, {"tags": {"n": 7}}, []),
    ("same-path-is-no-change", {"path": "/team/"}, {"path": "/team/"}, []),
    ("empty-description-equals-none", {}, {"description": ""}, []),
]


@pytest.mark.parametrize(("existing", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, existing: dict[str, Any], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **existing)
    plan = IamPolicyManager(provider=memory).plan(IamPolicyDesired(name=NAME, **fields))
    assert [(a.aspect, a.after) for a in plan.actions] == expected
    assert all(a.type == "update" for a in plan.actions)


def test_create_plan_is_one_create_carrying_everything(memory: InMemoryProvider) -> None:
    desired = IamPolicyDesired(name=NAME, path="/team/", description="reads", document=DOC, tags={"env": "dev"})
    plan = IamPolicyManager(provider=memory).plan(desired)
    assert [a.type for a in plan.actions] == ["create"]
    assert plan.actions[0].after == {"path": "/team/", "description": "reads", "document": DOC,
                                     "tags": {"env": "dev"}}


def test_created_policy_has_an_arn_with_its_path(memory: InMemoryProvider) -> None:
    manager = IamPolicyManager(provider=memory)
    manager.apply(IamPolicyDesired(name=NAME, path="/team/", document=DOC))
    observed = manager.get(NAME)
    assert observed is not None
    assert observed.arn == f"arn:aws:iam::123456789012:policy/team/{NAME}"
    assert observed.path == "/team/"


@pytest.mark.parametrize(("field", "before", "after"), [
    ("description", "reads", "writes"),
    ("description", "reads", ""),
    ("path", "/team/", "/other/"),
])
def test_create_only_change_is_planned_as_replace_with_its_reason(
    memory: InMemoryProvider, field: str, before: str, after: str
) -> None:
    _existing(memory, **{field: before})
    manager = IamPolicyManager(provider=memory)
    desired = IamPolicyDesired(name=NAME, document=DOC, **{field: after})
    plan = manager.plan(desired)
    assert plan.actions[0].type == "replace"
    assert f"{field} is fixed at creation" in plan.actions[0].details
    with pytest.raises(UnsafeChangeError, match="allow_replace"):
        manager.apply(desired)
    manager.apply(desired, allow_replace=True)
    assert not manager.plan(desired).changed


def test_create_without_document_is_refused_before_any_write(recorder: RecordingProvider) -> None:
    with pytest.raises(AwsStateError, match="document is required"):
        IamPolicyManager(provider=recorder).apply(IamPolicyDesired(name=NAME, tags={"env": "dev"}))
    assert recorder.writes == []


def test_tags_alone_can_be_managed_on_an_existing_policy(memory: InMemoryProvider) -> None:
    _existing(memory)
    manager = IamPolicyManager(provider=memory)
    manager.apply(IamPolicyDesired(name=NAME, tags={"team": "data"}))
    observed = manager.get(NAME)
    assert observed is not None and observed.tags == {"team": "data"} and observed.document == DOC


# -- call budgets -----------------------------------------------------------------------------

FULL = IamPolicyDesired(name=NAME, path="/team/", description="reads", document=DOC, tags={"env": "dev"})


def test_noop_plan_reads_existence_and_the_document_only(recorder: RecordingProvider) -> None:
    manager = IamPolicyManager(provider=recorder)
    manager.apply(FULL)
    recorder.clear()
    assert not manager.apply(FULL).changed
    # Tags come with the existence read (GetPolicy); the document is one more read.
    assert [(c.operation, c.aspect) for c in recorder.calls] == [("read_existence", None), ("read_aspect", "document")]
    assert recorder.writes == []
    assert len(recorder.reads) <= len(IamPolicyManager.spec.managed(FULL)) + 1


def test_create_is_one_write(recorder: RecordingProvider) -> None:
    IamPolicyManager(provider=recorder).apply(FULL)
    assert [c.operation for c in recorder.writes] == ["create"]


@pytest.mark.parametrize(("aspect", "value"), [
    ("document", OTHER_DOC),
    ("tags", {"env": "hacked"}),
])
def test_drift_is_reverted_with_one_write(recorder: RecordingProvider, aspect: str, value: Json) -> None:
    memory = recorder.inner
    assert isinstance(memory, InMemoryProvider)
    manager = IamPolicyManager(provider=recorder)
    manager.apply(FULL)
    memory.world.set_aspect("iam_policy", NAME, aspect, value)
    assert manager.plan(FULL).aspects == (aspect,)
    recorder.clear()
    manager.apply(FULL)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", aspect)]
    assert not manager.plan(FULL).changed


def test_absent_deletes_with_one_write_and_is_then_a_no_op(recorder: RecordingProvider) -> None:
    manager = IamPolicyManager(provider=recorder)
    manager.apply(FULL)
    recorder.clear()
    gone = FULL.model_copy(update={"state": "absent"})
    assert manager.apply(gone).changed
    assert [c.operation for c in recorder.writes] == ["delete"]
    assert manager.get(NAME) is None
    recorder.clear()
    assert not manager.apply(gone).changed
    assert recorder.writes == []
