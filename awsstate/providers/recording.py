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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Literal, TypeVar

from awsstate.canonical import Json
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.spec import ResourceRef

__all__ = ["Call", "RecordingProvider"]

T = TypeVar("T")

Access = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class Call:
    """One recorded provider call.

    ``operation`` is the provider method (``read_existence``, ``read_aspect``, ``create``,
    ``write_aspect``, ``delete``); ``outcome`` is ``"ok"`` or the error's class name.
    """

    operation: str
    kind: str
    name: str
    region: str | None
    aspect: str | None
    access: Access
    outcome: str
    duration_ms: float

    def __str__(self) -> str:
        aspect = f" {self.aspect}" if self.aspect else ""
        return f"{self.access:5} {self.operation}{aspect} {self.kind} {self.name} -> {self.outcome}"


class RecordingProvider(Provider):
    """Wraps ``inner`` and records every call in :attr:`calls` (thread-safe)."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RecordingProvider({self.inner!r}, calls={len(self.calls)})"

    @property
    def default_region(self) -> str | None:
        """The wrapped provider's default region."""
        return self.inner.default_region

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

    def _record(self, operation: str, ref: ResourceRef, aspect: str | None, access: Access, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        outcome = "ok"
        try:
            return fn()
        except BaseException as error:
            outcome = type(error).__name__
            raise
        finally:
            call = Call(operation, ref.kind, ref.name, ref.region, aspect, access, outcome,
                        round((time.perf_counter() - started) * 1000, 3))
            with self._lock:
                self.calls.append(call)

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """Recorded :meth:`Provider.read_existence`."""
        return self._record("read_existence", ref, None, "read", lambda: self.inner.read_existence(ref))

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """Recorded :meth:`Provider.read_aspect`."""
        return self._record("read_aspect", ref, aspect, "read", lambda: self.inner.read_aspect(ref, aspect))

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """Recorded :meth:`Provider.create`."""
        return self._record("create", ref, None, "write", lambda: self.inner.create(ref, params))

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """Recorded :meth:`Provider.write_aspect`."""
        return self._record("write_aspect", ref, aspect, "write", lambda: self.inner.write_aspect(ref, aspect, value))

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Recorded :meth:`Provider.delete`."""
        return self._record("delete", ref, None, "write", lambda: self.inner.delete(ref, force=force))
