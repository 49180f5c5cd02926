"""Where the command writes: results on stdout, progress and messages on stderr.

On a terminal (and without ``NO_COLOR`` or ``--no-color``) output is coloured and an apply
shows a live list of the resources in flight, with what each one waits for while AWS settles.
Anywhere else (a pipe, CI) nothing but plain text is written: one line per event, no colour, no
control characters, so stdout stays machine-readable.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import IO, Any

from rich.console import Console, Group
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from awsstate.stack import StackEvent

__all__ = ["ProgressDisplay", "Streams", "log_to_stderr"]


class Streams:
    """The two consoles: ``out`` (results) and ``err`` (progress, messages)."""

    def __init__(self, *, color: bool = True, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> None:
        no_color = not color or "NO_COLOR" in os.environ
        self.out = Console(file=stdout or sys.stdout, no_color=no_color, highlight=False, soft_wrap=True,
                           emoji=False)
        self.err = Console(file=stderr or sys.stderr, no_color=no_color, highlight=False, soft_wrap=True,
                           emoji=False)

    @property
    def interactive(self) -> bool:
        """Whether a person is watching: stderr is a terminal."""
        return self.err.is_terminal

    def message(self, text: str, style: str | None = None) -> None:
        """A message for the person, on stderr."""
        self.err.print(Text(text, style=style or ""))

    def error(self, text: str) -> None:
        """An error, on stderr."""
        self.err.print(Text(f"error: {text}", style="bold red"))


_STATUS_STYLE = {"done": "green", "unchanged": "dim", "failed": "red", "skipped": "yellow"}


class ProgressDisplay:
    """Shows a stack's progress events (its ``on_event``) and settle waits (a logging handler).

    On a terminal: a live list of the resources in flight under the lines of those finished.
    Elsewhere: one plain line per finished resource and per settle wait.
    """

    def __init__(self, streams: Streams) -> None:
        self._console = streams.err
        self._live_mode = streams.interactive
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, float]] = {}  # resource -> (what it is doing, since)
        self._waiting: dict[str, str] = {}
        self._live: Live | None = None

    def __enter__(self) -> ProgressDisplay:
        if self._live_mode:
            self._live = Live(self._render(), console=self._console, refresh_per_second=8, transient=True,
                              get_renderable=self._render)
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _render(self) -> Group:
        now = time.monotonic()
        with self._lock:
            rows = [Spinner("dots", text=Text.assemble((f"{phase} {key}", "bold"),
                                                       f" {self._waiting.get(key, 'working')}",
                                                       (f" {now - since:.0f}s", "dim")))
                    for key, (phase, since) in sorted(self._running.items())]
        return Group(*rows)

    def event(self, event: StackEvent) -> None:
        """One :class:`StackEvent` (pass this method as a stack's ``on_event``)."""
        with self._lock:
            if event.status == "started":
                self._running[event.resource] = (event.phase, time.monotonic())
                return
            self._running.pop(event.resource, None)
            self._waiting.pop(event.resource, None)
        if event.phase == "plan" and event.status == "done":
            return  # planning is quick and its result is the plan itself
        self._console.print(Text(str(event), style=_STATUS_STYLE.get(event.status, "")))

    def waiting(self, kind: str, name: str, aspect: str, waited_s: float) -> None:
        """A resource waiting for AWS to settle (from the engine's ``settle.waiting`` event)."""
        key = f"{kind}.{name}"
        text = f"waiting for {aspect} to settle"
        if self._live is not None:
            with self._lock:
                self._waiting[key] = text
            return
        self._console.print(Text(f"{key}: {text} ({waited_s:.1f}s so far)"))


class _Handler(logging.Handler):
    """Sends the library's settle waits to the progress display and its warnings to stderr."""

    def __init__(self, streams: Streams, display: ProgressDisplay | None, verbose: int) -> None:
        super().__init__(logging.DEBUG)
        self._streams, self._display, self._verbose = streams, display, verbose

    def emit(self, record: logging.LogRecord) -> None:
        fields: dict[str, Any] = getattr(record, "awsstate_fields", {}) or {}
        event = getattr(record, "awsstate_event", "")
        if event == "settle.waiting" and self._display is not None:
            self._display.waiting(str(fields.get("kind")), str(fields.get("name")), str(fields.get("aspect")),
                                  float(fields.get("waited_s") or 0.0))
        if event == "stack.resource" or (record.levelno < logging.WARNING and not self._verbose):
            return
        style = "yellow" if record.levelno >= logging.WARNING else "dim"
        self._streams.err.print(Text(f"{record.levelname.lower()}: {record.getMessage()}", style=style))


def log_to_stderr(streams: Streams, display: ProgressDisplay | None, verbose: int) -> logging.Handler:
    """Route the library's events for the command: settle waits to ``display``, warnings (and
    with ``-v`` info, ``-vv`` debug) to stderr. Returns the handler, to remove it afterwards."""
    logger = logging.getLogger("awsstate")
    handler = _Handler(streams, display, verbose)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    return handler
