"""Providers: the backends awsstate reads and writes.

:class:`~awsstate.providers.memory.InMemoryProvider` and
:class:`~awsstate.providers.recording.RecordingProvider` (and the test doubles
:class:`~awsstate.providers.faults.FaultInjectingProvider` and
:class:`~awsstate.providers.consistency.EventualConsistency`) are importable from here;
``AwsProvider`` lives in :mod:`awsstate.providers.aws` so that importing awsstate does not
import boto3.
"""

from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.providers.consistency import EventualConsistency
from awsstate.providers.faults import FaultCall, FaultInjectingProvider, InjectedFault, SimulatedCrash
from awsstate.providers.memory import InMemoryProvider, World
from awsstate.providers.recording import Call, RecordingProvider

__all__ = [
    "Call",
    "EventualConsistency",
    "Existence",
    "FaultCall",
    "FaultInjectingProvider",
    "InMemoryProvider",
    "InjectedFault",
    "Provider",
    "Receipt",
    "RecordingProvider",
    "SimulatedCrash",
    "World",
]
