"""Time, the settle budget and the context the engine's steps share."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Protocol

from awsstate.log import get_logger
from awsstate.providers.base import Provider

__all__ = ["Clock", "Context", "Deadline", "SettlePolicy", "SystemClock"]

log = get_logger("awsstate.settle")


class Clock(Protocol):
    """Time as the engine sees it; tests pass a fake clock to simulate waiting."""

    def monotonic(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def __repr__(self) -> str:
        return "SystemClock()"

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """``time.sleep(seconds)``."""
        time.sleep(seconds)


@dataclass(frozen=True)
class SettlePolicy:
    """How long apply waits for AWS to show what it wrote, and how it backs off.

    Attributes:
        timeout: total seconds one apply may spend waiting for reads to match.
        initial_delay / max_delay / multiplier: exponential backoff between re-reads.
        ready_timeout: seconds to wait for a resource being built to become ready (a DynamoDB
            table or index: ``KindSpec.ready``). ``None``: the larger of ``timeout`` and the kind's
            own budget (``KindSpec.ready_timeout``: 30 minutes for DynamoDB, as index builds take).
    """

    timeout: float = 60.0
    initial_delay: float = 0.25
    max_delay: float = 5.0
    multiplier: float = 2.0
    ready_timeout: float | None = None

    def for_readiness(self, kind_budget: float | None) -> SettlePolicy:
        """This policy with the readiness budget as its timeout (see ``ready_timeout``)."""
        timeout = self.ready_timeout if self.ready_timeout is not None else max(self.timeout, kind_budget or 0.0)
        return dataclasses.replace(self, timeout=timeout)


@dataclass(frozen=True)
class Context:
    """What every engine step needs: the backend, the clock and the settle budget."""

    provider: Provider
    clock: Clock
    settle: SettlePolicy


class Deadline:
    """One settle budget: how long has been waited, and the next backoff."""

    def __init__(self, clock: Clock, policy: SettlePolicy) -> None:
        self.clock = clock
        self.policy = policy
        self.started = clock.monotonic()
        self.delay = policy.initial_delay

    def __repr__(self) -> str:
        return f"Deadline(waited={self.waited:.2f}s of {self.policy.timeout}s)"

    @property
    def waited(self) -> float:
        """Seconds since the budget started."""
        return self.clock.monotonic() - self.started

    def expired(self) -> bool:
        """True once the whole budget is spent."""
        return self.waited >= self.policy.timeout

    def pause(self, kind: str, name: str, waiting_for: str) -> None:
        """Back off before the next read, and say so (``settle.waiting``)."""
        remaining = self.policy.timeout - self.waited
        delay = max(0.0, min(self.delay, remaining))
        log.info("settle.waiting", kind=kind, name=name, aspect=waiting_for, waited_s=round(self.waited, 3),
                 delay_s=round(delay, 3))
        self.clock.sleep(delay)
        self.delay = min(self.delay * self.policy.multiplier, self.policy.max_delay)
