"""The KMS stack of tests/stacks/test_stack_kms.py on moto: a key named by alias, created first, and one
resource of every kind that takes a key encrypted with it (the key's ARN known only after apply)."""

from __future__ import annotations

from awsstate import Stack
from awsstate.providers.aws import AwsProvider
from awsstate.testing import FakeClock
from tests.stacks.test_stack_kms import key_and_users


def test_a_key_and_every_kind_that_takes_one_converge_in_one_stack_on_moto(aws: AwsProvider) -> None:
    key, users = key_and_users()
    stack = Stack("enc", [*users, key], provider=aws, clock=FakeClock())
    plan = stack.plan()
    assert plan.order[0] == "kms_key.data" and set(plan.unknown) == {f"{u.kind_spec.kind}.{u.name}" for u in users}
    result = stack.apply(plan)
    assert result.ok and len(result.done) == 8, str(result)
    again = stack.plan()
    assert not again.changed, str(again)
    key_arn = again.plans["kms_key.data"].observed.attributes["arn"]
    queue = again.plans["sqs_queue.enc-q"].observed
    assert isinstance(key_arn, str) and key_arn in str(queue.aspects)
