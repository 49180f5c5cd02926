"""The table of nested configuration models: one sub-field at a time, the others must survive.

Each :class:`NestedCase` is one nested model of one kind. ``base`` gives every sub-field a value
other than AWS's default; each :class:`Step` then gives one sub-field (``companions``: the ones the
model requires with it, at their base values) and says what that sub-field becomes. After each
step, every other sub-field must still hold its base value. Run on the in-memory provider by
tests/unit/test_nested_unmanaged.py and on moto by tests/integration/test_nested_unmanaged_aws.py
(a case moto cannot show is a strict xfail naming moto's behaviour).

Models given whole (members of a set, or values) are listed in :data:`WHOLE` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from awsstate import (
    BucketEncryption,
    BucketNotifications,
    PublicAccessBlock,
    QueueEncryption,
    RedriveAllowPolicy,
    RedrivePolicy,
    SecretRotation,
    SqsQueueDesired,
    SqsQueueManager,
    Subscription,
)
from awsstate.canonical import Json
from awsstate.resources.dynamodb_table import (
    GlobalSecondaryIndex,
    KeyAttribute,
    LocalSecondaryIndex,
    PointInTimeRecovery,
    TableBilling,
    TableEncryption,
)
from awsstate.resources.s3_bucket import (
    BucketLogging,
    BucketWebsite,
    CorsRule,
    InventoryConfiguration,
    LifecycleRule,
    NoncurrentTransition,
    NotificationTarget,
    ObjectLock,
    RedirectAll,
    RoutingCondition,
    RoutingRedirect,
    RoutingRule,
    Transition,
)
from tests.examples.s3_bucket import log_delivery_policy

ACCOUNT = "123456789012"
REGION = "eu-west-1"


@dataclass(frozen=True)
class Step:
    """Give one sub-field (``value`` is the nested model with it); ``changed``: what it becomes."""

    label: str
    value: Callable[[str], Any]
    changed: dict[str, Json]


@dataclass(frozen=True)
class NestedCase:
    """One nested model of one kind (see the module docstring)."""

    kind: str
    aspect: str
    model: type[Any]
    base: Callable[[str], Any]
    steps: tuple[Step, ...]
    extra: Callable[[str], dict[str, Any]] = field(default=lambda name: {})
    """Other fields the desired model needs alongside (a policy letting log delivery write)."""
    setup: Callable[[Any, str], None] | None = None
    """``(provider, name)``: resources to create first (dead-letter queues)."""
    moto: dict[str, str] = field(default_factory=dict)
    """Step label -> moto 5.2.5 behaviour that keeps it from passing there (strict xfail)."""


def _queue(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def _dead_letter_queues(provider: Any, name: str) -> None:
    manager = SqsQueueManager(provider=provider)
    for suffix in ("dlq-a", "dlq-b"):
        manager.apply(SqsQueueDesired(name=f"{name}-{suffix}", region=REGION))


def _log_targets(provider: Any, name: str) -> None:
    from awsstate import S3BucketDesired, S3BucketManager

    other = f"{name}-logs"
    S3BucketManager(provider=provider).apply(S3BucketDesired(name=other, region=REGION,
                                                             policy=log_delivery_policy(other)))


def _function(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _rotation_functions(provider: Any, name: str) -> None:
    """On AWS (moto): the rotation functions must exist (RotateSecret invokes them)."""
    if not hasattr(provider, "client"):
        return  # the in-memory fake does not check functions
    import io
    import json
    import zipfile

    iam = provider.client("iam", None)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    try:
        role = iam.create_role(RoleName="nested-rotation", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName="nested-rotation")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    functions = provider.client("lambda", REGION)
    for suffix in ("rotate-a", "rotate-b"):
        functions.create_function(FunctionName=f"{name}-{suffix}", Runtime="python3.12", Role=role,
                                  Handler="index.handler", Code={"ZipFile": code.getvalue()})
    # A rotated secret has a value (its function sets it; here, made first), so the case can leave it unmanaged.
    provider.client("secretsmanager", REGION).create_secret(Name=name, SecretString="first")


def _log_delivery(name: str, *prefixes: str) -> dict[str, Any]:
    policy = log_delivery_policy(name)
    policy["Statement"] = [{**policy["Statement"][0], "Sid": f"Logs{index}", "Resource": f"arn:aws:s3:::{name}/{p}*"}
                           for index, p in enumerate(prefixes)]
    return policy


ROUTES = [RoutingRule(condition=RoutingCondition(key_prefix_equals="docs/"),
                      redirect=RoutingRedirect(replace_key_prefix_with="documents/"))]
OTHER_ROUTES = [RoutingRule(condition=RoutingCondition(http_error_code_returned_equals="404"),
                            redirect=RoutingRedirect(host_name="example.com"))]


def _target(name: str, queue: str, prefix: str) -> NotificationTarget:
    return NotificationTarget(id=f"to-{queue}", arn=_queue(f"{name}-{queue}"), events=["s3:ObjectCreated:*"],
                              prefix=prefix)


CASES: tuple[NestedCase, ...] = (
    NestedCase(
        kind="s3_bucket", aspect="block_public_access", model=PublicAccessBlock,
        base=lambda name: PublicAccessBlock(block_public_acls=False, ignore_public_acls=True, block_public_policy=False,
                                            restrict_public_buckets=True),
        steps=(
            Step("block_public_acls", lambda name: PublicAccessBlock(block_public_acls=True),
                 {"block_public_acls": True}),
            Step("ignore_public_acls", lambda name: PublicAccessBlock(ignore_public_acls=False),
                 {"ignore_public_acls": False}),
            Step("block_public_policy", lambda name: PublicAccessBlock(block_public_policy=True),
                 {"block_public_policy": True}),
            Step("restrict_public_buckets", lambda name: PublicAccessBlock(restrict_public_buckets=False),
                 {"restrict_public_buckets": False}),
            Step("nothing", lambda name: PublicAccessBlock(), {}),
        ),
    ),
    NestedCase(
        kind="s3_bucket", aspect="encryption", model=BucketEncryption,
        base=lambda name: BucketEncryption(algorithm="aws:kms", kms_key_id="alias/first", bucket_key_enabled=True),
        steps=(
            Step("bucket_key_enabled", lambda name: BucketEncryption(bucket_key_enabled=False),
                 {"bucket_key_enabled": False}),
            Step("algorithm", lambda name: BucketEncryption(algorithm="aws:kms:dsse"), {"algorithm": "aws:kms:dsse"}),
            Step("kms_key_id", lambda name: BucketEncryption(algorithm="aws:kms", kms_key_id="alias/second"),
                 {"kms_key_id": "alias/second"}),
            Step("nothing", lambda name: BucketEncryption(), {}),
        ),
    ),
    NestedCase(
        kind="s3_bucket", aspect="object_lock", model=ObjectLock,
        base=lambda name: ObjectLock(mode="GOVERNANCE", days=5),
        steps=(
            Step("enabled", lambda name: ObjectLock(enabled=True), {}),
            Step("retention", lambda name: ObjectLock(mode="COMPLIANCE", years=1),
                 {"mode": "COMPLIANCE", "years": 1, "days": None}),
            Step("nothing", lambda name: ObjectLock(), {}),
        ),
        extra=lambda name: {"versioning": True},
    ),
    NestedCase(
        kind="s3_bucket", aspect="logging", model=BucketLogging,
        base=lambda name: BucketLogging(target_bucket=name, target_prefix="logs/"),
        steps=(
            Step("target_bucket", lambda name: BucketLogging(target_bucket=f"{name}-logs"),
                 {"target_bucket": "{name}-logs"}),
            Step("target_prefix", lambda name: BucketLogging(target_bucket=name, target_prefix="logs/access/"),
                 {"target_prefix": "logs/access/"}),
        ),
        extra=lambda name: {"policy": _log_delivery(name, "logs/", "logs/access/")},
        setup=_log_targets,
    ),
    NestedCase(
        kind="s3_bucket", aspect="website", model=BucketWebsite,
        base=lambda name: BucketWebsite(index_document="index.html", error_document="error.html",
                                        routing_rules=ROUTES),
        steps=(
            Step("index_document", lambda name: BucketWebsite(index_document="home.html"),
                 {"index_document": "home.html"}),
            Step("error_document", lambda name: BucketWebsite(index_document="index.html",
                                                              error_document="oops.html"),
                 {"error_document": "oops.html"}),
            Step("routing_rules", lambda name: BucketWebsite(index_document="index.html", routing_rules=OTHER_ROUTES),
                 {"routing_rules": [{"condition": {"http_error_code_returned_equals": "404"},
                                     "redirect": {"host_name": "example.com"}}]}),
        ),
    ),
    NestedCase(
        kind="s3_bucket", aspect="notifications", model=BucketNotifications,
        base=lambda name: BucketNotifications(targets=[_target(name, "q1", "in/")], eventbridge=True),
        steps=(
            Step("eventbridge", lambda name: BucketNotifications(eventbridge=False), {"eventbridge": False}),
            Step("targets", lambda name: BucketNotifications(targets=[_target(name, "q2", "up/")]),
                 {"targets": [{"id": "to-q2", "arn": _queue("{name}-q2"), "events": ["s3:ObjectCreated:*"],
                               "prefix": "up/"}]}),
        ),
        moto={"eventbridge": "moto 5.2.5 drops EventBridgeConfiguration from the notification configuration",
              "targets": "moto 5.2.5 drops EventBridgeConfiguration from the notification configuration"},
    ),
    NestedCase(
        kind="sqs_queue", aspect="redrive_policy", model=RedrivePolicy,
        base=lambda name: RedrivePolicy(dead_letter_target_arn=_queue(f"{name}-dlq-a"), max_receive_count=7),
        steps=(
            Step("dead_letter_target_arn", lambda name: RedrivePolicy(dead_letter_target_arn=_queue(f"{name}-dlq-b")),
                 {"dead_letter_target_arn": _queue("{name}-dlq-b")}),
            Step("max_receive_count", lambda name: RedrivePolicy(dead_letter_target_arn=_queue(f"{name}-dlq-a"),
                                                                 max_receive_count=3),
                 {"max_receive_count": 3}),
        ),
        setup=_dead_letter_queues,
    ),
    NestedCase(
        kind="sqs_queue", aspect="redrive_allow_policy", model=RedriveAllowPolicy,
        base=lambda name: RedriveAllowPolicy(permission="byQueue", source_queue_arns=(_queue(f"{name}-src"),)),
        steps=(
            Step("source_queue_arns", lambda name: RedriveAllowPolicy(permission="byQueue",
                                                                      source_queue_arns=(_queue(f"{name}-other"),)),
                 {"source_queue_arns": [_queue("{name}-other")]}),
            Step("nothing", lambda name: RedriveAllowPolicy(), {}),
        ),
        moto={"source_queue_arns": "moto 5.2.5 accepts RedriveAllowPolicy but never returns it",
              "nothing": "moto 5.2.5 accepts RedriveAllowPolicy but never returns it"},
    ),
    NestedCase(
        kind="sqs_queue", aspect="encryption", model=QueueEncryption,
        base=lambda name: QueueEncryption(mode="kms", kms_master_key_id="alias/first",
                                          kms_data_key_reuse_period_seconds=600),
        steps=(
            Step("kms_master_key_id", lambda name: QueueEncryption(mode="kms", kms_master_key_id="alias/second"),
                 {"kms_master_key_id": "alias/second"}),
            Step("kms_data_key_reuse_period_seconds",
                 lambda name: QueueEncryption(mode="kms", kms_master_key_id="alias/first",
                                              kms_data_key_reuse_period_seconds=900),
                 {"kms_data_key_reuse_period_seconds": 900}),
            Step("nothing", lambda name: QueueEncryption(), {}),
        ),
    ),
    NestedCase(
        kind="sns_topic", aspect="subscriptions", model=Subscription,
        base=lambda name: Subscription(protocol="sqs", endpoint=_queue(f"{name}-sub"), filter_policy={"k": ["v"]},
                                       filter_policy_scope="MessageBody", raw_message_delivery=True),
        steps=(
            Step("raw_message_delivery", lambda name: Subscription(protocol="sqs", endpoint=_queue(f"{name}-sub"),
                                                                   raw_message_delivery=False),
                 {"raw_message_delivery": False}),
            Step("filter_policy", lambda name: Subscription(protocol="sqs", endpoint=_queue(f"{name}-sub"),
                                                            filter_policy={"k": ["w"]}),
                 {"filter_policy": {"k": ["w"]}}),
            Step("filter_policy_scope", lambda name: Subscription(protocol="sqs", endpoint=_queue(f"{name}-sub"),
                                                                  filter_policy_scope="MessageAttributes"),
                 {"filter_policy_scope": "MessageAttributes"}),
        ),
    ),
    NestedCase(
        kind="secretsmanager_secret", aspect="rotation", model=SecretRotation,
        base=lambda name: SecretRotation(lambda_arn=_function(f"{name}-rotate-a"), automatically_after_days=10,
                                         duration="3h", rotate_immediately=False),
        steps=(
            Step("lambda_arn", lambda name: SecretRotation(lambda_arn=_function(f"{name}-rotate-b"),
                                                           rotate_immediately=False),
                 {"lambda_arn": _function("{name}-rotate-b")}),
            Step("automatically_after_days", lambda name: SecretRotation(automatically_after_days=20,
                                                                         rotate_immediately=False),
                 {"automatically_after_days": 20}),
            Step("schedule_expression", lambda name: SecretRotation(schedule_expression="rate(7 days)",
                                                                    rotate_immediately=False),
                 {"schedule_expression": "rate(7 days)", "automatically_after_days": None}),
            Step("duration", lambda name: SecretRotation(duration="5h", rotate_immediately=False), {"duration": "5h"}),
            Step("nothing", lambda name: SecretRotation(), {}),
        ),
        setup=_rotation_functions,
        moto={step: "moto 5.2.5 drops RotationRules.Duration (and ScheduleExpression), so the base never reads back"
              for step in ("lambda_arn", "automatically_after_days", "schedule_expression", "duration", "nothing")},
    ),
    NestedCase(
        kind="dynamodb_table", aspect="billing", model=TableBilling,
        base=lambda name: TableBilling(mode="PROVISIONED", read_capacity=7, write_capacity=9),
        steps=(
            Step("mode", lambda name: TableBilling(mode="PAY_PER_REQUEST"), {"mode": "PAY_PER_REQUEST"}),
            Step("read_capacity", lambda name: TableBilling(mode="PROVISIONED", read_capacity=3), {"read_capacity": 3}),
            Step("write_capacity", lambda name: TableBilling(mode="PROVISIONED", write_capacity=4),
                 {"write_capacity": 4}),
            Step("max_read_request_units",
                 lambda name: TableBilling(mode="PAY_PER_REQUEST", max_read_request_units=50),
                 {"mode": "PAY_PER_REQUEST", "max_read_request_units": 50}),
            Step("nothing", lambda name: TableBilling(), {}),
        ),
        extra=lambda name: {"hash_key": KeyAttribute(name="pk", type="S")},
        moto={"max_read_request_units": "moto 5.2.5 does not store OnDemandThroughput (the maximum reads back unset)"},
    ),
    NestedCase(
        kind="dynamodb_table", aspect="point_in_time_recovery", model=PointInTimeRecovery,
        base=lambda name: PointInTimeRecovery(enabled=True, recovery_period_in_days=20),
        steps=(
            Step("enabled", lambda name: PointInTimeRecovery(enabled=False), {"enabled": False}),
            Step("recovery_period_in_days", lambda name: PointInTimeRecovery(recovery_period_in_days=7),
                 {"recovery_period_in_days": 7}),
            Step("nothing", lambda name: PointInTimeRecovery(), {}),
        ),
        extra=lambda name: {"hash_key": KeyAttribute(name="pk", type="S"), "billing": TableBilling.on_demand()},
    ),
)
"""Every nested configuration model (a :class:`~awsstate.resources.settings.Settings`) of every kind."""

WHOLE: dict[type[Any], str] = {
    LifecycleRule: "a member of the lifecycle_rules set (keyed by id): each rule is given whole",
    Transition: "part of a lifecycle rule, given whole",
    NoncurrentTransition: "part of a lifecycle rule, given whole",
    CorsRule: "a member of the ordered cors_rules list: each rule is given whole",
    NotificationTarget: "a member of BucketNotifications.targets (keyed by id): each target is given whole",
    InventoryConfiguration: "a member of the inventory_configurations set (keyed by id): given whole",
    RoutingRule: "a member of the ordered BucketWebsite.routing_rules list: given whole",
    RoutingCondition: "part of a routing rule, given whole",
    RoutingRedirect: "part of a routing rule, given whole",
    RedirectAll: "BucketWebsite.redirect_all_requests_to replaces the whole website configuration",
    KeyAttribute: "a key attribute (name and type) of a key schema, which is fixed: given whole",
    GlobalSecondaryIndex: "a member of the global_secondary_indexes set (keyed by name): its keys and projection "
                          "define the index and are given whole; capacities left unset (None) keep the index's",
    LocalSecondaryIndex: "a member of the local_secondary_indexes set, fixed at the table's creation: given whole",
    TableEncryption: "a value (whose key encrypts the table, and that key's ARN): given whole",
}
"""Nested models that are not configurations with defaults: given whole, with the reason."""

def named(value: Json, name: str) -> Json:
    """``value`` with ``{name}`` in its strings replaced by the resource's name."""
    if isinstance(value, str):
        return value.replace("{name}", name)
    if isinstance(value, list):
        return [named(v, name) for v in value]
    if isinstance(value, dict):
        return {k: named(v, name) for k, v in value.items()}
    return value
