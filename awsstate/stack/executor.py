"""Run the work of a graph: each item after those it depends on, independent ones concurrently.

At most ``parallelism`` items run at once. When an item fails, the items in flight finish, the
items that depend on it (at any depth) are skipped with the reason, and independent ones go on.
An abrupt stop (a ``BaseException`` that is not an ``Exception``, such as ``KeyboardInterrupt``
or a test's simulated crash) stops everything at once and propagates.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Outcomes", "run_graph"]

T = TypeVar("T")


@dataclass
class Outcomes(Generic[T]):
    """What became of each item: its result, its error, or why it was skipped."""

    done: dict[str, T] = field(default_factory=dict)
    failed: dict[str, Exception] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def run_graph(
    keys: Sequence[str], depends_on: Mapping[str, set[str]], work: Callable[[str], T], *, parallelism: int
) -> Outcomes[T]:
    """Run ``work(key)`` for every key, after its ``depends_on`` keys; see the module docstring.

    Bookkeeping is per edge, not per item: each completion touches only its own dependents, so
    a graph of thousands of items costs no more than the work itself.
    """
    outcomes: Outcomes[T] = Outcomes()
    wanted = set(keys)
    order = {key: index for index, key in enumerate(keys)}
    needs = {key: {d for d in depends_on.get(key, set()) if d in wanted} for key in keys}
    pending = {key: len(deps) for key, deps in needs.items()}
    dependents: dict[str, list[str]] = {key: [] for key in keys}
    for key, deps in needs.items():
        for dep in deps:
            dependents[dep].append(key)
    ready = [order[key] for key in keys if not needs[key]]
    heapq.heapify(ready)
    running: dict[Future[T], str] = {}

    def skip_dependents_of(root: str) -> None:
        stack = [root]
        while stack:
            for key in dependents[stack.pop()]:
                if key in outcomes.skipped:
                    continue
                blocked = min(d for d in needs[key] if d in outcomes.failed or d in outcomes.skipped)
                why = "failed" if blocked in outcomes.failed else "was skipped"
                outcomes.skipped[key] = f"depends on {blocked}, which {why}"
                stack.append(key)

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="awsstate-stack") as pool:
        while ready or running:
            while ready and len(running) < max(1, parallelism):
                key = keys[heapq.heappop(ready)]
                running[pool.submit(work, key)] = key
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: order[running[f]]):
                key = running.pop(future)
                try:
                    outcomes.done[key] = future.result()
                except Exception as error:  # one resource's failure; the others go on
                    outcomes.failed[key] = error
                    skip_dependents_of(key)
                    continue
                except BaseException:
                    for other in running:
                        other.cancel()
                    raise
                for dependent in dependents[key]:
                    pending[dependent] -= 1
                    if not pending[dependent] and dependent not in outcomes.skipped:
                        heapq.heappush(ready, order[dependent])
    stuck = sorted(k for k in keys if k not in outcomes.done and k not in outcomes.failed and k not in outcomes.skipped)
    if stuck:  # only a cycle could leave items that can never start
        raise RuntimeError(f"items wait on each other: {stuck}")
    return outcomes
