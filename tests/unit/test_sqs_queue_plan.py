"""Plan tables and call budgets for sqs_queue on the in-memory provider (which follows real AWS)."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import (
    InMemoryProvider,
    InvalidRequestError,
    QueueEncryption,
    RecordingProvider,
    RedriveAllowPolicy,
    RedrivePolicy,
    SqsQueueDesired,
    SqsQueueManager,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.resources.sqs_queue.kind import SQS_QUEUE

NAME = "plan-table-queue"
REGION = "eu-west-1"
DLQ_ARN = f"arn:aws:sqs:{REGION}:123456789012:plan-table-dlq"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                                                   "Action": "sqs:SendMessage", "Resource": "*"}]}
SQS_MANAGED = {"mode": "sqs", "kms_master_key_id": None, "kms_data_key_reuse_period_seconds": None}


def _existing(memory: InMemoryProvider, name: str = NAME, **aspects: Json) -> None:
    """A queue as AWS creates it, then with ``aspects`` changed out-of-band."""
    memory.create(SQS_QUEUE.ref(name, REGION), {"fifo": name.endswith(".fifo")})
    for aspect, value in aspects.items():
        memory.world.set_aspect("sqs_queue", name, aspect, value, region=REGION)


# (id, observed aspects on an existing queue, desired fields, expected [(aspect, after)])
UPDATE_TABLE: list[tuple[str, dict[str, Json], dict[str, Any], list[tuple[str, Json]]]] = [
    ("nothing-managed-nothing-planned", {"visibility_timeout_seconds": 99}, {}, []),
    ("aws-defaults-already-satisfied", {},
     {"visibility_timeout_seconds": 30, "message_retention_seconds": 345600, "delay_seconds": 0,
      "max_message_size": 1048576, "receive_wait_time_seconds": 0}, []),
    ("visibility-changed", {}, {"visibility_timeout_seconds": 60}, [("visibility_timeout_seconds", 60)]),
    ("unmanaged-scalar-drift-is-ignored", {"delay_seconds": 7}, {"visibility_timeout_seconds": 30}, []),
    ("two-scalars-two-writes", {}, {"delay_seconds": 5, "receive_wait_time_seconds": 20},
     [("delay_seconds", 5), ("receive_wait_time_seconds", 20)]),
    ("redrive-added", {}, {"redrive_policy": RedrivePolicy(dead_letter_target_arn=DLQ_ARN, max_receive_count=4)},
     [("redrive_policy", {"dead_letter_target_arn": DLQ_ARN, "max_receive_count": 4})]),
    ("redrive-false-on-queue-without-is-satisfied", {}, {"redrive_policy": False}, []),
    ("redrive-false-removes", {"redrive_policy": {"dead_letter_target_arn": DLQ_ARN, "max_receive_count": 3}},
     {"redrive_policy": False}, [("redrive_policy", None)]),
    ("redrive-max-receives-changed", {"redrive_policy": {"dead_letter_target_arn": DLQ_ARN, "max_receive_count": 3}},
     {"redrive_policy": RedrivePolicy(dead_letter_target_arn=DLQ_ARN, max_receive_count=5)},
     [("redrive_policy", {"dead_letter_target_arn": DLQ_ARN, "max_receive_count": 5})]),
    ("redrive-allow-all-equals-no-policy", {}, {"redrive_allow_policy": RedriveAllowPolicy()}, []),
    ("redrive-allow-by-queue-order-irrelevant",
     {"redrive_allow_policy": {"permission": "byQueue", "source_queue_arns": ["arn:aws:sqs:eu-west-1:123456789012:b",
                                                                             "arn:aws:sqs:eu-west-1:123456789012:a"]}},
     {"redrive_allow_policy": RedriveAllowPolicy(permission="byQueue", source_queue_arns=(
         "arn:aws:sqs:eu-west-1:123456789012:a", "arn:aws:sqs:eu-west-1:123456789012:b"))}, []),
    ("redrive-allow-deny-all", {}, {"redrive_allow_policy": RedriveAllowPolicy(permission="denyAll")},
     [("redrive_allow_policy", {"permission": "denyAll", "source_queue_arns": []})]),
    ("sse-sqs-is-the-aws-default", {}, {"encryption": QueueEncryption.sqs_managed()}, []),
    ("kms-key-added-to-queue-without-one", {}, {"encryption": QueueEncryption.kms("alias/orders")},
     [("encryption", {"mode": "kms", "kms_master_key_id": "alias/orders", "kms_data_key_reuse_period_seconds": 300})]),
    ("kms-default-reuse-period-equals-300",
     {"encryption": {"mode": "kms", "kms_master_key_id": "alias/orders", "kms_data_key_reuse_period_seconds": 300}},
     {"encryption": QueueEncryption.kms("alias/orders")}, []),
    ("kms-key-changed",
     {"encryption": {"mode": "kms", "kms_master_key_id": "alias/old", "kms_data_key_reuse_period_seconds": 300}},
     {"encryption": QueueEncryption.kms("alias/new", data_key_reuse_period_seconds=600)},
     [("encryption", {"mode": "kms", "kms_master_key_id": "alias/new", "kms_data_key_reuse_period_seconds": 600})]),
    ("kms-removed-back-to-sse-sqs",
     {"encryption": {"mode": "kms", "kms_master_key_id": "alias/old", "kms_data_key_reuse_period_seconds": 300}},
     {"encryption": QueueEncryption.sqs_managed()}, [("encryption", SQS_MANAGED)]),
    ("encryption-disabled", {}, {"encryption": QueueEncryption.disabled()},
     [("encryption", {**SQS_MANAGED, "mode": "none"})]),
    ("policy-added", {}, {"policy": POLICY}, [("policy", POLICY)]),
    ("policy-equal-when-reserialised-and-reordered",
     {"policy": {"Statement": {"Resource": ["*"], "Action": ["SQS:SendMessage"], "Effect": "Allow",
                               "Principal": {"Service": ["sns.amazonaws.com"]}}, "Version": "2012-10-17"}},
     {"policy": POLICY}, []),
    ("policy-as-json-text-equals-mapping", {"policy": POLICY},
     {"policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},'
                '"Action":"sqs:SendMessage","Resource":"*"}]}'}, []),
    ("policy-empty-removes", {"policy": POLICY}, {"policy": {}}, [("policy", None)]),
    ("policy-empty-on-queue-without-is-satisfied", {}, {"policy": {}}, []),
    ("tags-added", {}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-extra-removed", {"tags": {"env": "dev", "old": "x"}}, {"tags": {"env": "dev"}}, [("tags", {"env": "dev"})]),
    ("tags-empty-removes-all", {"tags": {"env": "dev"}}, {"tags": {}}, [("tags", {})]),
]


@pytest.mark.parametrize(("observed", "fields", "expected"), [row[1:] for row in UPDATE_TABLE],
                         ids=[row[0] for row in UPDATE_TABLE])
def test_update_plan_table(
    memory: InMemoryProvider, observed: dict[str, Json], fields: dict[str, Any], expected: list[tuple[str, Json]]
) -> None:
    _existing(memory, **observed)
    plan = SqsQueueManager(provider=memory).plan(SqsQueueDesired(name=NAME, region=REGION, **fields))
    assert [(a.aspect, a.after) for a in plan.actions] == expected
    assert all(a.type == "update" for a in plan.actions)


def test_content_based_deduplication_is_planned_on_a_fifo_queue(memory: InMemoryProvider) -> None:
    _existing(memory, name="orders.fifo")
    plan = SqsQueueManager(provider=memory).plan(
        SqsQueueDesired(name="orders.fifo", region=REGION, content_based_deduplication=True))
    assert [(a.aspect, a.after) for a in plan.actions] == [("content_based_deduplication", True)]


def test_create_is_one_call_carrying_every_managed_setting(memory: InMemoryProvider) -> None:
    desired = SqsQueueDesired(name="orders.fifo", region=REGION, visibility_timeout_seconds=60,
                              content_based_deduplication=True, policy=POLICY, tags={"env": "dev"},
                              encryption=QueueEncryption.kms("alias/orders"))
    plan = SqsQueueManager(provider=memory).plan(desired)
    assert [a.type for a in plan.actions] == ["create"]
    assert plan.actions[0].after == {
        "fifo": True, "visibility_timeout_seconds": 60, "content_based_deduplication": True,
        "encryption": {"mode": "kms", "kms_master_key_id": "alias/orders", "kms_data_key_reuse_period_seconds": 300},
        "policy": POLICY, "tags": {"env": "dev"},
    }


def test_create_then_reapply_writes_nothing(recorder: RecordingProvider) -> None:
    manager = SqsQueueManager(provider=recorder)
    desired = SqsQueueDesired(name="orders.fifo", region=REGION, visibility_timeout_seconds=60,
                              content_based_deduplication=True, policy=POLICY, tags={"env": "dev"},
                              encryption=QueueEncryption.kms("alias/orders"), redrive_policy=False)
    manager.apply(desired)
    assert [c.operation for c in recorder.writes] == ["create"]
    recorder.clear()
    assert not manager.apply(desired).changed
    assert recorder.writes == []


def test_no_op_plan_reads_existence_once_plus_tags(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory, tags={"env": "dev"})
    desired = SqsQueueDesired(name=NAME, region=REGION, visibility_timeout_seconds=30, delay_seconds=0,
                              encryption=QueueEncryption.sqs_managed(), policy={}, redrive_policy=False,
                              redrive_allow_policy=RedriveAllowPolicy(), tags={"env": "dev"})
    plan = SqsQueueManager(provider=recorder).plan(desired)
    assert not plan.changed
    # Every aspect but tags comes with the existence read (GetQueueAttributes(All) on AWS).
    assert [(c.operation, c.aspect) for c in recorder.calls] == [("read_existence", None), ("read_aspect", "tags")]
    assert len(recorder.reads) <= len(SQS_QUEUE.managed(desired)) + 1


def test_visibility_timeout_drift_is_reverted_with_one_write(memory: InMemoryProvider,
                                                             recorder: RecordingProvider) -> None:
    desired = SqsQueueDesired(name=NAME, region=REGION, visibility_timeout_seconds=60, tags={"env": "dev"})
    manager = SqsQueueManager(provider=recorder)
    manager.apply(desired)
    memory.world.set_aspect("sqs_queue", NAME, "visibility_timeout_seconds", 5, region=REGION)
    recorder.clear()
    result = manager.apply(desired)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "visibility_timeout_seconds")]
    assert result.observed is not None and result.observed.visibility_timeout_seconds == 60


def test_fifo_mismatch_with_the_existing_queue_is_planned_as_replace(memory: InMemoryProvider) -> None:
    # On AWS the name decides FIFO, so this only happens with queues made elsewhere (moto accepts a
    # '.fifo' name without FifoQueue and makes a standard queue).
    record = memory.world.new_record(SQS_QUEUE, "jobs.fifo", REGION, memory.world.account_id)
    record.attributes["fifo"] = False
    memory.world.add(record)
    manager = SqsQueueManager(provider=memory)
    desired = SqsQueueDesired(name="jobs.fifo", region=REGION, delay_seconds=3)
    plan = manager.plan(desired)
    assert [a.type for a in plan.actions] == ["replace"]
    assert "is_fifo is fixed at creation: false -> true" in plan.actions[0].details
    with pytest.raises(UnsafeChangeError):
        manager.apply(desired)
    manager.apply(desired, allow_replace=True)
    observed = manager.get("jobs.fifo", REGION)
    assert observed is not None and observed.fifo is True and observed.delay_seconds == 3


def test_absent_deletes_and_then_plans_nothing(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    _existing(memory)
    manager = SqsQueueManager(provider=recorder)
    gone = SqsQueueDesired(name=NAME, region=REGION, state="absent")
    assert [a.type for a in manager.plan(gone).actions] == ["delete"]
    manager.apply(gone)
    assert manager.get(NAME, REGION) is None
    recorder.clear()
    assert not manager.apply(gone).changed and recorder.writes == []


def test_a_queue_in_another_region_is_another_queue(memory: InMemoryProvider) -> None:
    _existing(memory)
    plan = SqsQueueManager(provider=memory).plan(SqsQueueDesired(name=NAME, region="us-west-2"))
    assert [a.type for a in plan.actions] == ["create"]


def test_get_reports_aws_defaults_for_a_new_queue(memory: InMemoryProvider) -> None:
    _existing(memory)
    observed = SqsQueueManager(provider=memory).get(NAME, REGION)
    assert observed is not None
    assert (observed.visibility_timeout_seconds, observed.message_retention_seconds, observed.delay_seconds,
            observed.max_message_size, observed.receive_wait_time_seconds) == (30, 345600, 0, 1048576, 0)
    assert observed.encryption == QueueEncryption.sqs_managed()
    assert observed.arn == f"arn:aws:sqs:{REGION}:123456789012:{NAME}"
    assert observed.fifo is False and observed.redrive_policy is None and observed.tags == {}


def test_missing_dead_letter_queue_is_refused_naming_the_field(memory: InMemoryProvider) -> None:
    # As on AWS: a redrive policy must name an existing queue, on create and on update.
    manager = SqsQueueManager(provider=memory)
    desired = SqsQueueDesired(name="orders", region=REGION,
                              redrive_policy=RedrivePolicy(dead_letter_target_arn=DLQ_ARN))
    with pytest.raises(InvalidRequestError) as caught:
        manager.apply(desired)
    assert caught.value.aspect == "redrive_policy" and DLQ_ARN in str(caught.value)
    manager.apply(SqsQueueDesired(name="orders", region=REGION))
    with pytest.raises(InvalidRequestError):
        manager.apply(desired)


def test_dead_letter_queue_may_be_deleted_while_in_use(memory: InMemoryProvider) -> None:
    # AWS lets a dead-letter queue be deleted while other queues still name it.
    manager = SqsQueueManager(provider=memory)
    manager.apply(SqsQueueDesired(name="plan-table-dlq", region=REGION))
    manager.apply(SqsQueueDesired(name="orders", region=REGION,
                                  redrive_policy=RedrivePolicy(dead_letter_target_arn=DLQ_ARN)))
    manager.delete("plan-table-dlq", REGION)
    assert manager.get("plan-table-dlq", REGION) is None
