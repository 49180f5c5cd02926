"""Guards on the public API, the package layout and the table of kinds."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import awsstate
import awsstate.providers
from awsstate._exports import CORE, all_names
from awsstate.kinds import KINDS, kind_module, kind_spec, kinds, manager_class
from awsstate.providers.aws.provider import handler_class
from tests.examples import EXAMPLES

PACKAGE = Path(awsstate.__file__).parent


@pytest.mark.parametrize("module", [awsstate, awsstate.providers], ids=lambda m: m.__name__)
def test_every_exported_name_exists_and_is_documented(module: object) -> None:
    exported = module.__all__
    assert len(exported) == len(set(exported)), "duplicate names in __all__"
    for name in exported:
        value = getattr(module, name)
        if callable(value) and name != "__version__":
            assert (value.__doc__ or "").strip(), f"{module.__name__}.{name} has no docstring"


def test_top_level_exports_the_readme_names() -> None:
    for name in ("S3BucketManager", "S3BucketDesired", "InMemoryProvider", "RecordingProvider", "Plan", "Action",
                 "AwsStateError", "StalePlanError", "UnsafeChangeError", "ConvergenceError"):
        assert name in awsstate.__all__


def _value_models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            stack.extend(typing.get_args(annotation))
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                seen.add(annotation)
                found.add(annotation)
                found |= _value_models(annotation, seen)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_all_exports_every_desired_observed_and_manager_and_every_value_model_a_desired_field_uses(
        kind: str) -> None:
    spec = kind_spec(kind)
    expected = {spec.desired_model, spec.observed_model, manager_class(kind)}
    expected |= {m for m in _value_models(spec.desired_model, set()) if m.__module__.startswith("awsstate.")}
    for value in expected:
        assert value.__name__ in awsstate.__all__, f"{value.__name__} ({kind}) is not exported by awsstate"
        assert getattr(awsstate, value.__name__) is value


def test_the_type_checking_imports_of_awsstate_list_exactly_the_public_names() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {alias.asname or alias.name for node in block.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == set(all_names()) - {"__version__"}, "the public names changed: run `make exports`"


def test_importing_awsstate_imports_nothing_heavy() -> None:
    code = ("import sys, awsstate; print(*(m in sys.modules for m in "
            "('boto3', 'botocore', 'pydantic', 'structlog', 'awsstate.resources.s3_bucket')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"] * 5


def test_a_kind_name_imports_only_its_own_kind() -> None:
    code = ("import sys; from awsstate import SqsQueueManager; "
            "print(*(f'awsstate.resources.{k}' in sys.modules for k in ('sqs_queue', 's3_bucket', 'iam_role')), "
            "'boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False", "False"]


def test_star_import_gives_every_public_name() -> None:
    code = "from awsstate import *; print(S3BucketManager.__name__, InMemoryProvider.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["S3BucketManager", "InMemoryProvider"]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_boto3_is_imported_only_under_providers_aws() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if {"boto3", "botocore"} & _imports(path) and "providers/aws" not in path.as_posix()
    ]
    assert offenders == []


def test_the_in_memory_provider_does_not_import_the_table_of_kinds() -> None:
    source = (PACKAGE / "providers" / "memory.py").read_text()
    assert "awsstate.kinds" not in source and "registry" not in source


def test_the_library_never_configures_logging() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "structlog.configure(" not in text, path
        assert "logging.basicConfig(" not in text, path


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_aws_tables_have_no_if_ladders_on_aspect_names() -> None:
    for path in (PACKAGE / "providers" / "aws").glob("*.py"):
        text = path.read_text()
        assert "aspect ==" not in text and "aspect !=" not in text, path


@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_aws_table_has_exactly_its_aspects_and_no_read_for_carried_ones(kind: str) -> None:
    spec = kind_spec(kind)
    table = handler_class(kind).ASPECTS
    assert set(table) == spec.aspect_names
    for aspect in spec.aspects:
        assert (table[aspect.name].read is None) == aspect.carried, f"{kind}.{aspect.name}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_manager_shared_examples_and_documentation(kind: str) -> None:
    spec = kind_spec(kind)
    assert kind_module(kind).__name__ == f"awsstate.resources.{kind}.kind" and manager_class(kind).spec is spec
    assert kind in EXAMPLES, f"{kind} has no shared examples in tests/examples"
    assert EXAMPLES[kind].manager is manager_class(kind)
    for aspect in spec.aspects:
        assert aspect.doc, f"{kind}.{aspect.name} has no doc"
        assert aspect.name in spec.desired_model.model_fields, f"{kind}.{aspect.name}: no desired field"
    for name, field in spec.desired_model.model_fields.items():
        documented = field.description or _has_attribute_docstring(spec.desired_model, name)
        assert documented, f"{kind}.{name} undocumented"
    observed = spec.observed_model
    assert set(a.name for a in spec.aspects) <= set(observed.model_fields), "Observed uses the Desired field names"
    assert observed.__name__ == spec.desired_model.__name__.removesuffix("Desired") + "Observed"


def test_every_registered_kind_is_in_the_shared_examples() -> None:
    assert set(kinds()) == set(EXAMPLES)


def _has_attribute_docstring(model: type, field: str) -> bool:
    import inspect

    for klass in model.__mro__:
        try:
            tree = ast.parse(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in itertools.pairwise(body):
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == field
                    and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)):
                return True
    return False


def test_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(awsstate.UnknownKindError, match="registered kinds: s3_bucket"):
        kind_spec("s3_buckett")


def test_core_names_point_at_real_objects() -> None:
    for name, module in CORE.items():
        if name != "kinds":  # awsstate.kinds is the table's module, which, called, is kinds()
            assert getattr(__import__(module, fromlist=[name]), name) is getattr(awsstate, name)
    assert awsstate.kinds() == kinds() == KINDS
