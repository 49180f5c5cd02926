"""awsstate's structured log events, silent below warning unless the application asks for them.

The library never configures logging. Each event is sent to structlog when the application has
configured structlog (``structlog.is_configured()``, as ``structlog.testing.capture_logs`` does
too); otherwise to the standard library logger of the same name, whose default (no handler
configured) shows warnings and errors on stderr and nothing below. So an application that never
thought about logging sees nothing on stdout, and one that did gets every event with its fields.
A stdlib record carries the event's name and its masked fields as ``record.awsstate_event`` and
``record.awsstate_fields``.

structlog is imported on the first event, not when awsstate is imported. Every value passed to
an event is masked first (:func:`awsstate.secrets.scrub`): no credential inside a URL reaches a
log line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from awsstate.secrets import scrub

__all__ = ["EventLogger", "get_logger", "stdlib_only"]

_STDLIB_ONLY = [False]  # set by stdlib_only(): an application that routes the events itself


@contextmanager
def stdlib_only() -> Iterator[None]:
    """Send every event to the standard library loggers while inside, even when structlog is
    configured: for an application (the ``awsstate`` command) that handles them itself."""
    previous = _STDLIB_ONLY[0]
    _STDLIB_ONLY[0] = True
    try:
        yield
    finally:
        _STDLIB_ONLY[0] = previous


_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def _filtered_out(wrapper_class: Any, level: str) -> bool:
    """Whether structlog's configured wrapper drops ``level`` unseen (a filtering bound logger's no-op
    method, as ``make_filtering_bound_logger`` makes them); unsure means no."""
    method = getattr(wrapper_class, level, None)
    return getattr(method, "__name__", "") == "_nop"


class EventLogger:
    """Emits ``event`` with keyword fields at a level (``debug`` ... ``error``)."""

    __slots__ = ("_name", "_stdlib")

    def __init__(self, name: str) -> None:
        self._name = name
        self._stdlib = logging.getLogger(name)

    def __repr__(self) -> str:
        return f"EventLogger({self._name!r})"

    def _emit(self, level: str, event: str, fields: dict[str, Any]) -> None:
        import structlog  # deferred: importing structlog costs more than all of awsstate's own modules

        if structlog.is_configured() and not _STDLIB_ONLY[0]:
            if _filtered_out(structlog.get_config()["wrapper_class"], level):
                return  # the application filters this level out: structlog would drop it, unmasked or not
            getattr(structlog.get_logger(self._name), level)(event, **scrub(fields))
            return
        number = _LEVELS[level]
        if self._stdlib.isEnabledFor(number):
            masked = scrub(fields)
            rendered = " ".join(f"{key}={value!r}" for key, value in sorted(masked.items()))
            self._stdlib.log(number, "%s %s", event, rendered,
                             extra={"awsstate_event": event, "awsstate_fields": masked})

    def debug(self, event: str, **fields: Any) -> None:
        """A debug event (``aws.call``)."""
        self._emit("debug", event, fields)

    def info(self, event: str, **fields: Any) -> None:
        """An info event (``plan.computed``, ``action.applied``, ``settle.waiting``)."""
        self._emit("info", event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        """A warning event (``action.failed``)."""
        self._emit("warning", event, fields)


def get_logger(name: str) -> EventLogger:
    """The event logger called ``name``."""
    return EventLogger(name)
