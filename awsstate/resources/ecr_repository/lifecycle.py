"""ECR lifecycle policies: validated by ECR's own rules, compared by meaning.

A lifecycle policy is a JSON document ``{"rules": [...]}``; each rule selects images (by tag
status, tag patterns or prefixes, storage class, and a count or an age) and expires them or moves
them to the archive storage class. Everything ECR checks when the policy is put is checked here,
before any call, with a message naming the rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from awsstate.canonical import Json, canonical_document, check_json, load_json

__all__ = ["MAX_LIFECYCLE_POLICY", "LifecyclePolicy", "lifecycle_normal", "validate_lifecycle_policy"]

MAX_LIFECYCLE_POLICY = 30720
"""ECR's limit on a lifecycle policy's text, in characters."""

_RULE_KEYS = {"rulePriority", "description", "selection", "action"}
_SELECTION_KEYS = {"tagStatus", "tagPatternList", "tagPrefixList", "storageClass", "countType", "countUnit",
                   "countNumber"}
_ACTION_KEYS = {"type", "targetStorageClass"}
_TAG_STATUSES = {"tagged", "untagged", "any"}
_COUNT_TYPES = {"imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"}
_AGE_COUNTS = _COUNT_TYPES - {"imageCountMoreThan"}
_MAX_WILDCARDS = 4


def _positive(value: object) -> int | None:
    """``value`` if it is an integer of at least 1 (not a bool), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _strings(label: str, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{label}: {key} must be a non-empty list of non-empty strings")
    return value


def _check_selection(label: str, selection: object) -> None:
    if not isinstance(selection, dict):
        raise ValueError(f"{label}: selection must be an object")
    unknown = sorted(set(selection) - _SELECTION_KEYS)
    if unknown:
        raise ValueError(f"{label}: selection has unknown properties {unknown}; ECR allows {sorted(_SELECTION_KEYS)}")
    status = selection.get("tagStatus")
    if status not in _TAG_STATUSES:
        raise ValueError(f"{label}: selection.tagStatus must be one of {sorted(_TAG_STATUSES)}, got {status!r}")
    patterns, prefixes = selection.get("tagPatternList"), selection.get("tagPrefixList")
    if status == "tagged":
        if (patterns is None) == (prefixes is None):
            raise ValueError(f"{label}: a 'tagged' rule needs exactly one of tagPatternList and tagPrefixList")
        for pattern in _strings(label, "tagPatternList", patterns) if patterns is not None else []:
            if pattern.count("*") > _MAX_WILDCARDS:
                raise ValueError(f"{label}: tag pattern {pattern!r} has more than {_MAX_WILDCARDS} wildcards")
        if prefixes is not None:
            _strings(label, "tagPrefixList", prefixes)
    elif patterns is not None or prefixes is not None:
        raise ValueError(f"{label}: only a 'tagged' rule may have tagPatternList or tagPrefixList")
    count_type = selection.get("countType")
    if count_type not in _COUNT_TYPES:
        raise ValueError(f"{label}: selection.countType must be one of {sorted(_COUNT_TYPES)}, got {count_type!r}")
    unit = selection.get("countUnit")
    if count_type in _AGE_COUNTS and unit != "days":
        raise ValueError(f"{label}: countType {count_type!r} needs countUnit 'days'")
    if count_type == "imageCountMoreThan" and unit is not None:
        raise ValueError(f"{label}: countType 'imageCountMoreThan' takes no countUnit")
    number = selection.get("countNumber")
    if _positive(number) is None:
        raise ValueError(f"{label}: selection.countNumber must be an integer of at least 1, got {number!r}")
    storage = selection.get("storageClass", "standard")
    wanted = "archive" if count_type == "sinceImageTransitioned" else "standard"
    if storage != wanted:
        raise ValueError(f"{label}: countType {count_type!r} selects storageClass {wanted!r}, not {storage!r}")


def _check_action(label: str, action: object) -> None:
    if not isinstance(action, dict):
        raise ValueError(f"{label}: action must be an object")
    unknown = sorted(set(action) - _ACTION_KEYS)
    if unknown:
        raise ValueError(f"{label}: action has unknown properties {unknown}; ECR allows {sorted(_ACTION_KEYS)}")
    kind = action.get("type")
    if kind == "expire":
        if "targetStorageClass" in action:
            raise ValueError(f"{label}: an 'expire' action takes no targetStorageClass")
    elif kind == "transition":
        if action.get("targetStorageClass") != "archive":
            raise ValueError(f"{label}: a 'transition' action needs targetStorageClass 'archive'")
    else:
        raise ValueError(f"{label}: action.type must be 'expire' or 'transition', got {kind!r}")


def _check_rule(rule: object, index: int) -> int:
    label = f"rule {index}"
    if not isinstance(rule, dict):
        raise ValueError(f"{label} must be an object")
    unknown = sorted(set(rule) - _RULE_KEYS)
    if unknown:
        raise ValueError(f"{label} has unknown properties {unknown}; ECR allows {sorted(_RULE_KEYS)}")
    priority = _positive(rule.get("rulePriority"))
    if priority is None:
        raise ValueError(f"{label}: rulePriority must be an integer of at least 1, got {rule.get('rulePriority')!r}")
    label = f"rule {index} (rulePriority {priority})"
    if "description" in rule and not isinstance(rule["description"], str):
        raise ValueError(f"{label}: description must be a string")
    for key in ("selection", "action"):
        if key not in rule:
            raise ValueError(f"{label} has no {key}")
    _check_selection(label, rule["selection"])
    _check_action(label, rule["action"])
    return priority


def validate_lifecycle_policy(value: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``value`` if ECR accepts it as a lifecycle policy (``{}``: none), else raise saying why."""
    policy = dict(value)
    if not policy:
        return policy
    unknown = sorted(set(policy) - {"rules"})
    if unknown:
        raise ValueError(f"a lifecycle policy has only 'rules', not {unknown}")
    rules = policy.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ValueError("a lifecycle policy needs a non-empty list of rules")
    priorities = [_check_rule(rule, index) for index, rule in enumerate(rules, start=1)]
    if len(set(priorities)) != len(priorities):
        raise ValueError(f"every rule needs its own rulePriority; got {sorted(priorities)}")
    catch_all = [rule["rulePriority"] for rule in rules if rule["selection"]["tagStatus"] == "any"]
    if len(catch_all) > 1 or (catch_all and catch_all[0] != max(priorities)):
        raise ValueError("a rule with tagStatus 'any' must be the only one and have the highest rulePriority")
    size = len(json.dumps(policy, separators=(",", ":"), ensure_ascii=False))
    if size > MAX_LIFECYCLE_POLICY:
        raise ValueError(f"the lifecycle policy is {size} characters (compact JSON); ECR allows {MAX_LIFECYCLE_POLICY}")
    return policy


def _document(value: object) -> object:
    if isinstance(value, str):
        return load_json(value, "the lifecycle policy") if value.strip() else {}
    check_json(value, "the lifecycle policy")
    return value


LifecyclePolicy = Annotated[dict[str, Any], BeforeValidator(_document), AfterValidator(validate_lifecycle_policy)]
"""A lifecycle policy, as a mapping or JSON text (``{"rules": [...]}``); ``{}``: none."""


def _canonical_rule(rule: Json) -> dict[str, Json]:
    if not isinstance(rule, dict):
        return {"rule": rule}
    given = rule.get("selection")
    selection: dict[str, Json] = dict(given) if isinstance(given, dict) else {}
    for key in ("tagPatternList", "tagPrefixList"):
        tags = selection.get(key)
        if isinstance(tags, list):
            selection[key] = list[Json](sorted(str(v) for v in tags))  # "all of these tags": order means nothing
    selection.setdefault("storageClass", "standard")
    canonical = canonical_document({**rule, "selection": selection}, scalars_as_strings=False)
    return canonical if isinstance(canonical, dict) else {}


def _priority(rule: dict[str, Json]) -> int:
    priority = rule.get("rulePriority")
    return priority if isinstance(priority, int) else 0


def lifecycle_normal(value: Json) -> object:
    """Lifecycle policies compared by meaning: rules by priority, tag lists as sets, AWS's defaults filled."""
    if not isinstance(value, dict) or not value:
        return None
    rules = value.get("rules")
    if not isinstance(rules, list):
        return canonical_document(value, scalars_as_strings=False)
    return {"rules": sorted((_canonical_rule(rule) for rule in rules), key=_priority)}
