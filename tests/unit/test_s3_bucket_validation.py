"""Bad S3 bucket input is refused when the model is built, naming the field, before any call."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import BucketEncryption, S3BucketDesired, S3BucketManager, register_region

BAD_NAMES = [
    ("ab", "3 to 63"),
    ("a" * 64, "3 to 63"),
    ("Upper-Case", "lowercase letters"),
    ("under_score", "lowercase letters"),
    ("-starts-with-hyphen", "begin and end"),
    ("ends-with-dot.", "begin and end"),
    ("two..dots", "adjacent dots"),
    ("dot.-hyphen", "dot next to a hyphen"),
    ("192.168.5.4", "IP address"),
    ("xn--punycode", "prefix 'xn--'"),
    ("sthree-bucket", "prefix 'sthree-'"),
    ("amzn-s3-demo-bucket", "prefix 'amzn-s3-demo-'"),
    ("bucket-s3alias", "suffix '-s3alias'"),
    ("bucket--ol-s3", "suffix '--ol-s3'"),
    ("bucket.mrap", "suffix '.mrap'"),
    ("bucket--x-s3", "suffix '--x-s3'"),
    ("bucket--table-s3", "suffix '--table-s3'"),
]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES, ids=[n for n, _ in BAD_NAMES])
def test_bad_bucket_name_is_refused_naming_the_rule(name: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        S3BucketDesired(name=name)
    error = caught.value.errors()[0]
    assert error["loc"] == ("name",)
    assert message in error["msg"]


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "b-1-2-3", "123bucket", "1.2.3"])
def test_good_bucket_names_are_accepted(name: str) -> None:
    assert S3BucketDesired(name=name).name == name


BAD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown-region", {"region": "eu-westish-1"}, "unknown AWS region"),
    ("not-a-region", {"region": "Europe"}, "not an AWS region"),
    ("too-many-tags", {"tags": {f"k{i}": "v" for i in range(51)}}, "at most 50"),
    ("tag-key-too-long", {"tags": {"k" * 129: "v"}}, "limit is 128"),
    ("tag-value-too-long", {"tags": {"k": "v" * 257}}, "limit is 256"),
    ("aws-tag-key", {"tags": {"aws:owner": "me"}}, "reserved for AWS"),
    ("empty-tag-key", {"tags": {"": "v"}}, "must not be empty"),
    ("tag-bad-characters", {"tags": {"k": "semi;colon"}}, "only letters"),
    ("tag-value-not-scalar", {"tags": {"k": ["x"]}}, "tags"),
    ("versioning-not-bool", {"versioning": "yes please"}, "versioning"),
    ("unknown-field", {"versionning": True}, "Extra inputs are not permitted"),
    ("kms-key-with-sse-s3", {"encryption": {"algorithm": "AES256", "kms_key_id": "k"}}, "need algorithm"),
    ("bad-algorithm", {"encryption": {"algorithm": "DES"}}, "encryption"),
    ("bad-state", {"state": "gone"}, "state"),
]


@pytest.mark.parametrize(("fields", "message"), [r[1:] for r in BAD_FIELDS], ids=[r[0] for r in BAD_FIELDS])
def test_bad_field_is_refused_with_a_message_naming_it(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        S3BucketDesired(name="valid-name", **fields)
    text = str(caught.value)
    assert message in text
    assert next(iter(fields)) in text


def test_invalid_input_never_reaches_the_provider(recorder: Any) -> None:
    manager = S3BucketManager(provider=recorder)
    with pytest.raises(ValidationError):
        manager.plan(S3BucketDesired(name="Bad_Name"))
    assert recorder.calls == []


def test_tag_values_given_as_numbers_are_stored_as_strings() -> None:
    desired = S3BucketDesired(name="valid-name", tags={"n": 7, "f": 1.5, "b": True})
    assert desired.tags == {"b": "true", "f": "1.5", "n": "7"}


def test_a_new_region_can_be_registered() -> None:
    register_region("xx-test-9")
    assert S3BucketDesired(name="valid-name", region="xx-test-9").region == "xx-test-9"


def test_desired_models_are_frozen() -> None:
    desired = S3BucketDesired(name="valid-name")
    with pytest.raises(ValidationError):
        setattr(desired, "versioning", True)  # noqa: B010 - the assignment itself is under test


def test_repr_shows_only_managed_fields() -> None:
    desired = S3BucketDesired(name="valid-name", versioning=True, encryption=BucketEncryption.sse_s3())
    assert repr(desired).startswith("S3BucketDesired(name='valid-name', versioning=True, encryption=")
    assert "tags" not in repr(desired)
