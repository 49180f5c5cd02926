"""Safety on AwsProvider-on-moto: a role replace carries over what the model leaves unmanaged; every
verb checks its name before any request; a delivery policy handed back with numbers as strings is
no change (see tests/unit/test_safety.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import RecordingProvider, SnsTopicDesired, SnsTopicManager
from awsstate.providers.aws import AwsProvider
from tests.examples import EXAMPLES
from tests.unit.test_safety import carried_role_scenario, check_carried_over

REGION = "eu-west-1"


def test_a_role_replace_on_moto_carries_over_policies_and_its_instance_profile(aws: AwsProvider,
                                                                               boto_clients: Any) -> None:
    check_carried_over(carried_role_scenario(aws))
    profile = boto_clients("iam", None).get_instance_profile(InstanceProfileName="carry-role")["InstanceProfile"]
    assert [r["Arn"] for r in profile["Roles"]] == ["arn:aws:iam::123456789012:role/moved/carry-role"]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_a_verb_given_a_bad_name_makes_no_request(aws: AwsProvider, kind: str) -> None:
    recorder = RecordingProvider(aws)
    manager = EXAMPLES[kind].manager(provider=recorder)
    for verb in ("get", "export", "plan_delete", "delete"):
        with pytest.raises(ValidationError):
            getattr(manager, verb)("no such\nname")
    assert recorder.calls == []


def test_a_delivery_policy_given_back_with_numbers_as_strings_is_no_change(aws: AwsProvider,
                                                                          boto_clients: Any) -> None:
    manager = SnsTopicManager(provider=aws)
    desired = SnsTopicDesired(name="delivery", region=REGION,
                              delivery_policy={"http": {"defaultHealthyRetryPolicy": {"numRetries": 20}}})
    manager.apply(desired)
    arn = f"arn:aws:sns:{REGION}:123456789012:delivery"
    boto_clients("sns", REGION).set_topic_attributes(
        TopicArn=arn, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": "20"}}}))
    assert not manager.plan(desired).changed
