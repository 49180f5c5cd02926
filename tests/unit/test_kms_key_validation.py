"""Validation of KmsKeyDesired: KMS's rules, before any call, with errors naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import InMemoryProvider, KmsKeyDesired, KmsKeyManager, RecordingProvider
from awsstate.resources.kms_key.kind import KMS_KEY
from tests.examples.kms_key import key_policy

REGION = "eu-west-1"
NO_PRINCIPAL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}

# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-empty", {"name": ""}, "name", "1 to 250"),
    ("name-251-chars", {"name": "k" * 251}, "name", "is 251 characters"),
    ("name-with-alias-prefix", {"name": "alias/orders"}, "name", "without 'alias/': name='orders'"),
    ("name-aws-reserved", {"name": "aws/s3"}, "name", "belong to AWS managed keys"),
    ("name-dot", {"name": "orders.key"}, "name", "only letters, digits, '/', '_' and '-'"),
    ("name-colon", {"name": "orders:key"}, "name", "only letters, digits"),
    ("name-space", {"name": "orders key"}, "name", "only letters, digits"),
    ("name-trailing-newline", {"name": "orders\n"}, "name", "only letters, digits"),
    ("region-unknown", {"region": "mars-north-1"}, "region", "unknown AWS region"),
    ("description-too-long", {"description": "d" * 8193}, "description", "at most 8192"),
    ("policy-empty-mapping", {"policy": {}}, "policy", "always has a key policy"),
    ("policy-blank-text", {"policy": "  "}, "policy", "a KMS key always has a key policy"),
    ("policy-invalid-json", {"policy": '{"Statement": ['}, "policy", "not valid JSON"),
    ("policy-without-principal", {"policy": NO_PRINCIPAL}, "policy", "Principal"),
    ("policy-without-statement", {"policy": {"Version": "2012-10-17"}}, "policy", "no Statement"),
    ("policy-bad-version", {"policy": {**key_policy(), "Version": "2020-01-01"}}, "policy", "not supported"),
    ("policy-over-32kb", {"policy": key_policy(*[{"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": "*"},
                                                  "Action": "kms:Decrypt", "Resource": "*",
                                                  "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x" * 200}}}
                                                 for i in range(150)])},
     "policy", "KMS allows at most 32768"),
    ("policy-non-latin1", {"policy": key_policy({"Sid": "Euro€", "Effect": "Allow", "Principal": {"AWS": "*"},
                                                 "Action": "kms:Decrypt", "Resource": "*"})},
     "policy", "U+20AC"),
    ("key-spec-unknown", {"key_spec": "AES_256"}, "key_spec", "Input should be"),
    ("key-usage-unknown", {"key_usage": "DECRYPT"}, "key_usage", "Input should be"),
    ("hmac-without-usage", {"key_spec": "HMAC_256"}, "key_usage", "needs key_usage (one of GENERATE_VERIFY_MAC)"),
    ("ecc-without-usage", {"key_spec": "ECC_NIST_P256"}, "key_usage", "KEY_AGREEMENT, SIGN_VERIFY"),
    ("symmetric-signing", {"key_spec": "SYMMETRIC_DEFAULT", "key_usage": "SIGN_VERIFY"}, "key_usage",
     "does not suit key_spec 'SYMMETRIC_DEFAULT'"),
    ("rsa-mac", {"key_spec": "RSA_2048", "key_usage": "GENERATE_VERIFY_MAC"}, "key_usage",
     "ENCRYPT_DECRYPT, SIGN_VERIFY"),
    ("secg-key-agreement", {"key_spec": "ECC_SECG_P256K1", "key_usage": "KEY_AGREEMENT"}, "key_usage",
     "allows SIGN_VERIFY"),
    ("ml-kem-sign", {"key_spec": "ML_KEM_768", "key_usage": "SIGN_VERIFY"}, "key_usage",
     "allows ENCAPSULATE_DECAPSULATE"),
    ("usage-without-spec", {"key_usage": "SIGN_VERIFY"}, "key_usage", "needs key_spec too"),
    ("sm2-outside-china", {"region": "eu-west-1", "key_spec": "SM2", "key_usage": "SIGN_VERIFY"}, "key_spec",
     "only in the China regions"),
    ("rotation-of-asymmetric-key", {"key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "enable_key_rotation": True},
     "enable_key_rotation", "rotates only symmetric encryption keys"),
    ("rotation-of-hmac-key", {"key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC",
                              "enable_key_rotation": True}, "enable_key_rotation", "not 'HMAC_256' keys"),
    ("period-without-rotation", {"rotation_period_in_days": 180}, "rotation_period_in_days",
     "needs enable_key_rotation=True"),
    ("period-with-rotation-off", {"enable_key_rotation": False, "rotation_period_in_days": 180},
     "rotation_period_in_days", "needs enable_key_rotation=True"),
    ("period-89", {"enable_key_rotation": True, "rotation_period_in_days": 89}, "rotation_period_in_days",
     "greater than or equal to 90"),
    ("period-2561", {"enable_key_rotation": True, "rotation_period_in_days": 2561}, "rotation_period_in_days",
     "less than or equal to 2560"),
    ("deletion-window-6", {"deletion_window_in_days": 6}, "deletion_window_in_days", "greater than or equal to 7"),
    ("deletion-window-31", {"deletion_window_in_days": 31}, "deletion_window_in_days", "less than or equal to 30"),
    ("tags-aws-prefix", {"tags": {"aws:owner": "me"}}, "tags", "reserved for AWS"),
    ("tags-51", {"tags": {f"k{i}": "v" for i in range(51)}}, "tags", "at most 50"),
    ("enabled-not-bool", {"enabled": "maybe"}, "enabled", "valid boolean"),
    ("unknown-field", {"alias": "orders"}, "alias", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [pytest.param(f, n, t, id=i) for i, f, n, t in BAD])
def test_invalid_input_is_refused_naming_the_field_before_any_call(fields: dict[str, Any], field: str,
                                                                   text: str) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    manager = KmsKeyManager(provider=recorder)
    with pytest.raises(ValidationError) as caught:
        manager.plan(KmsKeyDesired.model_validate({"name": "orders", "region": REGION, **fields}))
    errors = caught.value.errors()
    assert any(error["loc"] and error["loc"][0] == field for error in errors), errors
    assert text in str(caught.value)
    assert recorder.calls == []


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("alias-with-slashes-underscores-dashes", {"name": "team/app_keys-1"}),
    ("alias-250-chars", {"name": "k" * 250}),
    ("description-empty-removes", {"description": ""}),
    ("policy-as-json-text", {"policy": json.dumps(key_policy())}),
    ("policy-2008-version", {"policy": {**key_policy(), "Version": "2008-10-17"}}),
    ("symmetric-explicit", {"key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT"}),
    ("rsa-encrypt", {"key_spec": "RSA_4096", "key_usage": "ENCRYPT_DECRYPT"}),
    ("rsa-spec-alone-defaults-to-encrypt", {"key_spec": "RSA_3072"}),
    ("ecc-key-agreement", {"key_spec": "ECC_NIST_P384", "key_usage": "KEY_AGREEMENT"}),
    ("ed25519-sign", {"key_spec": "ECC_NIST_EDWARDS25519", "key_usage": "SIGN_VERIFY"}),
    ("hmac", {"key_spec": "HMAC_512", "key_usage": "GENERATE_VERIFY_MAC"}),
    ("ml-dsa", {"key_spec": "ML_DSA_65", "key_usage": "SIGN_VERIFY"}),
    ("sm2-in-china", {"region": "cn-north-1", "key_spec": "SM2", "key_usage": "ENCRYPT_DECRYPT"}),
    ("usage-encrypt-without-spec", {"key_usage": "ENCRYPT_DECRYPT"}),
    ("multi-region", {"multi_region": True}),
    ("rotation-with-period-bounds", {"enable_key_rotation": True, "rotation_period_in_days": 90}),
    ("rotation-with-longest-period", {"enable_key_rotation": True, "rotation_period_in_days": 2560}),
    ("rotation-off", {"enable_key_rotation": False}),
    ("disabled", {"enabled": False}),
    ("deletion-window-bounds", {"deletion_window_in_days": 7}),
    ("tags-empty", {"tags": {}}),
]


@pytest.mark.parametrize("fields", [pytest.param(f, id=i) for i, f in GOOD])
def test_valid_input_is_accepted(fields: dict[str, Any]) -> None:
    KmsKeyDesired.model_validate({"name": "orders", "region": REGION, **fields})


def test_the_alias_is_the_name_and_a_bare_name_is_checked_by_every_verb() -> None:
    manager = KmsKeyManager(provider=RecordingProvider(InMemoryProvider()))
    for verb in (manager.get, manager.export, manager.plan_delete, manager.delete):
        with pytest.raises(ValidationError, match="without 'alias/'"):
            verb("alias/orders", REGION)


def test_a_policy_given_as_text_is_the_same_value_as_the_mapping() -> None:
    text = KmsKeyDesired(name="orders", policy=json.dumps(key_policy()))
    mapping = KmsKeyDesired(name="orders", policy=key_policy())
    policy = KMS_KEY.aspect("policy")
    assert policy.equal(policy.wanted(text), policy.wanted(mapping))


def test_every_key_spec_of_the_api_has_its_usages() -> None:
    import botocore.session

    from awsstate.resources.kms_key.models import KEY_USAGES_BY_SPEC

    model = botocore.session.get_session().get_service_model("kms")
    specs = set(model.shape_for("KeySpec").enum)
    usages = set(model.shape_for("KeyUsageType").enum)
    assert set(KEY_USAGES_BY_SPEC) == specs
    assert set().union(*KEY_USAGES_BY_SPEC.values()) <= usages
