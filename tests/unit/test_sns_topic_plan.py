"""Plan tables and call budgets for sns_topic on the in-memory provider (which follows real AWS)."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    RecordingProvider,
    SnsTopicDesired,
    SnsTopicManager,
    Subscription,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.resources.sns_topic.kind import SNS_TOPIC

NAME = "plan-table-topic"
REGION = "eu-west-1"
QUEUE = f"arn:aws:sqs:{REGION}:123456789012:orders"
OTHER_QUEUE = f"arn:aws:sqs:{REGION}:123456789012:audit"
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:notify"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"},
                                                   "Action": "sns:Publish", "Resource": "*"}]}


def _sub(protocol: str, endpoint: str, **attributes: Json) -> dict[str, Json]:
    return {"protocol": protocol, "endpoint": endpoint, "filter_policy": None,
            "filter_policy_scope": "MessageAttributes", "raw_message_delivery": False, **attributes}


def _existing(memory: InMemoryProvider, name: str = NAME, **aspects: Json) -> None:
    """A topic as AWS creates it, then with ``aspects`` changed out-of-band."""
    memory.create(SNS_TOPIC.ref(name, REGION), {"fifo": name.endswith(".fifo")})
    for aspect, value in aspects.items():
        memory.world.set_aspect("sns_topic", name, aspect, value, region=REGION)


PENDING = {"protocol": "email", "endpoint": "ops@example.com", "pending": True}

# (id, observed aspects on an existing topic, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"display_name": "x"}, {}, []),
    ("display-name-set", {}, {"display_name": "Orders"}, [("display_name", "Orders")]),
    ("display-name-empty-on-new-topic-is-satisfied", {}, {"display_name": ""}, []),
    ("display-name-removed", {"display_name": "Orders"}, {"display_name": ""}, [("display_name", "")]),
    ("policy-set", {}, {"policy": POLICY}, [("policy", POLICY)]),
    ("policy-account-id-equals-root-arn",
     {"policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": ["SNS:Publish"],
                                                          "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}},
     {"policy": POLICY}, []),
    ("kms-key-added", {}, {"kms_master_key_id": "alias/aws/sns"}, [("kms_master_key_id", "alias/aws/sns")]),
    ("kms-key-removed", {"kms_master_key_id": "alias/aws/sns"}, {"kms_master_key_id": ""},
     [("kms_master_key_id", None)]),
    ("kms-empty-on-unencrypted-is-satisfied", {}, {"kms_master_key_id": ""}, []),
    ("delivery-policy-key-order-irrelevant",
     {"delivery_policy": {"http": {"defaultHealthyRetryPolicy": {"numRetries": 3, "minDelayTarget": 20}}}},
     {"delivery_policy": {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 20, "numRetries": 3}}}}, []),
    ("delivery-policy-as-text", {"delivery_policy": {"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}},
     {"delivery_policy": '{"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}'}, []),
    ("delivery-policy-removed", {"delivery_policy": {"http": {}}}, {"delivery_policy": {}},
     [("delivery_policy", None)]),
    ("tags-replaced", {"tags": {"env": "dev", "old": "x"}}, {"tags": {"env": "prod"}}, [("tags", {"env": "prod"})]),
    ("subscriptions-added", {}, {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE)]},
     [("subscriptions", [_sub("sqs", QUEUE)])]),
    ("subscriptions-empty-on-new-topic-is-satisfied", {}, {"subscriptions": []}, []),
    ("subscriptions-order-irrelevant", {"subscriptions": [_sub("sqs", QUEUE), _sub("lambda", FUNCTION)]},
     {"subscriptions": [Subscription(protocol="lambda", endpoint=FUNCTION),
                        Subscription(protocol="sqs", endpoint=QUEUE)]}, []),
    ("subscription-extra-removed", {"subscriptions": [_sub("sqs", QUEUE), _sub("sqs", OTHER_QUEUE)]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE)]}, [("subscriptions", [_sub("sqs", QUEUE)])]),
    ("subscription-raw-delivery-changed", {"subscriptions": [_sub("sqs", QUEUE)]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE, raw_message_delivery=True)]},
     [("subscriptions", [_sub("sqs", QUEUE, raw_message_delivery=True)])]),
    ("subscription-filter-policy-key-order-irrelevant",
     {"subscriptions": [_sub("sqs", QUEUE, filter_policy={"b": ["1"], "a": ["2"]})]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE, filter_policy={"a": ["2"], "b": ["1"]})]}, []),
    ("subscription-default-scope-equals-message-attributes",
     {"subscriptions": [_sub("sqs", QUEUE, filter_policy={"a": ["1"]})]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE, filter_policy={"a": ["1"]},
                                     filter_policy_scope="MessageAttributes")]}, []),
    ("subscription-scope-changed", {"subscriptions": [_sub("sqs", QUEUE, filter_policy={"a": ["1"]})]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE, filter_policy={"a": ["1"]},
                                     filter_policy_scope="MessageBody")]},
     [("subscriptions", [_sub("sqs", QUEUE, filter_policy={"a": ["1"]}, filter_policy_scope="MessageBody")])]),
    ("pending-subscription-wanted-is-left-alone", {"subscriptions": [PENDING]},
     {"subscriptions": [Subscription(protocol="email", endpoint="ops@example.com")]}, []),
    ("pending-subscription-unwanted-cannot-be-removed", {"subscriptions": [PENDING, _sub("sqs", QUEUE)]},
     {"subscriptions": [Subscription(protocol="sqs", endpoint=QUEUE)]}, []),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **observed)
    plan = SnsTopicManager(provider=memory).plan(SnsTopicDesired(name=NAME, region=REGION, **fields))
    assert [(a.aspect, a.after) for a in plan.actions] == expected
    assert all(a.type == "update" for a in plan.actions)


def test_create_is_one_call_plus_one_subscriptions_write(recorder: RecordingProvider) -> None:
    desired = SnsTopicDesired(name=NAME, region=REGION, display_name="Orders", policy=POLICY,
                              kms_master_key_id="alias/aws/sns", delivery_policy={"http": {}}, tags={"env": "dev"},
                              subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE)])
    manager = SnsTopicManager(provider=recorder)
    plan = manager.plan(desired)
    assert [(a.type, a.aspect) for a in plan.actions] == [("create", None), ("update", "subscriptions")]
    assert plan.actions[0].after == {"fifo": False, "display_name": "Orders", "policy": POLICY,
                                     "kms_master_key_id": "alias/aws/sns", "delivery_policy": {"http": {}},
                                     "tags": {"env": "dev"}}
    manager.apply(desired)
    recorder.clear()
    assert not manager.apply(desired).changed
    assert recorder.writes == []


def test_create_without_subscriptions_writes_nothing_after_the_create(memory: InMemoryProvider) -> None:
    plan = SnsTopicManager(provider=memory).plan(SnsTopicDesired(name=NAME, region=REGION, subscriptions=[]))
    assert [a.type for a in plan.actions] == ["create"]


def test_no_op_plan_reads_existence_tags_and_subscriptions_only(memory: InMemoryProvider,
                                                                recorder: RecordingProvider) -> None:
    _existing(memory, display_name="Orders", tags={"env": "dev"}, subscriptions=[_sub("sqs", QUEUE)])
    desired = SnsTopicDesired(name=NAME, region=REGION, display_name="Orders", kms_master_key_id="",
                              delivery_policy={}, tags={"env": "dev"},
                              subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE)])
    assert not SnsTopicManager(provider=recorder).plan(desired).changed
    # Display name, policy, KMS key and delivery policy come with the existence read (GetTopicAttributes).
    assert [(c.operation, c.aspect) for c in recorder.calls] == [
        ("read_existence", None), ("read_aspect", "tags"), ("read_aspect", "subscriptions")]
    assert len(recorder.reads) <= len(SNS_TOPIC.managed(desired)) + 1


def test_subscription_drift_is_reverted_with_one_write(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    desired = SnsTopicDesired(name=NAME, region=REGION, display_name="Orders",
                              subscriptions=[Subscription(protocol="sqs", endpoint=QUEUE, raw_message_delivery=True)])
    manager = SnsTopicManager(provider=recorder)
    manager.apply(desired)
    memory.world.set_aspect("sns_topic", NAME, "subscriptions", [], region=REGION)
    recorder.clear()
    manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "subscriptions")]


def test_fifo_mismatch_with_the_existing_topic_is_planned_as_replace(memory: InMemoryProvider) -> None:
    # AWS refuses a '.fifo' name without FifoTopic=true, so this only happens with topics made elsewhere.
    record = memory.world.new_record(SNS_TOPIC, "jobs.fifo", REGION, memory.world.account_id)
    record.attributes["fifo"] = False
    memory.world.add(record)
    manager = SnsTopicManager(provider=memory)
    desired = SnsTopicDesired(name="jobs.fifo", region=REGION, display_name="Jobs")
    assert [a.type for a in manager.plan(desired).actions] == ["replace"]
    with pytest.raises(UnsafeChangeError):
        manager.apply(desired)
    manager.apply(desired, allow_replace=True)
    observed = manager.get("jobs.fifo", REGION)
    assert observed is not None and observed.fifo is True and observed.display_name == "Jobs"


def test_absent_deletes_and_then_plans_nothing(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory)
    manager = SnsTopicManager(provider=recorder)
    gone = SnsTopicDesired(name=NAME, region=REGION, state="absent")
    assert [a.type for a in manager.plan(gone).actions] == ["delete"]
    manager.apply(gone)
    assert manager.get(NAME, REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed and recorder.writes == []


def test_get_reports_the_topic_arn_and_typed_subscriptions(memory: InMemoryProvider) -> None:
    _existing(memory, subscriptions=[_sub("sqs", QUEUE, raw_message_delivery=True), PENDING])
    observed = SnsTopicManager(provider=memory).get(NAME, REGION)
    assert observed is not None and observed.arn == f"arn:aws:sns:{REGION}:123456789012:{NAME}"
    assert observed.subscriptions is not None
    assert [(s.protocol, s.raw_message_delivery, s.pending) for s in observed.subscriptions] == [
        ("sqs", True, False), ("email", None, True)]
