"""Every JSON document a kind manages is compared by meaning, as AWS hands it back.

For every kind and every document-valued aspect of its fullest example (policies, an SNS delivery
policy, a log group's data protection policy, an ECR lifecycle policy, ...), the value as AWS may
give it back is the same as the value given: keys in another order everywhere; for policies also a
single statement as an object rather than a list of one, single actions and resources as strings,
and numbers in conditions as strings (IAM compares condition values as strings). A perpetual diff
on any of them fails here.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from awsstate.aspects import Aspect
from awsstate.spec import DesiredModel
from tests.examples import EXAMPLES, KindExamples

REGION = "eu-west-1"


def _fullest(example: KindExamples) -> DesiredModel:
    module = importlib.import_module(f"tests.examples.{example.kind}")
    build = getattr(module, "everything", example.full)
    desired: DesiredModel = build(example.name("doc"), REGION)
    return desired


def _documents(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The JSON objects in an aspect's value that are documents: the value itself when it is an
    object of AWS-style (capitalised) keys, or such objects inside a mapping (inline policies)."""
    if isinstance(value, dict) and value and all(isinstance(k, str) and k[:1].isupper() for k in value):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _documents(item, (*path, key))]
    return []


CASES = [
    pytest.param(kind, aspect.name, id=f"{kind}-{aspect.name}")
    for kind in sorted(EXAMPLES)
    for aspect in EXAMPLES[kind].manager.spec.aspects
    if getattr(_fullest(EXAMPLES[kind]), aspect.name, None) is not None
    and _documents(aspect.wanted(_fullest(EXAMPLES[kind])))
]


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


def _stringly(value: Any) -> Any:
    """Numbers as strings, as AWS gives condition values back."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {key: _stringly(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringly(item) for item in value]
    return value


def _as_aws_gives_policies(document: dict[str, Any]) -> dict[str, Any]:
    statements = document.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    given = []
    for statement in statements:
        statement = dict(statement)
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if isinstance(statement.get(key), list) and len(statement[key]) == 1:
                statement[key] = statement[key][0]
            elif isinstance(statement.get(key), str):
                statement[key] = [statement[key]]
        if "Condition" in statement:
            statement["Condition"] = _stringly(statement["Condition"])
        given.append(statement)
    return {**document, "Statement": given[0] if len(given) == 1 else given}


def _is_iam_style(document: dict[str, Any]) -> bool:
    """A policy in IAM's grammar (statements with an Effect), not e.g. a data protection policy."""
    statements = document.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    return bool(statements) and all(isinstance(s, dict) and "Effect" in s for s in statements)


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    return {**value, path[0]: _replace(value[path[0]], path[1:], new)}


def _aspect(kind: str, name: str) -> tuple[Aspect, Any]:
    example = EXAMPLES[kind]
    aspect = next(a for a in example.manager.spec.aspects if a.name == name)
    return aspect, aspect.wanted(_fullest(example))


def test_every_kind_with_documents_is_covered() -> None:
    assert len(POLICY_CASES) >= 10
    kinds = {param.values[0] for param in CASES}
    assert kinds >= {"iam_policy", "iam_role", "sqs_queue", "sns_topic", "s3_bucket", "kms_key", "ecr_repository",
                     "secretsmanager_secret", "dynamodb_table", "logs_log_group"}, kinds


@pytest.mark.parametrize(("kind", "aspect_name"), CASES)
def test_a_document_with_its_keys_in_another_order_is_the_same(kind: str, aspect_name: str) -> None:
    aspect, wanted = _aspect(kind, aspect_name)
    assert aspect.equal(_reordered(wanted), wanted)


POLICY_CASES = [param for param in CASES if any(_is_iam_style(document) for _, document in
                                                _documents(_aspect(*param.values)[1]))]


@pytest.mark.parametrize(("kind", "aspect_name"), POLICY_CASES)
def test_a_policy_as_aws_gives_it_back_is_the_same(kind: str, aspect_name: str) -> None:
    aspect, wanted = _aspect(kind, aspect_name)
    given = wanted
    policies = [(path, doc) for path, doc in _documents(wanted) if _is_iam_style(doc)]
    for path, document in policies:
        given = _replace(given, path, _as_aws_gives_policies(document))
    assert given != wanted, "the example's policy has nothing AWS would give back otherwise"
    assert aspect.equal(given, wanted)


@pytest.mark.parametrize(("kind", "aspect_name"), CASES)
def test_a_changed_document_is_a_change(kind: str, aspect_name: str) -> None:
    # The control: comparison by meaning still sees a real difference.
    aspect, wanted = _aspect(kind, aspect_name)
    path, document = _documents(wanted)[0]
    changed = _replace(wanted, path, {**document, "Zzz": "added"})
    assert not aspect.equal(changed, wanted)
