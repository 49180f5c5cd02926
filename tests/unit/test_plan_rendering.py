"""Plans are data: stable versioned JSON that round-trips, and a readable human rendering."""

from __future__ import annotations

import json

from awsstate import Action, InMemoryProvider, Plan, S3BucketDesired, S3BucketManager
from awsstate.plan import Observation, describe_change

DESIRED = S3BucketDesired(name="render-bucket", region="eu-west-1", tags={"env": "dev"}, versioning=True)


def test_plan_json_is_versioned_and_round_trips(memory: InMemoryProvider) -> None:
    plan = S3BucketManager(provider=memory).plan(DESIRED)
    data = json.loads(plan.model_dump_json())
    assert data["format_version"] == 2
    assert set(data) == {"format_version", "kind", "name", "region", "physical_id", "observed", "actions"}
    assert set(data["actions"][0]) == {"type", "kind", "name", "region", "physical_id", "params", "sensitive"}
    assert set(data["actions"][1]) == {"type", "kind", "name", "region", "physical_id", "aspect", "member", "before",
                                       "after", "new", "sensitive"}
    assert Plan.model_validate_json(plan.model_dump_json()) == plan


def test_create_plan_renders_each_write(memory: InMemoryProvider) -> None:
    text = str(S3BucketManager(provider=memory).plan(DESIRED))
    assert text.splitlines() == [
        "s3_bucket render-bucket (eu-west-1): 3 change(s)",
        "  + s3_bucket render-bucket: create in eu-west-1",
        '  ~ s3_bucket render-bucket: tags: set {"env": "dev"}',
        "  ~ s3_bucket render-bucket: versioning: set Enabled",
    ]


def test_drift_renders_before_and_after(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    manager.apply(DESIRED)
    memory.world.set_aspect("s3_bucket", DESIRED.name, "versioning", "Suspended")
    memory.world.set_aspect("s3_bucket", DESIRED.name, "tags", {"env": "prod", "extra": "1"})
    plan = manager.plan(DESIRED)
    assert str(plan).splitlines()[1:] == [
        "  ~ s3_bucket render-bucket: tags: env: prod -> dev, -extra",
        "  ~ s3_bucket render-bucket: versioning: Suspended -> Enabled",
    ]
    assert plan.aspects == ("tags", "versioning")
    assert plan.changed


def test_converged_plan_says_no_changes(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    manager.apply(DESIRED)
    plan = manager.plan(DESIRED)
    assert not plan.changed
    assert str(plan) == "  s3_bucket render-bucket (eu-west-1): no changes"
    assert repr(plan) == "Plan(s3_bucket 'render-bucket': no changes)"


def test_action_symbols() -> None:
    symbols = {t: Action(type=t, kind="k", name="n").symbol for t in ("create", "update", "delete", "replace")}
    assert symbols == {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}


def test_describe_change_lists_only_changed_keys() -> None:
    assert describe_change({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4}) == "b: 2 -> 5, -c, +d=4"
    assert describe_change("Suspended", "Enabled") == "Suspended -> Enabled"
    assert describe_change(None, {"a": 1}) == '(none) -> {"a": 1}'


def test_plan_is_frozen_data() -> None:
    plan = Plan(kind="s3_bucket", name="n", observed=Observation(exists=False))
    assert plan.actions == () and not plan.changed
    assert hash(plan.observed.exists) is not None
