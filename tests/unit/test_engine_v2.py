"""The engine's steps: concurrent aspect reads with exact call counts, visible settle waits, quiet logs,
and the one wrapping seam every wrapper is built on."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    InMemoryProvider,
    Provider,
    ProviderCall,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
    WrappingProvider,
)
from awsstate.providers.consistency import EventualConsistency
from awsstate.testing import FakeClock
from tests.examples.s3_bucket import everything

REGION = "eu-west-1"


class Rendezvous(WrappingProvider):
    """Holds every aspect read until ``width`` of them are in flight at once (a barrier), so reads
    made one after another time out here, and concurrent ones pass; records the peak in flight."""

    def __init__(self, inner: Provider, width: int) -> None:
        super().__init__(inner)
        self.barrier = threading.Barrier(width, timeout=10)
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    @property
    def parallel_reads(self) -> int:
        return 16

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.operation != "read_aspect":
            return proceed()
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            self.barrier.wait()
            return proceed()
        finally:
            with self._lock:
                self.in_flight -= 1


def test_the_aspects_of_one_resource_are_read_concurrently_after_the_existence_read(
        memory: InMemoryProvider) -> None:
    desired = everything("concurrent-bucket", REGION)
    S3BucketManager(provider=memory).apply(desired)
    aspect_reads = len([a for a in S3BucketManager.spec.managed(desired) if not a.carried])
    recorder = RecordingProvider(Rendezvous(memory, width=aspect_reads))
    plan = S3BucketManager(provider=recorder).plan(desired)
    assert not plan.changed
    assert recorder.inner.peak == aspect_reads  # type: ignore[attr-defined]
    # ... and the calls are exactly as budgeted: one existence read, then one read per aspect.
    assert [c.operation for c in recorder.calls] == ["read_existence"] + ["read_aspect"] * aspect_reads
    assert sorted(str(c.aspect) for c in recorder.calls[1:]) == sorted(
        a.name for a in S3BucketManager.spec.managed(desired))


def test_a_provider_without_latency_reads_one_after_another(memory: InMemoryProvider) -> None:
    assert memory.parallel_reads == 1 and RecordingProvider(memory).parallel_reads == 1
    seen: list[str] = []

    class Threads(WrappingProvider):
        def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
            seen.append(threading.current_thread().name)
            return proceed()

    S3BucketManager(provider=Threads(memory)).plan(everything("sequential-bucket", REGION))
    assert set(seen) == {threading.current_thread().name}


def test_settling_waits_are_logged_with_what_is_awaited_and_for_how_long() -> None:
    lagging = InMemoryProvider(consistency=EventualConsistency(stale_reads=2))
    clock = FakeClock()
    manager = S3BucketManager(provider=lagging, clock=clock)
    manager.apply(S3BucketDesired(name="slow-bucket", region=REGION))
    with capture_logs() as logs:
        manager.apply(S3BucketDesired(name="slow-bucket", region=REGION, versioning=True))
    waits = [entry for entry in logs if entry["event"] == "settle.waiting"]
    assert [w["aspect"] for w in waits] == ["versioning", "versioning"]
    assert waits[0]["waited_s"] == 0 and waits[1]["waited_s"] == pytest.approx(clock.slept[0])
    assert all(w["kind"] == "s3_bucket" and w["name"] == "slow-bucket" and w["delay_s"] > 0 for w in waits)


def test_the_library_prints_nothing_below_warning_and_nothing_on_stdout_when_logging_is_not_configured() -> None:
    code = (
        "from awsstate import InMemoryProvider, S3BucketDesired, S3BucketManager\n"
        "m = S3BucketManager(provider=InMemoryProvider())\n"
        "m.apply(S3BucketDesired(name='quiet-bucket', versioning=True))\n"
        "m.plan(S3BucketDesired(name='quiet-bucket', versioning=True))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "" and done.stderr == ""


def test_with_stdlib_logging_configured_every_event_is_there_with_its_fields() -> None:
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(name)s %(message)s')\n"
        "from awsstate import InMemoryProvider, S3BucketDesired, S3BucketManager\n"
        "S3BucketManager(provider=InMemoryProvider()).apply(S3BucketDesired(name='loud-bucket', versioning=True))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "awsstate.plan plan.computed" in out and "awsstate.apply action.applied" in out
    assert "name='loud-bucket'" in out and "aspect='versioning'" in out


def test_a_wrapper_is_one_hook_and_forwards_everything_else(memory: InMemoryProvider) -> None:
    seen: list[str] = []

    class Spy(WrappingProvider):
        def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
            seen.append(f"{call.access} {call}")
            return proceed()

    spy = Spy(memory)
    assert spy.default_region == memory.default_region and spy.parallel_reads == memory.parallel_reads
    manager = S3BucketManager(provider=spy)
    manager.apply(S3BucketDesired(name="spied-bucket", region=REGION, versioning=True))
    manager.delete("spied-bucket", REGION)
    assert seen == [
        "read read_existence s3_bucket spied-bucket", "write create s3_bucket spied-bucket",
        "write write_aspect versioning s3_bucket spied-bucket", "read read_existence s3_bucket spied-bucket",
        "read read_aspect versioning s3_bucket spied-bucket",
        # delete: plan_delete reads existence, apply(plan) re-reads it (a stale plan is refused), settle waits
        "read read_existence s3_bucket spied-bucket", "read read_existence s3_bucket spied-bucket",
        "write delete s3_bucket spied-bucket", "read read_existence s3_bucket spied-bucket",
    ]
