"""The in-memory fake deletes as AWS does where AWS only schedules a deletion: a secret waits out its
recovery window and is restored when created again; a KMS key waits out its pending window and a
new key takes its alias. Both count as gone meanwhile (the same cases run on moto in
tests/integration/test_secretsmanager_secret_aws.py and test_kms_key_aws.py)."""

from __future__ import annotations

from awsstate import (
    InMemoryProvider,
    KmsKeyDesired,
    KmsKeyManager,
    RecordingProvider,
    SecretsmanagerSecretDesired,
    SecretsmanagerSecretManager,
)
from awsstate.testing import FakeClock

REGION = "eu-west-1"


def test_a_secret_deleted_with_a_window_is_kept_gone_and_restored_when_created_again() -> None:
    provider = InMemoryProvider(region=REGION)
    manager = SecretsmanagerSecretManager(provider=provider, clock=FakeClock())
    first = SecretsmanagerSecretDesired(name="app/db", region=REGION, secret_string="v1", description="one")
    arn = manager.apply(first).observed.arn  # type: ignore[union-attr]
    manager.apply(first.model_copy(update={"state": "absent", "recovery_window_in_days": 7}))
    record = provider.world.find("secretsmanager_secret", "app/db", REGION)
    assert record is not None and record.attributes["deleted_date"], "scheduled, not deleted"
    assert manager.get("app/db", REGION) is None and manager.names(REGION) == []
    again = first.model_copy(update={"secret_string": "v2", "description": "two"})
    assert [a.type for a in manager.plan(again).actions] == ["create"]
    result = manager.apply(again)
    assert result.observed is not None and result.observed.arn == arn, "restored: the same secret"
    assert result.observed.description == "two" and not manager.plan(again).changed


def test_a_secret_deleted_without_recovery_is_gone_at_once() -> None:
    provider = InMemoryProvider(region=REGION)
    manager = SecretsmanagerSecretManager(provider=provider, clock=FakeClock())
    desired = SecretsmanagerSecretDesired(name="app/now", region=REGION, secret_string="v")
    manager.apply(desired)
    manager.apply(desired.model_copy(update={"state": "absent", "force_delete_without_recovery": True}))
    assert provider.world.find("secretsmanager_secret", "app/now", REGION) is None


def test_a_kms_key_made_again_is_a_new_key_behind_the_same_alias() -> None:
    provider = InMemoryProvider(region=REGION)
    manager = KmsKeyManager(provider=provider, clock=FakeClock())
    desired = KmsKeyDesired(name="again", region=REGION, description="v1")
    old = manager.apply(desired).observed.key_id  # type: ignore[union-attr]
    manager.apply(desired.model_copy(update={"state": "absent"}))
    assert manager.get("again", REGION) is None
    recorder = RecordingProvider(provider)
    again = KmsKeyManager(provider=recorder, clock=FakeClock()).apply(desired)
    assert again.observed is not None and again.observed.key_id != old
    assert recorder.writes[0].operation == "create"
    assert not manager.plan(desired).changed
