"""Progress of a stack's plan and apply: one event as each resource starts and finishes.

A long apply should be visible while it runs, as Terraform's "Creating... / Creation complete"
lines are. :class:`Progress` sends a :class:`StackEvent` to the ``on_event`` callback a
:class:`~awsstate.stack.Stack` was given (the ``awsstate`` command prints them) and logs each as
``stack.resource`` (info). Events come from the worker threads, one at a time: the callback
needs no lock of its own. A callback that raises is logged (``stack.progress_failed``) and
otherwise ignored: progress never changes what is applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from awsstate.log import get_logger

__all__ = ["EventCallback", "Progress", "StackEvent"]

log = get_logger("awsstate.stack")
T = TypeVar("T")
Phase = Literal["plan", "apply", "delete"]
Status = Literal["started", "done", "unchanged", "failed", "skipped"]


@dataclass(frozen=True)
class StackEvent:
    """One resource of a stack starting or finishing a phase.

    ``finished`` / ``total`` count the resources of this phase finished so far (this one included
    when it finished); ``actions`` is how many actions a finished apply took; ``detail`` the error
    or the reason a resource was skipped; ``elapsed_s`` the time since this resource started.
    """

    stack: str
    phase: Phase
    resource: str
    status: Status
    finished: int
    total: int
    actions: int = 0
    detail: str = ""
    elapsed_s: float = 0.0

    def __str__(self) -> str:
        text = f"[{self.finished}/{self.total}] {self.phase} {self.resource}: {self.status}"
        if self.actions:
            text += f" ({self.actions} action{'s' if self.actions != 1 else ''})"
        if self.status != "started" and self.elapsed_s >= 0.1:
            text += f" after {self.elapsed_s:.1f}s"
        return f"{text}: {self.detail}" if self.detail else text


EventCallback = Callable[[StackEvent], None]


class Progress:
    """Counts one phase's resources and reports each start and finish."""

    def __init__(self, stack: str, phase: Phase, total: int, callback: EventCallback | None) -> None:
        self.stack, self.phase, self.total = stack, phase, total
        self._callback = callback
        self._finished = 0
        self._lock = threading.Lock()

    def _emit(self, resource: str, status: Status, *, actions: int = 0, detail: str = "",
              elapsed: float = 0.0) -> None:
        with self._lock:
            if status != "started":
                self._finished += 1
            event = StackEvent(self.stack, self.phase, resource, status, self._finished, self.total, actions,
                               detail, round(elapsed, 3))
            log.info("stack.resource", stack=self.stack, phase=self.phase, resource=resource, status=status,
                     finished=event.finished, total=self.total, actions=actions)
            if self._callback is None:
                return
            try:
                self._callback(event)
            except Exception as error:  # a broken progress display must not fail the apply
                log.warning("stack.progress_failed", stack=self.stack, error=repr(error))

    def track(self, work: Callable[[str], T], actions: Callable[[T], int] = lambda _: 0) -> Callable[[str], T]:
        """``work`` reporting its start and its end (``actions``: how many actions a result took)."""

        def tracked(key: str) -> T:
            started = time.monotonic()
            self._emit(key, "started")
            try:
                result = work(key)
            except Exception as error:
                self._emit(key, "failed", detail=str(error), elapsed=time.monotonic() - started)
                raise
            count = actions(result)
            self._emit(key, "done" if count or self.phase == "plan" else "unchanged", actions=count,
                       elapsed=time.monotonic() - started)
            return result

        return tracked

    def skipped(self, skipped: dict[str, str]) -> None:
        """Report the resources skipped because something they depend on failed."""
        for key, reason in skipped.items():
            self._emit(key, "skipped", detail=reason)
