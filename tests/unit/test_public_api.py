"""Guards on the public API, the package layout and the registration tables."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

import awsstate
import awsstate.providers
import awsstate.resources
from awsstate.providers.aws import HANDLERS
from awsstate.registry import kind_spec, kinds, manager_class
from tests.examples import EXAMPLES

PACKAGE = Path(awsstate.__file__).parent


@pytest.mark.parametrize("module", [awsstate, awsstate.providers, awsstate.resources], ids=lambda m: m.__name__)
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


def test_importing_awsstate_does_not_import_boto3() -> None:
    code = "import sys, awsstate; print('boto3' in sys.modules, 'botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


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


def test_the_library_never_configures_logging() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "structlog.configure(" not in text, path
        assert "logging.basicConfig(" not in text, path


def test_every_registered_kind_has_a_handler_a_manager_and_shared_examples() -> None:
    assert kinds(), "no kinds registered"
    for kind in kinds():
        spec = kind_spec(kind)
        assert manager_class(kind).spec is spec
        assert kind in HANDLERS, f"{kind} has no AWS handler"
        assert kind in EXAMPLES, f"{kind} has no shared examples in tests/examples"
        assert EXAMPLES[kind].manager is manager_class(kind)
        for aspect in spec.aspects:
            assert aspect.doc, f"{kind}.{aspect.name} has no doc"
            assert aspect.field_name in spec.desired_model.model_fields, f"{kind}.{aspect.name}: no desired field"
        for name, field in spec.desired_model.model_fields.items():
            documented = field.description or _has_attribute_docstring(spec.desired_model, name)
            assert documented, f"{kind}.{name} undocumented"


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
