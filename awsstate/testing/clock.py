"""A fake clock: ``sleep`` advances time instantly, so settle loops run in microseconds."""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """A :class:`awsstate.manager.Clock` whose ``sleep`` only moves the time forward.

    ``slept`` lists every sleep, so tests can assert on backoff.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now:.3f}, sleeps={len(self.slept)})"

    def monotonic(self) -> float:
        """The fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the fake time by ``seconds`` and record it."""
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a sleep."""
        self.now += seconds
