"""Validation of the S3 bucket's configuration aspects: AWS's own limits, before any call.

Each bad input raises pydantic's ValidationError naming the field, and never reaches a provider.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import RecordingProvider, S3BucketDesired, S3BucketManager

NAME = "validated-bucket"
ARN = f"arn:aws:s3:::{NAME}"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:q"


def _rule(**fields: Any) -> dict[str, Any]:
    return {"id": "r", "expiration_days": 1, **fields}


# (id, fields, a fragment of the error message: the field's location or AWS's rule)
BAD: list[tuple[str, dict[str, Any], str]] = [
    # policy
    ("policy-not-json", {"policy": "{nope"}, "not valid JSON"),
    ("policy-no-principal", {"policy": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ARN}]}},
     "Principal"),
    ("policy-foreign-resource", {"policy": {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"}]}},
     "is not bucket"),
    ("policy-bad-effect", {"policy": {"Statement": [
        {"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject", "Resource": ARN}]}}, "Effect"),
    ("policy-too-large", {"policy": {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": [f"s3:Get{i:05d}" for i in range(2000)], "Resource": ARN}]}},
     "maximum"),
    # lifecycle
    ("lifecycle-too-many-rules", {"lifecycle_rules": [_rule(id=f"r{i}") for i in range(1001)]}, "lifecycle_rules"),
    ("lifecycle-id-too-long", {"lifecycle_rules": [_rule(id="x" * 256)]}, "lifecycle_rules.0.id"),
    ("lifecycle-duplicate-ids", {"lifecycle_rules": [_rule(), _rule()]}, "unique"),
    ("lifecycle-zero-days", {"lifecycle_rules": [_rule(expiration_days=0)]}, "expiration_days"),
    ("lifecycle-no-action", {"lifecycle_rules": [{"id": "r", "prefix": "x/"}]}, "at least one action"),
    ("lifecycle-days-and-date", {"lifecycle_rules": [_rule(expiration_date="2030-01-01")]}, "exclusive"),
    ("lifecycle-ia-too-early", {"lifecycle_rules": [_rule(transitions=[{"days": 10, "storage_class": "STANDARD_IA"}])]},
     "30"),
    ("lifecycle-bad-storage-class", {"lifecycle_rules": [_rule(transitions=[{"days": 1, "storage_class": "TAPE"}])]},
     "storage_class"),
    ("lifecycle-delete-marker-with-tags", {"lifecycle_rules": [
        {"id": "r", "tags": {"a": "b"}, "expired_object_delete_marker": True}]}, "tag filter"),
    ("lifecycle-newer-versions-alone", {"lifecycle_rules": [_rule(newer_noncurrent_versions=3)]},
     "noncurrent_expiration_days"),
    ("lifecycle-size-range-empty", {"lifecycle_rules": [_rule(object_size_greater_than=10, object_size_less_than=5)]},
     "less than"),
    ("lifecycle-abort-zero", {"lifecycle_rules": [_rule(abort_incomplete_multipart_upload_days=0)]},
     "abort_incomplete_multipart_upload_days"),
    # CORS
    ("cors-too-many", {"cors_rules": [{"allowed_methods": ["GET"], "allowed_origins": ["*"]}] * 101}, "cors_rules"),
    ("cors-bad-method", {"cors_rules": [{"allowed_methods": ["PATCH"], "allowed_origins": ["*"]}]}, "allowed_methods"),
    ("cors-no-origin", {"cors_rules": [{"allowed_methods": ["GET"], "allowed_origins": []}]}, "allowed_origins"),
    ("cors-two-wildcards", {"cors_rules": [{"allowed_methods": ["GET"], "allowed_origins": ["https://*.*.com"]}]},
     "wildcard"),
    ("cors-negative-max-age", {"cors_rules": [
        {"allowed_methods": ["GET"], "allowed_origins": ["*"], "max_age_seconds": -1}]}, "max_age_seconds"),
    # website
    ("website-neither", {"website": {"error_document": "e.html"}}, "index_document or redirect_all_requests_to"),
    ("website-both", {"website": {"index_document": "i.html", "redirect_all_requests_to": {"host_name": "x.com"}}},
     "excludes"),
    ("website-index-with-slash", {"website": {"index_document": "a/index.html"}}, "must not contain '/'"),
    ("website-bad-redirect-code", {"website": {"index_document": "i.html", "routing_rules": [
        {"redirect": {"http_redirect_code": "200"}}]}}, "http_redirect_code"),
    ("website-both-replacements", {"website": {"index_document": "i.html", "routing_rules": [
        {"redirect": {"replace_key_with": "a", "replace_key_prefix_with": "b"}}]}}, "exclusive"),
    ("website-empty-condition", {"website": {"index_document": "i.html", "routing_rules": [
        {"condition": {}, "redirect": {"host_name": "x.com"}}]}}, "routing condition"),
    ("website-bad-protocol", {"website": {"redirect_all_requests_to": {"host_name": "x.com", "protocol": "ftp"}}},
     "protocol"),
    # logging
    ("logging-bad-target", {"logging": {"target_bucket": "Not_A_Bucket"}}, "logging.BucketLogging.target_bucket"),
    ("logging-prefix-too-long", {"logging": {"target_bucket": "logs-bucket", "target_prefix": "p" * 1025}},
     "target_prefix"),
    ("logging-prefix-control-char", {"logging": {"target_bucket": "logs-bucket", "target_prefix": "a\nb"}},
     "control characters"),
    # object lock
    ("object-lock-days-and-years", {"object_lock": {"mode": "GOVERNANCE", "days": 1, "years": 1}}, "exactly one"),
    ("object-lock-days-without-mode", {"object_lock": {"days": 1}}, "retention mode"),
    ("object-lock-mode-without-period", {"object_lock": {"mode": "COMPLIANCE"}}, "exactly one"),
    ("object-lock-bad-mode", {"object_lock": {"mode": "STRICT", "days": 1}}, "object_lock.mode"),
    ("object-lock-zero-days", {"object_lock": {"mode": "GOVERNANCE", "days": 0}}, "object_lock.days"),
    ("object-lock-without-versioning", {"object_lock": True, "versioning": False}, "suspend versioning"),
    # ownership and ACL
    ("acl-unknown", {"acl": "bucket-owner-full-control"}, "acl"),
    ("acl-with-enforced-ownership", {"acl": "public-read", "object_ownership": "BucketOwnerEnforced"},
     "BucketOwnerEnforced"),
    ("ownership-unknown", {"object_ownership": "Nobody"}, "object_ownership"),
    # notifications
    ("notification-bad-arn", {"notifications": {"targets": [
        {"arn": "arn:aws:s3:::x", "events": ["s3:ObjectCreated:*"]}]}}, "not the ARN of an SQS queue"),
    ("notification-lambda-arn-without-function", {"notifications": {"targets": [
        {"arn": "arn:aws:lambda:eu-west-1:123456789012:f", "events": ["s3:ObjectCreated:*"]}]}}, "not the ARN"),
    ("notification-unknown-event", {"notifications": {"targets": [{"arn": QUEUE, "events": ["s3:Nope"]}]}},
     "unknown S3 event"),
    ("notification-no-events", {"notifications": {"targets": [{"arn": QUEUE, "events": []}]}}, "events"),
    ("notification-overlap", {"notifications": {"targets": [
        {"arn": QUEUE, "events": ["s3:ObjectCreated:*"], "prefix": "a/"},
        {"arn": "arn:aws:sns:eu-west-1:123456789012:t", "events": ["s3:ObjectCreated:Put"], "prefix": "a/b/"}]}},
     "overlap"),
    ("notification-duplicate-ids", {"notifications": {"targets": [
        {"id": "x", "arn": QUEUE, "events": ["s3:ObjectCreated:*"]},
        {"id": "x", "arn": QUEUE, "events": ["s3:ObjectRemoved:*"]}]}}, "unique"),
    # acceleration
    ("acceleration-with-dotted-name", {"name": "with.dots.bucket", "transfer_acceleration": True}, "dots"),
]


@pytest.mark.parametrize(("fields", "message"), [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_aspect_value_is_refused_before_any_call(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        S3BucketDesired(**{"name": NAME, **fields})
    assert message in str(caught.value)


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("policy-as-json-text", {"policy": '{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
                                       f'"Resource": "{ARN}/*"}}}}'}),
    ("lifecycle-every-filter-and-action", {"lifecycle_rules": [{
        "id": "all", "prefix": "p/", "tags": {"a": "b"}, "object_size_greater_than": 1, "object_size_less_than": 9,
        "expiration_date": "2031-01-01", "transitions": [{"date": "2030-06-01", "storage_class": "GLACIER"}],
        "noncurrent_expiration_days": 3, "newer_noncurrent_versions": 2,
        "noncurrent_transitions": [{"noncurrent_days": 1, "storage_class": "DEEP_ARCHIVE",
                                    "newer_noncurrent_versions": 5}]}]}),
    ("lifecycle-thousand-rules", {"lifecycle_rules": [_rule(id=f"r{i}") for i in range(1000)]}),
    ("website-redirect-all", {"website": {"redirect_all_requests_to": {"host_name": "x.com"}}}),
    ("object-lock-shorthand", {"object_lock": True, "versioning": True}),
    ("acl-with-preferred-ownership", {"acl": "public-read", "object_ownership": "BucketOwnerPreferred"}),
    ("notifications-lambda-alias", {"notifications": {"targets": [
        {"arn": "arn:aws:lambda:eu-west-1:123456789012:function:f:live", "events": ["s3:ObjectCreated:*"]}]}}),
    ("notifications-disjoint-prefixes", {"notifications": {"targets": [
        {"arn": QUEUE, "events": ["s3:ObjectCreated:*"], "prefix": "a/"},
        {"arn": QUEUE, "events": ["s3:ObjectCreated:*"], "prefix": "b/"}]}}),
]


@pytest.mark.parametrize("fields", [row[1] for row in GOOD], ids=[row[0] for row in GOOD])
def test_good_aspect_value_is_accepted(fields: dict[str, Any]) -> None:
    S3BucketDesired(**{"name": NAME, **fields})


def test_invalid_aspect_input_never_reaches_the_provider(recorder: RecordingProvider) -> None:
    with pytest.raises(ValidationError):
        S3BucketManager(provider=recorder).apply(S3BucketDesired(name=NAME, cors_rules=[{"allowed_methods": ["X"]}]))
    assert recorder.calls == []


def test_repr_leaves_out_default_flags() -> None:
    expected = "S3BucketDesired(name='validated-bucket', versioning=True)"
    assert repr(S3BucketDesired(name=NAME, versioning=True)) == expected
    assert "force_destroy=True" in repr(S3BucketDesired(name=NAME, force_destroy=True))
