"""Export and relations: what exists becomes a stack that plans empty, with references between its
members; Observed models link to the resources they name, followed with the same provider."""

from __future__ import annotations

import pytest

from awsstate import (
    AwsStateError,
    IamRoleManager,
    InMemoryProvider,
    RecordingProvider,
    S3BucketManager,
    SnsTopicManager,
    SqsQueueManager,
    Stack,
    StackError,
)
from awsstate.cli.specfile import dump_spec, parse_spec
from awsstate.relations import Link, parse_arn
from awsstate.stack import OWNER_TAG
from tests.examples import EXAMPLES
from tests.stacks.shapes import REGION, mixed, orders


@pytest.fixture
def provider() -> InMemoryProvider:
    provider = InMemoryProvider(region=REGION)
    Stack("orders", orders(), provider=provider).apply()
    Stack("mix", mixed(14), provider=provider).apply()
    return provider


def test_an_exported_stack_plans_empty_and_refers_to_its_members(provider: InMemoryProvider) -> None:
    stack = Stack.export("orders", provider=provider, tags={OWNER_TAG: "orders"})
    assert sorted(f"{r.kind_spec.kind}.{r.name}" for r in stack.resources) == sorted(
        f"{r.kind_spec.kind}.{r.name}" for r in orders())
    recorder = RecordingProvider(provider)
    plan = Stack("orders", stack.resources, provider=recorder).plan()
    assert not plan.changed, str(plan)
    assert recorder.writes == []
    topic = next(r for r in stack.resources if r.kind_spec.kind == "sns_topic")
    assert topic.subscriptions[0].endpoint == "${sqs_queue.orders-q.arn}"
    role = next(r for r in stack.resources if r.kind_spec.kind == "iam_role")
    assert role.inline_policies["read"]["Statement"][0]["Resource"] == "${s3_bucket.orders-archive.arn}/*"
    assert all(OWNER_TAG not in (getattr(r, "tags", None) or {}) for r in stack.resources)


def test_an_arn_outside_the_exported_set_stays_literal(provider: InMemoryProvider) -> None:
    stack = Stack.export("part", [("sns_topic", "orders")], provider=provider, region=REGION)
    (topic,) = stack.resources
    assert topic.subscriptions[0].endpoint == f"arn:aws:sqs:{REGION}:123456789012:orders-q"


def test_exporting_every_kind_round_trips_through_a_spec_file(provider: InMemoryProvider) -> None:
    stack = Stack.export("mix", provider=provider, tags={OWNER_TAG: "mix"})
    assert len(stack.resources) == 14
    text = dump_spec("mix", list(stack.resources))
    loaded = parse_spec(text, "exported.yaml")
    assert loaded.region == REGION and loaded.resources == list(stack.resources)
    assert not Stack("mix", loaded.resources, provider=provider).plan().changed


def test_every_kind_of_the_examples_round_trips_through_a_spec_file() -> None:
    # The mixed stack above has six kinds: here each of the eleven, from its fullest moto-safe example.
    provider = InMemoryProvider(region=REGION)
    resources = [example.full(example.name("yaml"), REGION) for _, example in sorted(EXAMPLES.items())]
    Stack("every", resources, provider=provider).apply()
    stack = Stack.export("every", provider=provider, tags={OWNER_TAG: "every"})
    assert sorted(r.kind_spec.kind for r in stack.resources) == sorted(EXAMPLES)
    loaded = parse_spec(dump_spec("every", list(stack.resources)), "exported.yaml")
    assert loaded.resources == list(stack.resources)
    recorder = RecordingProvider(provider)
    plan = Stack("every", loaded.resources, provider=recorder).plan()
    assert not plan.changed, str(plan)
    assert recorder.writes == []


def test_exporting_a_missing_resource_is_an_error_naming_it(provider: InMemoryProvider) -> None:
    with pytest.raises(StackError, match=r"cannot export sqs_queue\.nope: no such resource"):
        Stack.export("x", [("sqs_queue", "nope")], provider=provider, region=REGION)


