"""pytest fixtures for users' tests: ``pytest_plugins = ["awsstate.testing.fixtures"]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from awsstate.providers.faults import FaultInjectingProvider
from awsstate.providers.memory import InMemoryProvider, World
from awsstate.providers.recording import RecordingProvider
from awsstate.testing.clock import FakeClock

__all__ = ["awsstate_clock", "awsstate_faults", "awsstate_provider", "awsstate_world"]


@pytest.fixture
def awsstate_world() -> World:
    """A fresh, empty fake AWS world (account ``123456789012``)."""
    return World()


@pytest.fixture
def awsstate_provider(awsstate_world: World) -> RecordingProvider:
    """An in-memory provider on ``awsstate_world``, wrapped in a recorder.

    The fake AWS is the ``awsstate_world`` fixture (also ``awsstate_provider.inner.world``);
    ``.calls`` / ``.reads`` / ``.writes`` are the recorded calls.
    """
    return RecordingProvider(InMemoryProvider(awsstate_world))


@pytest.fixture
def awsstate_clock() -> FakeClock:
    """A fake clock for managers: ``Manager(provider, clock=awsstate_clock)``."""
    return FakeClock()


@pytest.fixture
def awsstate_faults(awsstate_provider: RecordingProvider) -> Callable[..., FaultInjectingProvider]:
    """Wrap ``awsstate_provider`` in a :class:`~awsstate.FaultInjectingProvider` (keyword arguments as its own)::

        def test_my_code_survives_throttling(awsstate_faults, awsstate_provider):
            faulty = awsstate_faults(fail_on=2, error="throttled")
            with pytest.raises(ThrottledError):
                my_code_that_takes_a_provider(faulty)
            my_code_that_takes_a_provider(awsstate_provider)   # a re-run converges
    """

    def wrap(**options: Any) -> FaultInjectingProvider:
        return FaultInjectingProvider(awsstate_provider, **options)

    return wrap
