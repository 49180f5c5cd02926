"""Applying object actions: concurrently, uploads before deletes, stopping at the first failure.

Every action is idempotent (an upload of the same bytes, a copy onto itself, a delete), so an
apply that stopped anywhere (an error, a crash) is resumed by applying the same desired state
again: the new plan lists only what is still missing, and nothing already done is written twice.
A failure stops new actions from starting; those in flight finish; the error raised carries
``completed`` (the actions done). Deletes start only after every upload and update succeeded.

Progress: on a terminal (stderr is a TTY), one line updated in place with files, bytes and rate;
otherwise structured events (:mod:`awsstate.log`): ``object.applied`` per action and
``sync.progress`` every few seconds, then ``sync.done``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TextIO

from awsstate.errors import ProviderError
from awsstate.log import get_logger
from awsstate.objects.plans import ObjectAction, human_size

__all__ = ["Progress", "run_actions"]

log = get_logger("awsstate.objects")

_EVENT_EVERY = 5.0
_LINE_EVERY = 0.1


class Progress:
    """Counts files and bytes done; shows them on a terminal, or as log events.

    Args:
        total_files / total_bytes: what the apply will do.
        show: ``True`` draws a line on ``stream``; ``False`` never; ``None`` (default): only when
            ``stream`` is a terminal.
        stream: where the line goes (``sys.stderr``).
    """

    def __init__(self, total_files: int, total_bytes: int, *, show: bool | None = None,
                 stream: TextIO | None = None, label: str = "") -> None:
        self.stream = stream or sys.stderr
        self.show = self.stream.isatty() if show is None else show
        self.total_files, self.total_bytes, self.label = total_files, total_bytes, label
        self.files = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._logged = self.started
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Progress({self.files}/{self.total_files} files, {self.bytes}/{self.total_bytes} bytes)"

    @property
    def rate(self) -> float:
        """Bytes per second so far."""
        return self.bytes / max(time.monotonic() - self.started, 1e-6)

    def line(self) -> str:
        """``12/40 files  3.1/8.0 MiB  1.2 MiB/s``."""
        return (f"{self.label}{self.files}/{self.total_files} files  {human_size(self.bytes)}/"
                f"{human_size(self.total_bytes)}  {human_size(int(self.rate))}/s")

    def done(self, action: ObjectAction, seconds: float) -> None:
        """One action finished."""
        sent = (action.size or 0) if action.writes_content else 0
        with self._lock:
            self.files += 1
            self.bytes += sent
            now = time.monotonic()
            draw = self.show and (now - self._drawn >= _LINE_EVERY or self.files == self.total_files)
            if draw:
                self._drawn = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
            report = not self.show and now - self._logged >= _EVENT_EVERY
            if report:
                self._logged = now
        log.info("object.applied", bucket=action.bucket, key=action.key, action=action.type, bytes=sent,
                 duration_ms=round(seconds * 1000, 3))
        if report:
            log.info("sync.progress", files=self.files, total_files=self.total_files, bytes=self.bytes,
                     total_bytes=self.total_bytes, bytes_per_second=round(self.rate))

    def finish(self) -> None:
        """The apply ended (the line is closed; ``sync.done`` logged)."""
        if self.show and self.files:
            self.stream.write("\n")
            self.stream.flush()
        log.info("sync.done", files=self.files, bytes=self.bytes,
                 seconds=round(time.monotonic() - self.started, 3), bytes_per_second=round(self.rate))


def _phase(actions: Sequence[ObjectAction], perform: Callable[[ObjectAction], None], concurrency: int,
           progress: Progress, done: list[ObjectAction]) -> None:
    def one(action: ObjectAction) -> None:
        started = time.monotonic()
        perform(action)
        progress.done(action, time.monotonic() - started)
        with lock:
            done.append(action)

    lock = threading.Lock()
    if concurrency <= 1 or len(actions) <= 1:
        for action in actions:
            one(action)
        return
    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(actions)), thread_name_prefix="awsstate-objects")
    futures: list[Future[None]] = []
    try:
        futures = [pool.submit(one, action) for action in actions]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and not f.cancelled() and f.exception() is not None), None)
        if failed is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            error = failed.exception()
            assert error is not None
            raise error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_actions(actions: Sequence[ObjectAction], perform: Callable[[ObjectAction], None], *, concurrency: int,
                progress: Progress, heavy: Callable[[ObjectAction], bool] = lambda action: False,
                heavy_concurrency: int = 1) -> list[ObjectAction]:
    """Make every action (see the module docstring); returns them in the order they finished.

    ``heavy`` actions (multipart transfers, each with its own parts in flight) run after the others,
    at most ``heavy_concurrency`` at once, so the requests in flight stay about ``concurrency``.
    """
    done: list[ObjectAction] = []
    writes = [a for a in actions if a.type != "delete" and not heavy(a)]
    heavies = [a for a in actions if a.type != "delete" and heavy(a)]
    deletes = [a for a in actions if a.type == "delete"]
    try:
        _phase(writes, perform, concurrency, progress, done)
        _phase(heavies, perform, heavy_concurrency, progress, done)
        _phase(deletes, perform, concurrency, progress, done)
    except ProviderError as error:
        error.completed = list(done)
        log.warning("action.failed", kind=error.kind, name=error.name, operation=error.operation, code=error.code,
                    completed=len(done))
        raise
    finally:
        progress.finish()
    return done
