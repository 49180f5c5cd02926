"""Plan format v2: typed actions, rendering derived from the fields, and plans applied only to what
they describe (an edited plan is refused before any write; a plan of another format is refused)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from awsstate import (
    CreateAction,
    DeleteAction,
    InMemoryProvider,
    InvalidPlanError,
    Plan,
    PlanFormatError,
    RecordingProvider,
    ReplaceAction,
    S3BucketDesired,
    S3BucketManager,
    SqsQueueDesired,
    SqsQueueManager,
    UpdateAction,
)
from awsstate.testing import FakeClock

REGION = "eu-west-1"
VICTIM = "someone-elses-precious-bucket"


def _edited(plan: Plan, edit: Any) -> Plan:
    data = json.loads(plan.model_dump_json())
    edit(data)
    return Plan.model_validate_json(json.dumps(data))


@pytest.fixture
def world_with_a_victim(memory: InMemoryProvider) -> InMemoryProvider:
    manager = S3BucketManager(provider=memory, clock=FakeClock())
    manager.apply(S3BucketDesired(name=VICTIM, region=REGION))
    memory.world.contents("s3_bucket", VICTIM).put_object("precious.txt", b"data")
    manager.apply(S3BucketDesired(name="doomed-bucket", region=REGION))
    return memory


def test_a_plan_edited_to_delete_another_bucket_is_refused_before_any_write(
        world_with_a_victim: InMemoryProvider) -> None:
    recorder = RecordingProvider(world_with_a_victim)
    manager = S3BucketManager(provider=recorder, clock=FakeClock())
    plan = manager.plan_delete("doomed-bucket", REGION, force_destroy=True)

    def point_at_victim(data: dict[str, Any]) -> None:
        data["actions"][0]["name"] = VICTIM

    tampered = _edited(plan, point_at_victim)
    assert str(tampered).splitlines()[1] == f"  - s3_bucket {VICTIM}: delete, and every object version and delete " \
                                            "marker in it (force_destroy)", "the rendering shows what it would do"
    recorder.clear()
    with pytest.raises(InvalidPlanError, match=f"action about another resource.*name '{VICTIM}'"):
        manager.apply(tampered)
    assert recorder.writes == [] and recorder.calls == []
    assert world_with_a_victim.world.contents("s3_bucket", VICTIM).objects == {"precious.txt": b"data"}
    assert world_with_a_victim.world.find("s3_bucket", "doomed-bucket") is not None


@pytest.mark.parametrize(("field", "value"), [("kind", "sqs_queue"), ("region", "us-west-2"),
                                              ("physical_id", f"arn:aws:s3:::{VICTIM}")])
def test_an_action_about_another_kind_region_or_physical_resource_is_refused(
        world_with_a_victim: InMemoryProvider, field: str, value: str) -> None:
    recorder = RecordingProvider(world_with_a_victim)
    manager = S3BucketManager(provider=recorder, clock=FakeClock())
    plan = manager.plan_delete("doomed-bucket", REGION)
    tampered = _edited(plan, lambda data: data["actions"][0].__setitem__(field, value))
    with pytest.raises(InvalidPlanError, match="another resource"):
        manager.apply(tampered)
    assert recorder.writes == []


def test_a_plan_of_another_kind_is_refused(world_with_a_victim: InMemoryProvider) -> None:
    plan = S3BucketManager(provider=world_with_a_victim).plan_delete("doomed-bucket", REGION)
    with pytest.raises(InvalidPlanError, match="s3_bucket plan cannot be applied by the sqs_queue manager"):
        SqsQueueManager(provider=world_with_a_victim).apply(plan)


def test_a_plan_whose_physical_id_is_not_the_observed_one_is_refused(world_with_a_victim: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=world_with_a_victim)
    plan = manager.plan(S3BucketDesired(name="doomed-bucket", region=REGION, versioning=True))
    tampered = _edited(plan, lambda data: data.__setitem__("physical_id", f"arn:aws:s3:::{VICTIM}"))
    with pytest.raises(InvalidPlanError, match="physical id"):
        manager.apply(tampered)


def test_a_v1_plan_is_refused_with_a_message() -> None:
    old = {"format_version": 1, "kind": "s3_bucket", "name": "n", "observed": {"exists": False}, "actions": []}
    with pytest.raises(PlanFormatError, match=r"format 1.*reads format 2 only\. Plan again"):
        Plan.model_validate_json(json.dumps(old))


def test_details_are_derived_from_fields_and_never_stored(memory: InMemoryProvider) -> None:
    plan = S3BucketManager(provider=memory).plan(S3BucketDesired(name="render-me", region=REGION, versioning=True))
    text = plan.model_dump_json()
    assert "details" not in text
    data = json.loads(text)
    data["actions"][1]["details"] = "~ s3_bucket render-me: nothing to see here"
    with pytest.raises(ValueError, match="details"):
        Plan.model_validate_json(json.dumps(data))


def test_actions_are_typed_variants_carrying_kind_name_region_and_physical_id(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    create = manager.plan(S3BucketDesired(name="typed-bucket", region=REGION, versioning=True))
    assert [type(a) for a in create.actions] == [CreateAction, UpdateAction]
    assert all((a.kind, a.name, a.region) == ("s3_bucket", "typed-bucket", REGION) for a in create.actions)
    manager.apply(create)
    update = manager.plan(S3BucketDesired(name="typed-bucket", region=REGION, versioning=False))
    assert isinstance(update.actions[0], UpdateAction) and update.actions[0].physical_id == "arn:aws:s3:::typed-bucket"
    assert update.physical_id == "arn:aws:s3:::typed-bucket"
    delete = manager.plan_delete("typed-bucket", REGION, force_destroy=True)
    assert isinstance(delete.actions[0], DeleteAction) and delete.actions[0].force
    replace = manager.plan(S3BucketDesired(name="typed-bucket", region="us-west-2", force_destroy=True))
    action = replace.actions[0]
    assert isinstance(action, ReplaceAction) and action.from_region == REGION and action.region == "us-west-2"
    assert action.reasons == ("region is fixed at creation: eu-west-1 -> us-west-2",)
    assert "will be deleted with it (force_destroy)" in action.details
    assert Plan.model_validate_json(replace.model_dump_json()) == replace


def test_a_create_renders_every_value_it_sets(memory: InMemoryProvider) -> None:
    desired = SqsQueueDesired(name="orders.fifo", region=REGION, visibility_timeout_seconds=120,
                              content_based_deduplication=True, tags={"team": "checkout"})
    lines = str(SqsQueueManager(provider=memory).plan(desired)).splitlines()
    assert lines[1] == "  + sqs_queue orders.fifo: create in eu-west-1"
    assert "        visibility_timeout_seconds = 120" in lines
    assert "        content_based_deduplication = true" in lines
    assert '        tags = {"team": "checkout"}' in lines
    assert "        fifo = true" in lines