def test_names_filter_by_prefix_and_tags(provider: InMemoryProvider) -> None:
    queues = SqsQueueManager(provider)
    assert queues.names() == ["mix0-dlq", "mix0-queue", "mix1-dlq", "mix1-queue", "orders-q"]
    assert queues.names(prefix="mix1") == ["mix1-dlq", "mix1-queue"]
    assert queues.names(tags={OWNER_TAG: "orders"}) == ["orders-q"]
    assert queues.names(tags={OWNER_TAG: "orders", "unit": "x"}) == []
    assert queues.names("us-west-2") == []
    assert [o.name for o in queues.list(prefix="orders")] == ["orders-q"]


def test_observed_models_link_to_what_they_name_and_follow_with_the_same_provider(
        provider: InMemoryProvider) -> None:
    recorder = RecordingProvider(provider)
    queue = SqsQueueManager(recorder).get("mix0-queue")
    assert queue is not None
    links = {link.via: (link.kind, link.name, link.region) for link in queue.links()}
    assert links == {"redrive_policy.dead_letter_target_arn": ("sqs_queue", "mix0-dlq", REGION),
                     "policy.Statement.0.Condition.ArnEquals.aws:SourceArn": ("sns_topic", "mix0-topic", REGION)}
    recorder.clear()
    dlq = next(link for link in queue.links() if link.via.startswith("redrive")).get()
    assert dlq is not None and dlq.name == "mix0-dlq" and recorder.reads, "followed through the same provider"

    topic = SnsTopicManager(provider).get("orders")
    assert topic is not None
    assert [(link.kind, link.name) for link in topic.links()] == [("sqs_queue", "orders-q")]
    role = IamRoleManager(provider).get("mix0-role")
    assert role is not None
    assert [(link.via, link.kind, link.name) for link in role.links()] == [
        ("managed_policy_arns.0", "iam_policy", "mix0-read")]
    bucket = S3BucketManager(provider).get("orders-archive", REGION)
    assert bucket is not None
    assert [(link.via, link.kind) for link in bucket.links()] == [("notifications.targets.0.arn", "sqs_queue")]
    assert str(bucket.links()[0]) == f"notifications.targets.0.arn -> sqs_queue orders-q ({REGION})"


def test_a_model_not_read_through_a_provider_cannot_follow_links() -> None:
    link = Link("sqs_queue", "q", REGION, "redrive_policy.dead_letter_target_arn")
    with pytest.raises(AwsStateError, match="not read through a provider"):
        link.get()


@pytest.mark.parametrize(("arn", "expected"), [
    ("arn:aws:sqs:eu-west-1:123456789012:q", ("sqs_queue", "q", "eu-west-1")),
    ("arn:aws:sns:eu-west-1:123456789012:t", ("sns_topic", "t", "eu-west-1")),
    ("arn:aws:sns:eu-west-1:123456789012:t:4f2a", None),  # a subscription, not a topic
    ("arn:aws:s3:::bucket", ("s3_bucket", "bucket", None)),
    ("arn:aws:s3:::bucket/key", None),
    ("arn:aws:iam::123456789012:policy/team/p", ("iam_policy", "p", None)),
    ("arn:aws:iam::aws:policy/ReadOnlyAccess", None),  # AWS-managed: not this account's
    ("arn:aws:iam::123456789012:role/r", ("iam_role", "r", None)),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/app/x:*", ("logs_log_group", "/app/x", "eu-west-1")),
    ("arn:aws:lambda:eu-west-1:123456789012:function:f", None),
    ("arn:aws:sqs:eu-west-1:123456789012:q\n", None),  # a trailing newline is not part of any ARN
    ("arn:aws:s3:::bucket\n", None),
    ("not an arn", None),
])
def test_parse_arn(arn: str, expected: tuple[str, str, str | None] | None) -> None:
    assert parse_arn(arn) == expected
