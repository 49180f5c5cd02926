"""Providers: the backends awsstate reads and writes.

:class:`~awsstate.providers.memory.InMemoryProvider` and
:class:`~awsstate.providers.recording.RecordingProvider` are importable from here;
``AwsProvider`` lives in :mod:`awsstate.providers.aws` so that importing awsstate does not
import boto3.
"""

from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.providers.memory import InMemoryProvider, World
from awsstate.providers.recording import Call, RecordingProvider

__all__ = ["Call", "Existence", "InMemoryProvider", "Provider", "Receipt", "RecordingProvider", "World"]
