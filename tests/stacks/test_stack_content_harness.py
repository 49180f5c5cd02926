"""The proof harness over a stack with content: a bucket, two objects and a sync of a small tree.

Every call of a clean apply is failed in turn, in every fault mode (as tests/stacks/test_stack_harness.py
does for resources). After each: one more apply converges, the next plan is empty, the bucket was
created once, and every object was written once at the backend (twice only where the wire itself
sent a write again, ``drop_response``). Then the same stack through eventual consistency: a bucket
not visible at first, objects read stale.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from awsstate import (
    AwsStateError,
    EventualConsistency,
    FaultInjectingProvider,
    InMemoryProvider,
    RecordingProvider,
    S3BucketDesired,
    S3ObjectDesired,
    S3SyncDesired,
    SimulatedCrash,
    Stack,
    StackApplyError,
)
from awsstate.stack import AdaptiveLimiter, RateLimits
from awsstate.testing import FakeClock
from tests.harness_stats import STATS

REGION = "eu-west-1"
BUCKET = "harness-content"
MODES = [("throttled", "before"), ("server_error", "after"), ("crash", "before"), ("crash", "after"),
         ("drop_response", "after")]
FILES = {"index.html": b"<h1>home</h1>", "static/app.js": b"start()", "static/app.css": b"a{}",
         "static/img/logo.svg": b"<svg/>"}


def _members() -> list[Any]:
    site = S3BucketDesired(name=BUCKET, region=REGION, versioning=True, tags={"team": "web"})
    return [site,
            S3ObjectDesired(bucket=site.ref.name, key="index.html", text="<h1>home</h1>", metadata={"v": "1"}),
            S3ObjectDesired(bucket=site.ref.name, key="robots.txt", text="User-agent: *", tags={"public": "yes"}),
            S3SyncDesired(bucket=site.ref.name, prefix="static", delete=True,
                          source={k.removeprefix("static/"): v for k, v in FILES.items() if k.startswith("static/")})]


def _stack(provider: Any) -> Stack:
    return Stack("content-harness", _members(), provider=provider, parallelism=1, clock=FakeClock(),
                 rate_limits=RateLimits(lambda: AdaptiveLimiter(increase=100.0)))


def _calls() -> int:
    counter = FaultInjectingProvider(InMemoryProvider(region=REGION))
    _stack(counter).apply()
    return counter.calls


CALLS = _calls()


def _contents(memory: InMemoryProvider) -> dict[str, bytes]:
    return dict(memory.world.contents("s3_bucket", BUCKET).objects)


@pytest.mark.faults
@pytest.mark.parametrize(("error", "when", "n"), [
    pytest.param(error, when, n, id=f"{error}-{when}-call{n:02d}")
    for n in range(1, CALLS + 1) for error, when in MODES])
def test_after_a_fault_at_any_call_of_a_content_stack_apply_one_more_apply_converges(
        error: Any, when: Any, n: int) -> None:
    memory = InMemoryProvider(region=REGION)
    recorder = RecordingProvider(memory)
    faulty = FaultInjectingProvider(recorder, fail_on=n, error=error, when=when)
    try:
        _stack(faulty).apply()
    except SimulatedCrash:
        assert error == "crash"
    except StackApplyError as failure:
        assert error == "server_error" and failure.result.failed, str(failure)
    except AwsStateError as failure:  # a read of the apply's own plan failed: nothing was written
        assert error == "server_error" and faulty.injected[0].call.access == "read", repr(failure)
    else:
        assert error in ("throttled", "drop_response"), f"the fault at call {n} ({faulty.injected}) did not stop it"
    assert len(faulty.injected) == 1
    STATS.add("stack faults injected", "content")
    _stack(recorder).apply()
    assert not _stack(recorder).plan().changed
    assert _contents(memory) == {**FILES, "robots.txt": b"User-agent: *"}
    lost = faulty.injected[0].call
    creates = [c for c in recorder.calls if c.operation == "create"]
    assert len(creates) == 1 + (error == "drop_response" and lost.operation == "create"), creates
    writes = Counter(c.key for c in recorder.calls if c.operation == "write_object" and c.outcome == "ok")
    if error == "drop_response" and lost.operation == "write_object":
        writes[lost.key] -= 1
    assert writes == dict.fromkeys([*FILES, "robots.txt"], 1), f"an object written more than once: {writes}"
    assert not [c for c in recorder.calls if c.operation in ("delete", "delete_object")]


def test_a_content_stack_settles_through_eventual_consistency() -> None:
    lagging = InMemoryProvider(region=REGION, consistency=EventualConsistency(missing_after_create=2, stale_reads=2))
    recorder = RecordingProvider(lagging)
    result = _stack(recorder).apply()
    assert result.ok and len(result.done) == 4, str(result)
    assert [c.operation for c in recorder.calls].count("create") == 1
    assert _contents(lagging) == {**FILES, "robots.txt": b"User-agent: *"}
    assert not _stack(lagging).plan().changed
