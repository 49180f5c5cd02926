"""Shared test configuration: nothing here talks to AWS."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from awsstate.providers.memory import InMemoryProvider, World
from awsstate.providers.recording import RecordingProvider
from awsstate.testing import FakeClock
from tests.harness_stats import STATS

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


def pytest_configure(config: pytest.Config) -> None:
    # Also listed in pyproject.toml; registered here too so --strict-markers never trips on it.
    config.addinivalue_line("markers", "faults: fault-injection sweep (every kind, every call number); runs in CI")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = STATS.lines()
    if lines:
        terminalreporter.write_sep("=", "proof harness figures")
        for line in lines:
            terminalreporter.write_line(line)
