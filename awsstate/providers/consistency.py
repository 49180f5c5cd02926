"""Eventual consistency for the in-memory provider: AWS's lag, made deterministic.

On AWS a resource may read as missing right after it was created, and a setting may read back
its old value for seconds after it was written. awsstate's apply is built for that (it backs off
and re-reads, and never re-creates or deletes because a read lagged); this option lets tests
prove it without waiting::

    provider = InMemoryProvider(consistency=EventualConsistency(missing_after_create=2, stale_reads=3))

The lag is counted in calls, not seconds, so every run is the same:

* ``missing_after_create=k``: the first ``k`` calls about a resource after its create (existence
  reads, aspect reads and aspect writes) answer as if it did not exist (``None`` / NotFound);
* ``stale_reads=k``: after an aspect is written, the next ``k`` reads of that aspect (including
  existence reads that carry it) return the value it had before the write.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Hashable
from dataclasses import dataclass

from awsstate.canonical import Json

__all__ = ["ConsistencyLag", "EventualConsistency"]


@dataclass(frozen=True)
class EventualConsistency:
    """How far the in-memory provider lags behind its own writes (see the module docstring).

    Attributes:
        missing_after_create: calls about a new resource that say it does not exist yet.
        stale_reads: reads of a written aspect that still return the previous value.
    """

    missing_after_create: int = 0
    stale_reads: int = 0

    def __post_init__(self) -> None:
        if self.missing_after_create < 0 or self.stale_reads < 0:
            raise ValueError("missing_after_create and stale_reads must be 0 or more")


class ConsistencyLag:
    """The lag state of one provider: which resources still look missing, which aspects stale."""

    def __init__(self, config: EventualConsistency) -> None:
        self.config = config
        self._missing: dict[Hashable, int] = {}
        self._stale: dict[tuple[Hashable, str], tuple[Json, int]] = {}
        self._lock = threading.Lock()

    def created(self, key: Hashable) -> None:
        """A resource was just created: it looks missing for the next calls."""
        with self._lock:
            if self.config.missing_after_create:
                self._missing[key] = self.config.missing_after_create
            for stale_key in [k for k in self._stale if k[0] == key]:
                del self._stale[stale_key]

    def hidden(self, key: Hashable) -> bool:
        """True when this call must answer as if the resource did not exist (counts the call)."""
        with self._lock:
            left = self._missing.get(key, 0)
            if left <= 0:
                return False
            self._missing[key] = left - 1
            return True

    def written(self, key: Hashable, aspect: str, before: Json) -> None:
        """An aspect was written: reads return ``before`` for a while."""
        if self.config.stale_reads:
            with self._lock:
                self._stale[(key, aspect)] = (copy.deepcopy(before), self.config.stale_reads)

    def read(self, key: Hashable, aspect: str, current: Json) -> Json:
        """What a read of ``aspect`` returns now: the stale value while the lag lasts (counts the read)."""
        with self._lock:
            stale = self._stale.get((key, aspect))
            if stale is None or stale[1] <= 0:
                return current
            self._stale[(key, aspect)] = (stale[0], stale[1] - 1)
            return copy.deepcopy(stale[0])
