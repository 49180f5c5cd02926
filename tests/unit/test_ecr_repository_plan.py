"""Plans, create-only encryption, images and force_destroy, and call budgets for ecr_repository, in
memory (the in-memory provider follows real AWS: new repositories MUTABLE, unscanned, AES256)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from awsstate import (
    EcrRepositoryDesired,
    EcrRepositoryManager,
    InMemoryProvider,
    InvalidRequestError,
    RecordingProvider,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.plan import CreateAction, DeleteAction, Plan, ReplaceAction, UpdateAction
from awsstate.resources.ecr_repository.kind import RepositoryImages
from awsstate.testing import FakeClock
from tests.examples.ecr_repository import lifecycle, pull_policy

NAME = "team/orders"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LIFECYCLE = lifecycle(10)
POLICY = pull_policy()


def _manager(provider: Any) -> EcrRepositoryManager:
    return EcrRepositoryManager(provider=provider, clock=FakeClock())


def _desired(**fields: Any) -> EcrRepositoryDesired:
    return EcrRepositoryDesired(name=NAME, region=REGION, **fields)


def _existing(memory: InMemoryProvider, aspects: Mapping[str, Json] | None = None, **create: Any) -> None:
    _manager(memory).apply(_desired(**create))
    for aspect, value in (aspects or {}).items():
        memory.world.set_aspect("ecr_repository", NAME, aspect, value, region=REGION)


def _images(memory: InMemoryProvider) -> RepositoryImages:
    images: RepositoryImages = memory.world.contents("ecr_repository", NAME, REGION)
    return images


def _changes(plan: Plan) -> list[tuple[str, Json]]:
    assert all(isinstance(a, UpdateAction) for a in plan.actions), plan
    return [(a.aspect, a.after) for a in plan.actions if isinstance(a, UpdateAction)]


UPDATES: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed", {"scan_on_push": True, "policy": POLICY}, {}, []),
    ("aws-defaults-satisfied", {}, {"image_tag_mutability": "MUTABLE", "image_tag_mutability_exclusion_filters": [],
                                    "scan_on_push": False, "lifecycle_policy": {}, "policy": {}, "tags": {}}, []),
    ("immutable", {}, {"image_tag_mutability": "IMMUTABLE"}, [("image_tag_mutability", "IMMUTABLE")]),
    ("immutable-with-exclusions-filters-first", {},
     {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "image_tag_mutability_exclusion_filters": ["v*", "latest"]},
     [("image_tag_mutability_exclusion_filters", ["latest", "v*"]),
      ("image_tag_mutability", "IMMUTABLE_WITH_EXCLUSION")]),
    ("filters-order-is-no-diff",
     {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "image_tag_mutability_exclusion_filters": ["b", "a"]},
     {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "image_tag_mutability_exclusion_filters": ["a", "b"]}, []),
    ("filters-changed",
     {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION", "image_tag_mutability_exclusion_filters": ["a"]},
     {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION", "image_tag_mutability_exclusion_filters": ["b"]},
     [("image_tag_mutability_exclusion_filters", ["b"])]),
    ("mutability-unmanaged-drift-ignored", {"image_tag_mutability": "IMMUTABLE"}, {"scan_on_push": False}, []),
    ("scan-on", {}, {"scan_on_push": True}, [("scan_on_push", True)]),
    ("scan-off", {"scan_on_push": True}, {"scan_on_push": False}, [("scan_on_push", False)]),
    ("lifecycle-set", {}, {"lifecycle_policy": LIFECYCLE}, [("lifecycle_policy", LIFECYCLE)]),
    ("lifecycle-equal-rules-reordered", {"lifecycle_policy": {"rules": list(reversed(LIFECYCLE["rules"]))}},
     {"lifecycle_policy": LIFECYCLE}, []),
    ("lifecycle-text-equals-mapping", {"lifecycle_policy": LIFECYCLE}, {"lifecycle_policy": json.dumps(LIFECYCLE)},
     []),
    ("lifecycle-changed", {"lifecycle_policy": LIFECYCLE}, {"lifecycle_policy": lifecycle(20)},
     [("lifecycle_policy", lifecycle(20))]),
    ("lifecycle-removed", {"lifecycle_policy": LIFECYCLE}, {"lifecycle_policy": {}}, [("lifecycle_policy", None)]),
    ("policy-set", {}, {"policy": POLICY}, [("policy", POLICY)]),
    ("policy-equal-action-order", {"policy": pull_policy("ecr:ListImages")},
     {"policy": {**POLICY, "Statement": [{**POLICY["Statement"][0],
                                          "Action": ["ecr:ListImages", *reversed(POLICY["Statement"][0]["Action"])]}]}},
     []),
    ("policy-removed", {"policy": POLICY}, {"policy": {}}, [("policy", None)]),
    ("tags-set", {}, {"tags": {"team": "a"}}, [("tags", {"team": "a"})]),
    ("tags-not-purged", {"tags": {"old": "x"}}, {"tags": {"team": "a"}, "purge_tags": False},
     [("tags", {"old": "x", "team": "a"})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"),
                         [pytest.param(o, f, e, id=i) for i, o, f, e in UPDATES])
def test_plan_table(memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any],
                    expected: list[tuple[str, Json]]) -> None:
    _existing(memory, observed)
    recorder = RecordingProvider(memory)
    desired = _desired(**fields)
    plan = _manager(recorder).plan(desired)
    assert _changes(plan) == expected, str(plan)
    assert recorder.writes == []
    assert len(recorder.reads) <= len(EcrRepositoryManager.spec.managed(desired)) + 1
    _manager(memory).apply(desired)
    assert not _manager(memory).plan(desired).changed


def test_a_create_is_one_call_carrying_mutability_scanning_encryption_and_tags(recorder: RecordingProvider) -> None:
    desired = _desired(image_tag_mutability="IMMUTABLE_WITH_EXCLUSION", image_tag_mutability_exclusion_filters=["dev*"],
                       scan_on_push=True, encryption_type="KMS", kms_key=KEY, tags={"team": "a"},
                       lifecycle_policy=LIFECYCLE, policy=POLICY)
    plan = _manager(recorder).plan(desired)
    create = plan.actions[0]
    assert isinstance(create, CreateAction)
    assert create.params == {"encryption_type": "KMS", "kms_key": KEY,
                             "image_tag_mutability_exclusion_filters": ["dev*"],
                             "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION", "scan_on_push": True,
                             "tags": {"team": "a"}}
    assert [a.aspect for a in plan.actions[1:]] == ["lifecycle_policy", "policy"]
    result = _manager(recorder).apply(desired)
    assert result.observed is not None
    assert result.observed.repository_url == f"123456789012.dkr.ecr.{REGION}.amazonaws.com/{NAME}"
    assert result.observed.arn == f"arn:aws:ecr:{REGION}:123456789012:repository/{NAME}"
    assert not _manager(recorder).plan(desired).changed


# -- encryption is fixed at creation: a replace, which images refuse unless force_destroy ------------------

@pytest.mark.parametrize(("created", "wanted"), [
    ({}, {"encryption_type": "KMS"}),
    ({"encryption_type": "KMS", "kms_key": KEY}, {"encryption_type": "KMS",
                                                  "kms_key": KEY.replace("1234abcd", "5678abcd")}),
])
def test_an_encryption_change_is_a_replace(memory: InMemoryProvider, created: dict[str, Any],
                                           wanted: dict[str, Any]) -> None:
    _existing(memory, **created)
    desired = _desired(**wanted)
    plan = _manager(memory).plan(desired)
    assert isinstance(plan.actions[0], ReplaceAction) and "is fixed at creation" in str(plan)
    with pytest.raises(UnsafeChangeError):
        _manager(memory).apply(desired)
    _manager(memory).apply(desired, allow_replace=True)
    assert not _manager(memory).plan(desired).changed


def test_a_key_left_unset_is_not_compared(memory: InMemoryProvider) -> None:
    _existing(memory, encryption_type="KMS", kms_key=KEY)
    assert not _manager(memory).plan(_desired(encryption_type="KMS")).changed


def test_a_replace_of_a_repository_with_images_needs_force_destroy(memory: InMemoryProvider) -> None:
    _existing(memory)
    _images(memory).put_image("v1")
    desired = _desired(encryption_type="KMS")
    with pytest.raises(InvalidRequestError, match="force_destroy"):
        _manager(memory).apply(desired, allow_replace=True)
    assert _images(memory).summary() == "1 image(s)"
    forced = desired.model_copy(update={"force_destroy": True})
    assert "every image in it will be deleted with it (force_destroy)" in str(_manager(memory).plan(forced))
    _manager(memory).apply(forced, allow_replace=True)
    assert _images(memory).summary() is None


# -- absent ----------------------------------------------------------------------------------------------

def test_absent_refuses_a_repository_with_images_unless_force_destroy(memory: InMemoryProvider) -> None:
    _existing(memory)
    _images(memory).put_image("v1")
    _images(memory).put_image(None)
    gone = _desired(state="absent")
    with pytest.raises(InvalidRequestError, match="force_destroy=True to delete every image in it"):
        _manager(memory).apply(gone)
    assert _manager(memory).get(NAME, REGION) is not None
    forced = gone.model_copy(update={"force_destroy": True})
    plan = _manager(memory).plan(forced)
    assert isinstance(plan.actions[0], DeleteAction) and "and every image in it (force_destroy)" in str(plan)
    _manager(memory).apply(forced)
    assert _manager(memory).get(NAME, REGION) is None
    assert not _manager(memory).apply(forced).changed


def test_an_empty_repository_is_deleted_without_force(memory: InMemoryProvider) -> None:
    _existing(memory)
    assert _manager(memory).apply(_desired(state="absent")).changed
    assert _manager(memory).get(NAME, REGION) is None


def test_a_tag_names_one_image_in_the_fake() -> None:
    images = RepositoryImages({})
    first = images.put_image("latest")
    second = images.put_image("latest")
    assert images.images == {first: [], second: ["latest"]} and images.summary() == "2 image(s)"
    images.clear()
    assert images.summary() is None


# -- unmanaged, budgets ---------------------------------------------------------------------------------

def test_unset_fields_are_never_read_nor_written(memory: InMemoryProvider) -> None:
    _existing(memory, {"lifecycle_policy": LIFECYCLE, "policy": POLICY, "tags": {"owner": "other"}})
    recorder = RecordingProvider(memory)
    _manager(recorder).apply(_desired(scan_on_push=True))
    assert [(c.operation, c.aspect) for c in recorder.calls] == [
        ("read_existence", None), ("write_aspect", "scan_on_push"), ("read_existence", None)]
    record = memory.world.require("ecr_repository", NAME, REGION)
    assert record.aspects["lifecycle_policy"] == LIFECYCLE and record.aspects["tags"] == {"owner": "other"}


def test_a_no_op_plan_reads_existence_and_the_three_aspects_it_does_not_carry(memory: InMemoryProvider) -> None:
    desired = _desired(image_tag_mutability="IMMUTABLE", scan_on_push=True, lifecycle_policy=LIFECYCLE,
                       policy=POLICY, tags={"a": "b"})
    _manager(memory).apply(desired)
    recorder = RecordingProvider(memory)
    assert not _manager(recorder).plan(desired).changed
    assert sorted((c.operation, c.aspect or "") for c in recorder.calls) == [
        ("read_aspect", "lifecycle_policy"), ("read_aspect", "policy"), ("read_aspect", "tags"),
        ("read_existence", "")]
