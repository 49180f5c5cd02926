"""Figures the proof harness collects while it runs (faults injected and survived, inputs fuzzed).

Suites add to :data:`STATS`; ``tests/conftest.py`` prints them at the end of the run, so a report
can quote them from the output of ``make test``.
"""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["STATS", "Stats"]


class Stats:
    """Named counters, per kind (``faults injected``/``s3_bucket`` -> 123)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, figure: str, kind: str, amount: int = 1) -> None:
        """Add ``amount`` to ``figure`` for ``kind``."""
        with self._lock:
            self.counts[(figure, kind)] += amount

    def lines(self) -> list[str]:
        """One line per figure: the total, then the count per kind."""
        figures: dict[str, dict[str, int]] = {}
        for (figure, kind), count in sorted(self.counts.items()):
            figures.setdefault(figure, {})[kind] = count
        return [
            f"{figure}: {sum(per_kind.values())} ({', '.join(f'{k} {n}' for k, n in per_kind.items())})"
            for figure, per_kind in figures.items()
        ]


STATS = Stats()
