"""Stacks, planning: references, order, ownership, and bad input refused before any call."""

from __future__ import annotations

import json

import pytest

from awsstate import (
    IamRoleDesired,
    InMemoryProvider,
    RecordingProvider,
    RedrivePolicy,
    S3BucketDesired,
    SnsTopicDesired,
    SqsQueueDesired,
    Stack,
    StackError,
    StackPlan,
    Subscription,
)
from awsstate.refs import Ref
from awsstate.stack import OWNER_TAG
from awsstate.stack.resolve import owned
from tests.stacks.shapes import REGION, TRUST, allow_sns_to_send, orders

ACCOUNT = "123456789012"


@pytest.fixture
def provider() -> InMemoryProvider:
    return InMemoryProvider(region=REGION)


def test_references_to_values_known_before_creation_are_concrete_in_the_plan(provider: InMemoryProvider) -> None:
    plan = Stack("orders", orders(), provider=provider).plan()
    queue = plan.plans["sqs_queue.orders-q"].actions[0]
    assert queue.type == "create"
    sources = [s["Condition"] for s in queue.params["policy"]["Statement"]]  # type: ignore[index]
    assert {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"}} in sources
    subscriptions = plan.plans["sns_topic.orders"].actions[1].after
    assert subscriptions[0]["endpoint"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-q"  # type: ignore[index]
    assert plan.unknown == {}
    assert "${" not in str(plan)


def test_the_order_puts_what_is_needed_first_and_policy_references_order_nothing(provider: InMemoryProvider) -> None:
    plan = Stack("orders", orders(), provider=provider).plan()
    assert plan.depends_on == {"sns_topic.orders": ("sqs_queue.orders-q",), "sqs_queue.orders-q": (),
                               "s3_bucket.orders-archive": ("sqs_queue.orders-q",), "iam_role.orders-reader": ()}
    order = list(plan.order)
    assert order.index("sqs_queue.orders-q") < order.index("sns_topic.orders")
    assert order.index("sqs_queue.orders-q") < order.index("s3_bucket.orders-archive")
    text = str(plan).splitlines()
    assert text[0] == f"stack orders: {plan.changes} change(s) in 4 of 4 resource(s)"
    assert plan.changes == sum(len(p.actions) for p in plan.plans.values()) >= 9
    assert [line for line in text if not line.startswith(" ")] [1:] == [
        f"{key.replace('.', ' ', 1)} ({REGION}): {len(plan.plans[key].actions)} change(s)" if "iam" not in key
        else f"{key.replace('.', ' ', 1)}: {len(plan.plans[key].actions)} change(s)" for key in plan.order]


def test_a_value_known_only_after_apply_is_named_by_its_source_and_filled_in_by_apply(
        provider: InMemoryProvider) -> None:
    queue = SqsQueueDesired(name="jobs", region=REGION)
    topic = SnsTopicDesired(name="jobs-events", region=REGION, display_name=queue.ref.url)
    stack = Stack("urls", [topic, queue], provider=provider)
    plan = stack.plan()
    assert plan.unknown == {"sns_topic.jobs-events": ("sqs_queue.jobs.url",)}
    assert plan.depends_on["sns_topic.jobs-events"] == ("sqs_queue.jobs",)
    assert "known after apply: sqs_queue.jobs.url" in str(plan)
    stack.apply(plan)
    url = provider.world.require("sqs_queue", "jobs", REGION).attributes["url"]
    assert provider.world.require("sns_topic", "jobs-events", REGION).aspects["display_name"] == url
    again = stack.plan()
    assert not again.changed and again.unknown == {}


def test_a_reference_to_a_resource_outside_the_stack_is_read_from_aws_or_refused(provider: InMemoryProvider) -> None:
    dlq = SqsQueueDesired(name="shared-dlq", region=REGION)
    queue = SqsQueueDesired(name="work", region=REGION,
                            redrive_policy=RedrivePolicy(dead_letter_target_arn=dlq.ref.arn))
    recorder = RecordingProvider(provider)
    with pytest.raises(StackError, match=r"sqs_queue.work: redrive_policy.dead_letter_target_arn refers to "
                                         r"\$\{sqs_queue.shared-dlq.arn\}, but .* neither in the stack nor in AWS"):
        Stack("outside", [queue], provider=recorder).plan()
    assert recorder.writes == []
    Stack("shared", [dlq], provider=provider).apply()
    plan = Stack("outside", [queue], provider=provider).plan()
    create = plan.plans["sqs_queue.work"].actions[0]
    assert create.params["redrive_policy"]["dead_letter_target_arn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:shared-dlq"  # type: ignore[index]


def test_a_cycle_of_references_is_an_error_naming_the_cycle(provider: InMemoryProvider) -> None:
    a = SqsQueueDesired(name="a", region=REGION,
                        redrive_policy=RedrivePolicy(dead_letter_target_arn=Ref("sqs_queue", "b", "arn")))
    b = SqsQueueDesired(name="b", region=REGION, redrive_policy=RedrivePolicy(dead_letter_target_arn=a.ref.arn))
    recorder = RecordingProvider(provider)
    with pytest.raises(StackError, match=r"cycle of references: sqs_queue.a \(redrive_policy.dead_letter_target_arn\) "
                                         r"-> sqs_queue.b \(redrive_policy.dead_letter_target_arn\) -> sqs_queue.a"):
        Stack("loop", [a, b], provider=recorder).plan()
    assert recorder.calls == []


def test_bad_stacks_are_refused_before_any_call(provider: InMemoryProvider) -> None:
    recorder = RecordingProvider(provider)
    bucket = S3BucketDesired(name="twice-bucket", region=REGION)
    with pytest.raises(StackError, match=r"s3_bucket\.twice-bucket is in the stack twice"):
        Stack("dup", [bucket, bucket.model_copy(update={"versioning": True})], provider=recorder).plan()
    with pytest.raises(AttributeError, match="a sns_topic has no attribute 'url' to refer to; it has: arn, fifo, id"):
        SnsTopicDesired(name="t").ref.url  # noqa: B018
    by_hand = SnsTopicDesired(name="t", region=REGION, display_name="${sns_topic.other.url}")
    with pytest.raises(StackError, match=r"display_name refers to \$\{sns_topic.other.url\}, but a sns_topic has no "
                                         r"attribute 'url'"):
        Stack("bad-ref", [by_hand], provider=recorder).plan()
    with pytest.raises(StackError, match="'nope' is not a kind"):
        Stack("bad-kind", [SnsTopicDesired(name="t", region=REGION, display_name="${nope.x.arn}")],
              provider=recorder).plan()
    with pytest.raises(StackError, match="stack name"):
        Stack("no spaces", [bucket], provider=recorder)
    assert recorder.calls == []


def test_a_reference_across_regions_where_aws_does_not_allow_it_is_refused(provider: InMemoryProvider) -> None:
    dlq = SqsQueueDesired(name="far-dlq", region="us-west-2")
    queue = SqsQueueDesired(name="near", region=REGION,
                            redrive_policy=RedrivePolicy(dead_letter_target_arn=dlq.ref.arn))
    recorder = RecordingProvider(provider)
    with pytest.raises(StackError, match="dead-letter queue must be in the queue's region eu-west-1, not us-west-2"):
        Stack("regions", [dlq, queue], provider=recorder).plan()
    assert recorder.calls == [], "refused before any call"


def test_the_ownership_tag_is_added_is_never_drift_and_survives_tags_cleared(provider: InMemoryProvider) -> None:
    bucket = S3BucketDesired(name="owned-bucket", region=REGION, tags={"team": "data"})
    stack = Stack("owner", [bucket], provider=provider)
    stack.apply()
    assert provider.world.require("s3_bucket", "owned-bucket").aspects["tags"] == {"team": "data", OWNER_TAG: "owner"}
    assert not stack.plan().changed
    cleared = Stack("owner", [bucket.model_copy(update={"tags": {}})], provider=provider)
    plan = cleared.plan()
    assert plan.plans["s3_bucket.owned-bucket"].actions[0].after == {OWNER_TAG: "owner"}
    cleared.apply(plan)
    assert provider.world.require("s3_bucket", "owned-bucket").aspects["tags"] == {OWNER_TAG: "owner"}
    untagged = Stack("owner", [S3BucketDesired(name="owned-bucket", region=REGION)], provider=provider)
    assert not untagged.plan().changed  # tags unmanaged: only the ownership tag is ensured


def test_a_stack_plan_round_trips_as_json_and_applies_in_another_process(provider: InMemoryProvider) -> None:
    plan = Stack("orders", orders(), provider=provider).plan()
    text = plan.model_dump_json()
    assert json.loads(text)["format_version"] == 1
    loaded = StackPlan.model_validate_json(text)
    assert loaded == plan
    result = Stack("orders", orders(), provider=provider).apply(loaded)
    assert result.ok and set(result.done) == set(plan.order)
    assert not Stack("orders", orders(), provider=provider).plan().changed


def test_a_no_op_stack_plan_reads_exactly_the_sum_of_its_resources_budgets(provider: InMemoryProvider) -> None:
    Stack("orders", orders(), provider=provider).apply()
    recorder = RecordingProvider(provider)
    Stack("orders", orders(), provider=recorder).plan()
    # Each resource's budget: its existence read plus one read per managed aspect the existence
    # read does not carry (the ownership tag makes tags managed where the kind has them).
    budget = sum(1 + len([a for a in r.kind_spec.managed(owned(r, "orders")) if not a.carried]) for r in orders())
    assert len(recorder.reads) == budget and recorder.writes == []


def test_subscriptions_to_a_queue_in_the_stack_point_at_it(provider: InMemoryProvider) -> None:
    queue = SqsQueueDesired(name="fanout", region=REGION, policy=allow_sns_to_send(Ref("sns_topic", "news", "arn")))
    topic = SnsTopicDesired(name="news", region=REGION,
                            subscriptions=(Subscription(protocol="sqs", endpoint=queue.ref.arn),))
    Stack("news", [topic, queue], provider=provider).apply()
    subscription = provider.world.require("sns_topic", "news", REGION).aspects["subscriptions"][0]
    assert subscription["endpoint"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:fanout"


def test_a_principal_in_a_policy_is_created_first(provider: InMemoryProvider) -> None:
    # AWS refuses a resource policy whose principal does not exist yet: a Principal reference orders.
    role = IamRoleDesired(name="writer", trust_policy=TRUST)
    queue = SqsQueueDesired(name="inbox", region=REGION, policy={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": role.ref.arn}, "Action": "sqs:SendMessage", "Resource": "*"}]})
    plan = Stack("principal", [queue, role], provider=provider).plan()
    assert plan.order == ("iam_role.writer", "sqs_queue.inbox")
    assert plan.depends_on["sqs_queue.inbox"] == ("iam_role.writer",)
