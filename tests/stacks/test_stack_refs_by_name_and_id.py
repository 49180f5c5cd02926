"""Stacks, references by ``.ref.name`` and ``.ref.id`` (not only ``.ref.arn`` / ``.ref.url``).

The one Desired field that takes a *name* given a reference is a bucket's logging target
(``BucketLogging.target_bucket``, ``allow_ref(..., attributes=("name",))``); ``.ref.id`` is the
kind's physical id (``Identity.physical_id``, the ARN for every kind today), accepted wherever a
plain string is (a topic's display name, a policy document). Each reference must resolve to the
referenced resource's value: at plan time when it is known before creation, at apply time when
it is not.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import (
    BucketLogging,
    IamRoleDesired,
    InMemoryProvider,
    KmsKeyDesired,
    RecordingProvider,
    S3BucketDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    Stack,
    StackError,
)
from awsstate.kinds import kind_spec
from awsstate.refs import Ref, RefTarget
from awsstate.stack.graph import Node, node_key
from awsstate.stack.resolve import Values
from tests.examples import EXAMPLES
from tests.stacks.shapes import REGION
from tests.stacks.shapes import TRUST as _TRUST

ACCOUNT = "123456789012"
TRUST: dict[str, Any] = _TRUST


@pytest.fixture
def provider() -> InMemoryProvider:
    return InMemoryProvider(region=REGION)


def _logging_after(plan: Any, key: str) -> Any:
    return next(a.after for a in plan.plans[key].actions if getattr(a, "aspect", None) == "logging")


def test_a_logging_target_given_by_name_reference_is_the_buckets_name_and_is_created_first(
        provider: InMemoryProvider) -> None:
    logs = S3BucketDesired(name="gaps-log-sink", region=REGION)
    site = S3BucketDesired(name="gaps-site", region=REGION,
                           logging=BucketLogging(target_bucket=logs.ref.name, target_prefix="site/"))
    stack = Stack("names", [site, logs], provider=provider)  # the site first: the order must come from the ref
    plan = stack.plan()
    assert plan.order == ("s3_bucket.gaps-log-sink", "s3_bucket.gaps-site")
    assert plan.depends_on["s3_bucket.gaps-site"] == ("s3_bucket.gaps-log-sink",)
    assert plan.unknown == {}, "a name is known before the bucket exists"
    assert _logging_after(plan, "s3_bucket.gaps-site") == {"target_bucket": "gaps-log-sink", "target_prefix": "site/"}
    assert "${" not in str(plan)
    assert stack.apply(plan).ok
    logging = provider.world.require("s3_bucket", "gaps-site").aspects["logging"]
    assert logging == {"target_bucket": "gaps-log-sink", "target_prefix": "site/"}
    assert not stack.plan().changed


def test_a_name_reference_inside_a_policy_is_concrete_and_orders_nothing(provider: InMemoryProvider) -> None:
    bucket = S3BucketDesired(name="gaps-data", region=REGION)
    policy: dict[str, Any] = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket.ref.name}/*"}]}
    role = IamRoleDesired(name="gaps-reader", trust_policy=TRUST, inline_policies={"read": policy})
    stack = Stack("names", [role, bucket], provider=provider)
    plan = stack.plan()
    assert plan.depends_on["iam_role.gaps-reader"] == (), "AWS does not check a policy's resources exist"
    inline: Any = next(a.after for a in plan.plans["iam_role.gaps-reader"].actions
                       if getattr(a, "aspect", None) == "inline_policies")
    assert inline["read"]["Statement"][0]["Resource"] == "arn:aws:s3:::gaps-data/*"
    stack.apply(plan)
    assert not stack.plan().changed


def test_a_name_reference_to_a_bucket_outside_the_stack_is_its_name(provider: InMemoryProvider) -> None:
    Stack("shared", [S3BucketDesired(name="gaps-shared-logs", region=REGION)], provider=provider).apply()
    site = S3BucketDesired(name="gaps-site-2", region=REGION,
                           logging=BucketLogging(target_bucket=Ref("s3_bucket", "gaps-shared-logs", "name")))
    stack = Stack("consumer", [site], provider=provider)
    plan = stack.plan()
    assert plan.depends_on["s3_bucket.gaps-site-2"] == ()
    assert _logging_after(plan, "s3_bucket.gaps-site-2")["target_bucket"] == "gaps-shared-logs"
    stack.apply(plan)
    assert provider.world.require("s3_bucket", "gaps-site-2").aspects["logging"]["target_bucket"] == "gaps-shared-logs"


def test_a_name_reference_to_a_bucket_neither_in_the_stack_nor_in_aws_is_an_error_naming_the_field(
        provider: InMemoryProvider) -> None:
    # README, Stacks: "A reference to a resource that is neither in the stack nor in AWS ... is an
    # error naming the field, before any write." (AWS refuses logging to a missing bucket.)
    site = S3BucketDesired(name="gaps-site-3", region=REGION,
                           logging=BucketLogging(target_bucket=Ref("s3_bucket", "gaps-no-such-bucket", "name")))
    recorder = RecordingProvider(provider)
    with pytest.raises(StackError, match=r"logging.target_bucket refers to \$\{s3_bucket.gaps-no-such-bucket.name\}, "
                                         r"but .* neither in the stack nor in AWS"):
        Stack("missing", [site], provider=recorder).plan()
    assert recorder.writes == []


def test_a_field_that_takes_a_name_refuses_a_reference_to_another_attribute_or_kind() -> None:
    bucket = S3BucketDesired(name="gaps-log-sink", region=REGION)
    for wrong in (bucket.ref.arn, bucket.ref.id, SqsQueueDesired(name="q", region=REGION).ref.name):
        with pytest.raises(ValidationError, match=r"cannot stand here: expected a reference to s3_bucket.<name>.name"):
            BucketLogging(target_bucket=wrong)
    assert BucketLogging(target_bucket=bucket.ref.name).target_bucket == "${s3_bucket.gaps-log-sink.name}"


def test_an_id_reference_known_before_creation_is_the_physical_id_in_the_plan(provider: InMemoryProvider) -> None:
    queue = SqsQueueDesired(name="gaps-jobs", region=REGION)
    topic = SnsTopicDesired(name="gaps-jobs-events", region=REGION, display_name=queue.ref.id)
    stack = Stack("ids", [topic, queue], provider=provider)
    plan = stack.plan()
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:gaps-jobs"
    assert plan.unknown == {}
    assert plan.depends_on["sns_topic.gaps-jobs-events"] == ("sqs_queue.gaps-jobs",)
    create = plan.plans["sns_topic.gaps-jobs-events"].actions[0]
    assert create.type == "create" and create.params["display_name"] == arn
    stack.apply(plan)
    assert provider.world.require("sqs_queue", "gaps-jobs", REGION).attributes["arn"] == arn
    assert provider.world.require("sns_topic", "gaps-jobs-events", REGION).aspects["display_name"] == arn
    assert not stack.plan().changed


def test_an_id_reference_known_only_after_apply_is_filled_in_with_the_created_resources_id(
        provider: InMemoryProvider) -> None:
    key = KmsKeyDesired(name="gaps-data", region=REGION)
    policy: dict[str, Any] = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
                                                                      "Resource": key.ref.id}]}
    role = IamRoleDesired(name="gaps-decrypter", trust_policy=TRUST, inline_policies={"decrypt": policy})
    stack = Stack("ids", [role, key], provider=provider)
    plan = stack.plan()
    assert plan.unknown == {"iam_role.gaps-decrypter": ("kms_key.gaps-data.id",)}
    assert plan.order == ("kms_key.gaps-data", "iam_role.gaps-decrypter"), "a value not yet known orders its source"
    assert "known after apply: kms_key.gaps-data.id" in str(plan)
    assert stack.apply(plan).ok
    key_arn = stack.plan().plans["kms_key.gaps-data"].observed.attributes["arn"]  # assigned by KMS at create
    assert isinstance(key_arn, str) and key_arn.startswith(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/")
    inline = provider.world.require("iam_role", "gaps-decrypter").aspects["inline_policies"]
    assert inline["decrypt"]["Statement"][0]["Resource"] == key_arn
    again = stack.plan()
    assert not again.changed and again.unknown == {}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_the_stacks_resolver_gives_every_kinds_name_and_id(kind: str) -> None:
    spec = kind_spec(kind)
    desired = EXAMPLES[kind].minimal(EXAMPLES[kind].name("gapsref"), REGION)
    assert desired.ref.name == Ref(kind, desired.name, "name") and desired.ref.id == Ref(kind, desired.name, "id")
    key = node_key(kind, desired.name)
    nodes = {key: Node(key, desired, spec)}
    specs = {kind: spec}
    values = Values(None, ("aws", ACCOUNT), REGION)
    region = values.region_of(nodes[key])
    physical = spec.identity.physical_id
    derivable = next(a.derivable for a in spec.attributes if a.name == physical)

    def value(attribute: str) -> str | None:
        return values.value(RefTarget(kind, desired.name, attribute), nodes, specs, region)

    assert value("name") == desired.name
    before = value("id")
    if derivable:
        assert before is not None and before == values.derive(nodes[key])[physical] == value(physical)
        assert f":{ACCOUNT}:" in before or ":::" in before
    else:
        assert before is None, "not known before creation: known after apply"
    values.observed(key, {physical: f"observed-{kind}-id", "arn": f"observed-{kind}-id"})
    assert value("id") == f"observed-{kind}-id", "as read (or after apply), the id is the resource's own"
    assert value("name") == desired.name
