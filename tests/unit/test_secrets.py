"""Secrets never show: not in repr, str(plan), plan JSON, Observed JSON, log events or errors.

Two kinds of secret: credentials inside URLs (an SNS https subscription to
``https://alice:s3cr3t@hooks.example.com/in?token=t0k3n``), and values of aspects declared
``sensitive`` (a test kind below, as SSM parameters and Secrets Manager secrets will be).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    ConvergenceError,
    InMemoryProvider,
    InvalidPlanError,
    InvalidRequestError,
    Plan,
    ProviderCall,
    RecordingProvider,
    SettlePolicy,
    SnsTopicDesired,
    SnsTopicManager,
    StalePlanError,
    Subscription,
    WrappingProvider,
)
from awsstate.manager import Manager
from awsstate.models import DesiredModel
from awsstate.secrets import digest, scrub_text
from awsstate.spec import Aspect, Attribute, KindSpec
from awsstate.testing import FakeClock

REGION = "eu-west-1"
ENDPOINT = "https://alice:s3cr3t@hooks.example.com/in?token=t0k3n&source=awsstate"
SECRETS = ("s3cr3t", "t0k3n")
TOPIC = SnsTopicDesired(name="alerts", region=REGION,
                        subscriptions=[Subscription(protocol="https", endpoint=ENDPOINT)])


def _clean(text: str) -> str:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} shown in: {text}"
    return text


def test_url_credentials_are_masked_but_the_rest_of_the_url_is_kept() -> None:
    assert scrub_text(ENDPOINT) == "https://alice:****@hooks.example.com/in?token=****&source=awsstate"
    assert scrub_text("see https://x.example/a?X-Amz-Signature=abc123&X-Amz-Credential=AKIA/1") == \
        "see https://x.example/a?X-Amz-Signature=****&X-Amz-Credential=****"
    assert scrub_text("https://hooks.example.com/in?page=2") == "https://hooks.example.com/in?page=2"


def test_an_https_subscription_with_credentials_shows_neither_secret_anywhere(memory: InMemoryProvider) -> None:
    manager = SnsTopicManager(provider=memory, clock=FakeClock())
    _clean(repr(TOPIC)), _clean(str(TOPIC))
    with capture_logs() as logs:
        plan = manager.plan(TOPIC)
        _clean(str(plan)), _clean(repr(plan)), _clean(plan.model_dump_json())
        result = manager.apply(TOPIC)
        _clean(repr(result)), _clean(str(result))
        observed = manager.get(TOPIC.name, REGION)
        assert observed is not None
        _clean(repr(observed)), _clean(observed.model_dump_json()), _clean(json.dumps(observed.model_dump()))
        exported = manager.export(TOPIC.name, REGION)
        _clean(repr(exported))
        _clean(str(manager.plan(TOPIC)))
    _clean(json.dumps(logs, default=str))
    assert any(entry["event"] == "plan.computed" for entry in logs)
    # ... while the objects in hand keep the real values: apply must be able to write them.
    assert observed.subscriptions[0].endpoint == ENDPOINT
    assert memory.world.require("sns_topic", "alerts", REGION).aspects["subscriptions"][0]["endpoint"] == ENDPOINT


def test_a_plan_read_back_from_json_cannot_write_a_masked_value(memory: InMemoryProvider) -> None:
    recorder = RecordingProvider(memory)
    manager = SnsTopicManager(provider=recorder, clock=FakeClock())
    saved = Plan.model_validate_json(manager.plan(TOPIC).model_dump_json())
    recorder.clear()
    with pytest.raises(InvalidPlanError, match="masks secrets") as caught:
        manager.apply(saved)
    _clean(str(caught.value))
    assert recorder.writes == []


class _NeverSettles(WrappingProvider):
    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        result = proceed()
        return [] if call.operation == "read_aspect" and call.aspect == "subscriptions" else result


class _RefusesWithTheEndpoint(WrappingProvider):
    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.operation == "write_aspect":  # AWS's messages quote the value they refuse
            raise InvalidRequestError(f"Invalid parameter: Endpoint {ENDPOINT} is not reachable", kind=call.kind,
                                      name=call.name, aspect=call.aspect, operation="Subscribe",
                                      code="InvalidParameter")
        return proceed()


def test_errors_never_show_the_secrets(memory: InMemoryProvider) -> None:
    clock = FakeClock()
    with capture_logs() as logs:
        with pytest.raises(ConvergenceError) as never:
            SnsTopicManager(provider=_NeverSettles(memory), clock=clock, settle=SettlePolicy(timeout=1)).apply(TOPIC)
        _clean(str(never.value))
        with pytest.raises(InvalidRequestError) as refused:
            SnsTopicManager(provider=_RefusesWithTheEndpoint(InMemoryProvider()), clock=clock).apply(TOPIC)
        assert "Endpoint https://alice:****@hooks.example.com" in _clean(str(refused.value))
    _clean(json.dumps(logs, default=str))
    manager = SnsTopicManager(provider=memory, clock=clock)
    other = TOPIC.model_copy(update={"subscriptions": (Subscription(protocol="https", endpoint=ENDPOINT + "2"),)})
    plan = manager.plan(other)
    memory.world.set_aspect("sns_topic", "alerts", "subscriptions", [], region=REGION)
    with pytest.raises(StalePlanError) as stale:
        manager.apply(plan)
    _clean(str(stale.value))


# -- a kind with a sensitive aspect ----------------------------------------------------------------

class VaultDesired(DesiredModel):
    """A test kind: a named secret with a description (test only)."""

    region: str | None = None
    """Where it lives."""
    value: str | None = None
    """The secret."""
    description: str | None = None
    """Not a secret."""


VAULT = KindSpec(
    kind="test_vault", describe="test vault", desired_model=VaultDesired,
    attributes=(Attribute("arn", "Its ARN."),),
    derive=lambda name, region, account: {"arn": f"arn:aws:vault:{region}:{account}:{name}", "region": region},
    aspects=(Aspect(name="value", doc="The secret.", type=str, sensitive=True, in_create=True),
             Aspect(name="description", doc="Not a secret.", type=str)),
)


class VaultManager(Manager[VaultDesired]):
    """Manages test vaults."""

    spec = VAULT


SECRET = VaultDesired(name="db-password", region=REGION, value="hunter2-s3cr3t", description="the db")


def _hidden(text: str) -> str:
    assert "hunter2" not in text, text
    return text


def test_a_sensitive_value_is_masked_everywhere_and_compared_by_digest(memory: InMemoryProvider) -> None:
    manager = VaultManager(provider=memory, clock=FakeClock())
    assert "value=(sensitive)" in _hidden(repr(SECRET))
    with capture_logs() as logs:
        plan = manager.plan(SECRET)
        assert "value = (sensitive)" in _hidden(str(plan))
        text = _hidden(plan.model_dump_json())
        assert json.loads(text)["actions"][0]["params"]["value"] == {"$sensitive": digest("hunter2-s3cr3t")}
        manager.apply(SECRET)
        observed = manager.get(SECRET.name, REGION)
        assert observed is not None and observed.value == "hunter2-s3cr3t"
        _hidden(repr(observed)), _hidden(observed.model_dump_json())
        changed = SECRET.model_copy(update={"value": "hunter3-new"})
        update = manager.plan(changed)
        assert update.aspects == ("value",)
        assert "value: (sensitive) -> (sensitive)" in _hidden(str(update))
        _hidden(update.model_dump_json())
    _hidden(json.dumps(logs, default=str))
    # Read back from JSON, a plan still knows whether the secret changed (by digest) ...
    other = SECRET.model_copy(update={"description": "the database"})
    saved = Plan.model_validate_json(manager.plan(other).model_dump_json())
    assert saved.observed.aspects["value"] == {"$sensitive": digest("hunter2-s3cr3t")}
    memory.world.set_aspect("test_vault", SECRET.name, "value", "changed-behind-our-back", region=REGION)
    with pytest.raises(StalePlanError, match=r"value: planned from \(sensitive\), now \(sensitive\)") as stale:
        manager.apply(saved)
    _hidden(str(stale.value))
    # ... and applies when it did not.
    memory.world.set_aspect("test_vault", SECRET.name, "value", "hunter2-s3cr3t", region=REGION)
    assert manager.apply(saved).changed
    # A plan that would write the secret cannot be applied from JSON: it does not hold it.
    with pytest.raises(InvalidPlanError):
        manager.apply(Plan.model_validate_json(update.model_dump_json()))
