"""Providers: the backends awsstate reads and writes.

:class:`~awsstate.providers.memory.InMemoryProvider` and
:class:`~awsstate.providers.recording.RecordingProvider` (and the test doubles
:class:`~awsstate.providers.faults.FaultInjectingProvider` and
:class:`~awsstate.providers.consistency.EventualConsistency`) are importable from here, each
imported on first use; ``AwsProvider`` lives in :mod:`awsstate.providers.aws` so that importing
awsstate does not import boto3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from awsstate.providers.base import Existence, Provider, ProviderCall, Receipt, WrappingProvider
    from awsstate.providers.consistency import EventualConsistency
    from awsstate.providers.faults import FaultCall, FaultInjectingProvider, InjectedFault, SimulatedCrash
    from awsstate.providers.memory import InMemoryProvider, World
    from awsstate.providers.recording import Call, RecordingProvider

_HOMES = {
    "Call": "recording", "RecordingProvider": "recording",
    "EventualConsistency": "consistency",
    "FaultCall": "faults", "FaultInjectingProvider": "faults", "InjectedFault": "faults", "SimulatedCrash": "faults",
    "InMemoryProvider": "memory", "World": "memory",
    "Existence": "base", "Provider": "base", "ProviderCall": "base", "Receipt": "base", "WrappingProvider": "base",
}

__all__ = [
    "Call",
    "EventualConsistency",
    "Existence",
    "FaultCall",
    "FaultInjectingProvider",
    "InMemoryProvider",
    "InjectedFault",
    "Provider",
    "ProviderCall",
    "Receipt",
    "RecordingProvider",
    "SimulatedCrash",
    "World",
    "WrappingProvider",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"awsstate.providers.{home}"), name)
