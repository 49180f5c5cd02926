"""Validation of EcrRepositoryDesired: ECR's rules, before any call, with errors naming the field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from awsstate import EcrRepositoryDesired, EcrRepositoryManager, InMemoryProvider, RecordingProvider
from awsstate.resources.ecr_repository.kind import ECR_REPOSITORY
from tests.examples.ecr_repository import lifecycle, pull_policy

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _rule(**selection: Any) -> dict[str, Any]:
    return {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan",
                                             "countNumber": 5, **selection}, "action": {"type": "expire"}}


def _policy(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"rules": list(rules)}


def _changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """``lifecycle(10)`` with the value at ``path`` replaced (``...`` deletes it)."""
    policy = copy.deepcopy(lifecycle(10))
    target: Any = policy
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return policy


# (id, fields, the field the error names (first element of its location), text in the message)
BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("name-one-char", {"name": "a"}, "name", "2 to 256"),
    ("name-257-chars", {"name": "r" * 257}, "name", "is 257 characters"),
    ("name-uppercase", {"name": "Orders"}, "name", "lowercase letters and digits"),
    ("name-leading-dash", {"name": "-orders"}, "name", "lowercase letters"),
    ("name-trailing-slash", {"name": "team/"}, "name", "lowercase letters"),
    ("name-double-slash", {"name": "team//app"}, "name", "lowercase letters"),
    ("name-dot-dash", {"name": "app.-api"}, "name", "lowercase letters"),
    ("name-triple-underscore", {"name": "app___api"}, "name", "lowercase letters"),
    ("name-space", {"name": "app api"}, "name", "lowercase letters"),
    ("name-trailing-newline", {"name": "app\n"}, "name", "lowercase letters"),
    ("mutability-unknown", {"image_tag_mutability": "FROZEN"}, "image_tag_mutability", "Input should be"),
    ("exclusion-mode-without-filters", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"},
     "image_tag_mutability_exclusion_filters", "needs 1-5 exclusion filters"),
    ("exclusion-mode-with-no-filters", {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION",
                                        "image_tag_mutability_exclusion_filters": []},
     "image_tag_mutability_exclusion_filters", "needs 1-5"),
    ("filters-with-plain-mode", {"image_tag_mutability": "IMMUTABLE",
                                 "image_tag_mutability_exclusion_filters": ["latest"]},
     "image_tag_mutability_exclusion_filters", "not 'IMMUTABLE'"),
    ("filters-without-mode", {"image_tag_mutability_exclusion_filters": ["latest"]},
     "image_tag_mutability_exclusion_filters", "in the same model, not None"),
    ("filters-six", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                     "image_tag_mutability_exclusion_filters": [f"f{i}" for i in range(6)]},
     "image_tag_mutability_exclusion_filters", "at most 5"),
    ("filter-bad-char", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                         "image_tag_mutability_exclusion_filters": ["rel/1"]},
     "image_tag_mutability_exclusion_filters", "letters, digits and . _ -"),
    ("filter-duplicate", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                          "image_tag_mutability_exclusion_filters": ["dev*", "dev*"]},
     "image_tag_mutability_exclusion_filters", "given once"),
    ("encryption-unknown", {"encryption_type": "SSE"}, "encryption_type", "Input should be"),
    ("kms-key-without-kms", {"kms_key": KEY}, "kms_key", "needs encryption_type 'KMS' or 'KMS_DSSE'"),
    ("kms-key-with-aes", {"encryption_type": "AES256", "kms_key": KEY}, "kms_key", "needs encryption_type"),
    ("kms-key-alias", {"encryption_type": "KMS", "kms_key": "alias/ecr"}, "kms_key", "not a KMS key ARN"),
    ("kms-key-id", {"encryption_type": "KMS", "kms_key": "1234abcd-12ab-34cd-56ef-1234567890ab"}, "kms_key",
     "not an id or alias"),
    ("kms-key-other-region", {"encryption_type": "KMS", "kms_key": KEY.replace(REGION, "us-east-1")}, "kms_key",
     "in the repository's region eu-west-1"),
    ("kms-key-ref-to-a-queue", {"encryption_type": "KMS", "kms_key": "${sqs_queue.q.arn}"}, "kms_key",
     "expected a reference to kms_key.<name>.arn"),
    ("lifecycle-invalid-json", {"lifecycle_policy": '{"rules": ['}, "lifecycle_policy", "not valid JSON"),
    ("lifecycle-no-rules", {"lifecycle_policy": {"rules": []}}, "lifecycle_policy", "non-empty list of rules"),
    ("lifecycle-unknown-top-key", {"lifecycle_policy": {**lifecycle(1), "version": 1}}, "lifecycle_policy",
     "only 'rules'"),
    ("lifecycle-priority-zero", {"lifecycle_policy": _changed(("rules", 0, "rulePriority"), 0)},
     "lifecycle_policy", "rulePriority must be an integer of at least 1"),
    ("lifecycle-priority-bool", {"lifecycle_policy": _changed(("rules", 0, "rulePriority"), True)},
     "lifecycle_policy", "rulePriority must be an integer"),
    ("lifecycle-duplicate-priority", {"lifecycle_policy": _changed(("rules", 1, "rulePriority"), 1)},
     "lifecycle_policy", "its own rulePriority"),
    ("lifecycle-no-selection", {"lifecycle_policy": _changed(("rules", 0, "selection"), ...)},
     "lifecycle_policy", "has no selection"),
    ("lifecycle-no-action", {"lifecycle_policy": _changed(("rules", 0, "action"), ...)},
     "lifecycle_policy", "has no action"),
    ("lifecycle-unknown-rule-key", {"lifecycle_policy": _changed(("rules", 0, "enabled"), True)},
     "lifecycle_policy", "unknown properties ['enabled']"),
    ("lifecycle-bad-tag-status", {"lifecycle_policy": _changed(("rules", 0, "selection", "tagStatus"), "all")},
     "lifecycle_policy", "tagStatus must be one of"),
    ("lifecycle-tagged-without-list", {"lifecycle_policy": _changed(("rules", 1, "selection", "tagPatternList"),
                                                                    ...)},
     "lifecycle_policy", "exactly one of tagPatternList and tagPrefixList"),
    ("lifecycle-tagged-with-both-lists", {"lifecycle_policy": _changed(("rules", 1, "selection", "tagPrefixList"),
                                                                       ["v"])},
     "lifecycle_policy", "exactly one of"),
    ("lifecycle-untagged-with-list", {"lifecycle_policy": _policy(_rule(tagPrefixList=["v"]))},
     "lifecycle_policy", "only a 'tagged' rule"),
    ("lifecycle-five-wildcards", {"lifecycle_policy": _changed(("rules", 1, "selection", "tagPatternList"),
                                                               ["*a*b*c*d*"])},
     "lifecycle_policy", "more than 4 wildcards"),
    ("lifecycle-empty-pattern-list", {"lifecycle_policy": _changed(("rules", 1, "selection", "tagPatternList"),
                                                                   [])},
     "lifecycle_policy", "non-empty list"),
    ("lifecycle-bad-count-type", {"lifecycle_policy": _policy(_rule(countType="imagesOlderThan"))},
     "lifecycle_policy", "countType must be one of"),
    ("lifecycle-age-without-unit", {"lifecycle_policy": _changed(("rules", 0, "selection", "countUnit"), ...)},
     "lifecycle_policy", "needs countUnit 'days'"),
    ("lifecycle-count-with-unit", {"lifecycle_policy": _policy(_rule(countUnit="days"))},
     "lifecycle_policy", "takes no countUnit"),
    ("lifecycle-count-zero", {"lifecycle_policy": _policy(_rule(countNumber=0))},
     "lifecycle_policy", "countNumber must be an integer of at least 1"),
    ("lifecycle-transitioned-standard", {"lifecycle_policy": _policy(_rule(
        countType="sinceImageTransitioned", countUnit="days"))}, "lifecycle_policy", "selects storageClass 'archive'"),
    ("lifecycle-archive-count", {"lifecycle_policy": _policy(_rule(storageClass="archive"))},
     "lifecycle_policy", "selects storageClass 'standard'"),
    ("lifecycle-bad-action", {"lifecycle_policy": _changed(("rules", 0, "action", "type"), "delete")},
     "lifecycle_policy", "'expire' or 'transition'"),
    ("lifecycle-transition-without-target", {"lifecycle_policy": _changed(("rules", 0, "action"),
                                                                          {"type": "transition"})},
     "lifecycle_policy", "targetStorageClass 'archive'"),
    ("lifecycle-expire-with-target",
     {"lifecycle_policy": _changed(("rules", 0, "action"), {"type": "expire", "targetStorageClass": "archive"})},
     "lifecycle_policy", "takes no targetStorageClass"),
    ("lifecycle-any-not-last", {"lifecycle_policy": _policy(
        {**_rule(tagStatus="any"), "rulePriority": 1}, {**_rule(), "rulePriority": 2})},
     "lifecycle_policy", "highest rulePriority"),
    ("lifecycle-too-long", {"lifecycle_policy": _policy(*[{**_rule(), "rulePriority": i, "description": "d" * 200}
                                                          for i in range(1, 150)])},
     "lifecycle_policy", "ECR allows 30720"),
    ("policy-without-principal", {"policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:BatchGetImage"}]}}, "policy", "Principal"),
    ("policy-invalid-json", {"policy": "{"}, "policy", "not valid JSON"),
    ("policy-too-long", {"policy": {"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage"}
        for i in range(200)]}}, "policy", "ECR allows at most 10240"),
    ("tags-aws-prefix", {"tags": {"aws:x": "y"}}, "tags", "reserved for AWS"),
    ("scan-not-bool", {"scan_on_push": "sometimes"}, "scan_on_push", "valid boolean"),
]


@pytest.mark.parametrize(("fields", "field", "text"), [pytest.param(f, n, t, id=i) for i, f, n, t in BAD])
def test_invalid_input_is_refused_naming_the_field_before_any_call(fields: dict[str, Any], field: str,
                                                                   text: str) -> None:
    recorder = RecordingProvider(InMemoryProvider())
    manager = EcrRepositoryManager(provider=recorder)
    with pytest.raises(ValidationError) as caught:
        manager.plan(EcrRepositoryDesired.model_validate({"name": "orders", "region": REGION, **fields}))
    errors = caught.value.errors()
    assert any(error["loc"] and error["loc"][0] == field for error in errors), errors
    assert text in str(caught.value)
    assert recorder.calls == []


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("name-namespaced", {"name": "team/app-api"}),
    ("name-separators", {"name": "a.b_c__d--e/f1"}),
    ("name-256", {"name": "r" * 256}),
    ("mutable", {"image_tag_mutability": "MUTABLE"}),
    ("immutable-with-exclusions", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                                   "image_tag_mutability_exclusion_filters": ["latest", "dev-*", "*.rc*"]}),
    ("no-filters-without-mode", {"image_tag_mutability_exclusion_filters": []}),
    ("kms-default-key", {"encryption_type": "KMS"}),
    ("kms-dsse-with-key", {"encryption_type": "KMS_DSSE", "kms_key": KEY}),
    ("kms-key-reference", {"encryption_type": "KMS", "kms_key": "${kms_key.orders.arn}"}),
    ("lifecycle-as-text", {"lifecycle_policy": json.dumps(lifecycle(3))}),
    ("lifecycle-empty-removes", {"lifecycle_policy": {}}),
    ("lifecycle-blank-text-removes", {"lifecycle_policy": " "}),
    ("lifecycle-any-last", {"lifecycle_policy": _policy(_rule(), {**_rule(tagStatus="any"), "rulePriority": 9})}),
    ("lifecycle-archive", {"lifecycle_policy": _policy(
        _rule(countType="sinceImageTransitioned", countUnit="days", storageClass="archive"),
        {**_rule(tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90), "rulePriority": 2,
         "action": {"type": "transition", "targetStorageClass": "archive"}},
    )}),
    ("lifecycle-four-wildcards", {"lifecycle_policy": _changed(("rules", 1, "selection", "tagPatternList"),
                                                               ["*a*b*c*"])}),
    ("policy-old-version-no-resource", {"policy": {"Version": "2008-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}}),
    ("policy-empty-removes", {"policy": {}}),
    ("policy-as-text", {"policy": json.dumps(pull_policy())}),
]


@pytest.mark.parametrize("fields", [pytest.param(f, id=i) for i, f in GOOD])
def test_valid_input_is_accepted(fields: dict[str, Any]) -> None:
    EcrRepositoryDesired.model_validate({"name": "orders", "region": REGION, **fields})


def test_lifecycle_policies_are_compared_by_meaning() -> None:
    aspect = ECR_REPOSITORY.aspect("lifecycle_policy")
    given = lifecycle(10)
    shuffled = {"rules": list(reversed(given["rules"]))}
    shuffled["rules"][0]["selection"]["tagPatternList"] = list(reversed(shuffled["rules"][0]["selection"]
                                                                        ["tagPatternList"] + ["r*"]))
    given["rules"][1]["selection"]["tagPatternList"] = ["v*", "r*"]
    with_defaults = copy.deepcopy(given)
    with_defaults["rules"][0]["selection"]["storageClass"] = "standard"
    assert aspect.equal(given, shuffled) and aspect.equal(given, with_defaults)
    assert not aspect.equal(given, lifecycle(11)) and aspect.equal(None, {})
