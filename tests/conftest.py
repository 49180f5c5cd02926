"""Shared test configuration: nothing here talks to AWS."""

from __future__ import annotations

import itertools

import pytest

from awsstate.providers.memory import InMemoryProvider, World
from awsstate.providers.recording import RecordingProvider
from awsstate.testing import FakeClock

_tokens = itertools.count(1)


@pytest.fixture
def token(request: pytest.FixtureRequest) -> str:
    """A short token unique within this test run, for resource names."""
    return f"t{next(_tokens)}"


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def memory(world: World) -> InMemoryProvider:
    return InMemoryProvider(world, region="us-east-1")


@pytest.fixture
def recorder(memory: InMemoryProvider) -> RecordingProvider:
    return RecordingProvider(memory)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
