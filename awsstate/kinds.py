"""The table of resource kinds: the one place a kind is registered.

A kind ``<kind>`` is four files and one line below:

* ``awsstate/resources/<kind>/models.py``: the Desired model and its value models;
* ``awsstate/resources/<kind>/kind.py``: its :class:`~awsstate.spec.KindSpec` (which generates
  the Observed model) and its Manager;
* ``awsstate/providers/aws/<kind>.py``: its table of AWS reads and writes (``HANDLER``);
* ``tests/examples/<kind>.py``: its shared examples, which enrol it in every cross-kind suite.

(plus the package's ``__init__.py``, which may be empty). Everything else is found from these:
the spec is the ``KindSpec`` that ``kind.py`` defines, the manager the ``Manager`` subclass for
it, and the names ``awsstate`` exports are the Desired, Observed and Manager classes and every
value model a Desired field uses (:mod:`awsstate._exports`).

Nothing is imported until asked for: :func:`kind_spec` imports one kind's ``kind.py`` by name.
``awsstate.kinds()`` (this module, called) is :func:`kinds`.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from awsstate.errors import UnknownKindError

if TYPE_CHECKING:
    from awsstate.manager import Manager
    from awsstate.spec import KindSpec

__all__ = ["KINDS", "kind_module", "kind_spec", "kinds", "manager_class"]

KINDS: tuple[str, ...] = (
    "s3_bucket",
    "sqs_queue",
    "sns_topic",
    "iam_policy",
    "iam_role",
    "logs_log_group",
    "ssm_parameter",
    "secretsmanager_secret",
    "kms_key",
    "ecr_repository",
    "dynamodb_table",
)
"""Every kind, in registration order."""


def kinds() -> tuple[str, ...]:
    """The registered kind names, in registration order."""
    return KINDS


@cache
def kind_module(kind: str) -> ModuleType:
    """The declaration module of ``kind`` (``awsstate.resources.<kind>.kind``), imported on first use."""
    if kind not in KINDS:
        raise UnknownKindError(kind, KINDS)
    return importlib.import_module(f"awsstate.resources.{kind}.kind")


@cache
def kind_spec(kind: str) -> KindSpec:
    """The declaration of ``kind``; :class:`~awsstate.errors.UnknownKindError` if none."""
    from awsstate.spec import KindSpec

    module = kind_module(kind)
    found = [value for value in vars(module).values() if isinstance(value, KindSpec) and value.kind == kind]
    if len(found) != 1:
        raise TypeError(f"{module.__name__} must define exactly one KindSpec for {kind!r}, found {len(found)}")
    return found[0]


@cache
def manager_class(kind: str) -> type[Manager[Any]]:
    """The manager class of ``kind`` (the Manager subclass in its ``kind.py`` whose spec it is)."""
    from awsstate.manager import Manager

    spec = kind_spec(kind)
    found = [value for value in vars(kind_module(kind)).values()
             if isinstance(value, type) and issubclass(value, Manager) and getattr(value, "spec", None) is spec]
    if len(found) != 1:
        raise TypeError(f"{kind_module(kind).__name__} must define exactly one Manager for {kind!r}")
    return found[0]


class _KindsModule(ModuleType):
    """``awsstate.kinds`` is both this module and, called, the list of kinds (``awsstate.kinds()``)."""

    def __call__(self) -> tuple[str, ...]:
        return KINDS


sys.modules[__name__].__class__ = _KindsModule
