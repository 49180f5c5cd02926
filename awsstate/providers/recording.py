"""The recording provider: wraps any provider and records every call as data.

Each provider call is one backend request, so the recording is how call budgets are proven::

    recorder = RecordingProvider(InMemoryProvider())
    S3BucketManager(provider=recorder).apply(desired)
    assert recorder.writes == []          # converged: zero writes
    print(recorder.to_jsonl())            # one JSON object per call
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Literal, TypeVar

from awsstate.providers.base import Provider, ProviderCall, WrappingProvider

__all__ = ["Call", "RecordingProvider"]

T = TypeVar("T")

Access = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class Call:
    """One recorded provider call.

    ``operation`` is the provider method (``read_existence``, ``read_aspect``, ``create``,
    ``write_aspect``, ``delete``, or an S3 object call such as ``list_objects``); ``outcome`` is
    ``"ok"`` or the error's class name; ``key`` is the object's key for object calls.
    """

    operation: str
    kind: str
    name: str
    region: str | None
    aspect: str | None
    access: Access
    outcome: str
    duration_ms: float
    key: str | None = None

    def __str__(self) -> str:
        aspect = f" {self.aspect}" if self.aspect else ""
        key = f" key {self.key!r}" if self.key is not None else ""
        return f"{self.access:5} {self.operation}{aspect} {self.kind} {self.name}{key} -> {self.outcome}"


class RecordingProvider(WrappingProvider):
    """Wraps ``inner`` and records every call in :attr:`calls` (thread-safe)."""

    def __init__(self, inner: Provider) -> None:
        super().__init__(inner)
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RecordingProvider({self.inner!r}, calls={len(self.calls)})"

    def describe(self) -> str:
        """``recording(<inner>)``."""
        return f"recording({self.inner.describe()})"

    @property
    def reads(self) -> list[Call]:
        """The calls that only read."""
        return [c for c in self.calls if c.access == "read"]

    @property
    def writes(self) -> list[Call]:
        """The calls that wrote (create, write_aspect, delete), failed ones included."""
        return [c for c in self.calls if c.access == "write"]

    def clear(self) -> None:
        """Forget every recorded call."""
        with self._lock:
            self.calls.clear()

    @contextmanager
    def session(self) -> Iterator[list[Call]]:
        """Collect only the calls made inside the ``with`` block::

            with recorder.session() as calls:
                manager.plan(desired)
            assert len(calls) == 3
        """
        with self._lock:
            start = len(self.calls)
        collected: list[Call] = []
        try:
            yield collected
        finally:
            with self._lock:
                collected.extend(self.calls[start:])

    def to_jsonl(self) -> str:
        """Every call as one JSON object per line."""
        return "".join(json.dumps(asdict(c), sort_keys=True) + "\n" for c in self.calls)

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        """Make the call and record it, with its outcome and duration."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            return proceed()
        except BaseException as error:
            outcome = type(error).__name__
            raise
        finally:
            record = Call(call.operation, call.kind, call.name, call.region, call.aspect, call.access, outcome,
                          round((time.perf_counter() - started) * 1000, 3), call.key)
            with self._lock:
                self.calls.append(record)
