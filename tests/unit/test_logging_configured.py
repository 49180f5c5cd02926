"""With structlog configured by the application, awsstate's events arrive there with their keys.

(tests/unit/test_engine_v2.py covers no configuration at all, and stdlib logging configured.)
This configures structlog the way an application would (its own processors and logger factory,
not ``structlog.testing.capture_logs``), then checks the events and that nothing reached stdout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from awsstate import InMemoryProvider, S3BucketDesired, S3BucketManager


@pytest.fixture
def application_structlog() -> Iterator[list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []

    def keep(logger: Any, method: str, event: dict[str, Any]) -> str:
        events.append({**event, "level": method})
        return ""

    structlog.configure(processors=[structlog.contextvars.merge_contextvars, keep],
                        logger_factory=structlog.ReturnLoggerFactory(), cache_logger_on_first_use=False)
    try:
        yield events
    finally:
        structlog.reset_defaults()


def test_events_reach_the_applications_structlog_with_their_fields_and_nothing_goes_to_stdout(
    application_structlog: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert structlog.is_configured()
    manager = S3BucketManager(provider=InMemoryProvider())
    manager.apply(S3BucketDesired(name="logged-bucket", region="eu-west-1", versioning=True))
    names = [event["event"] for event in application_structlog]
    assert "plan.computed" in names and "action.applied" in names
    planned = next(e for e in application_structlog if e["event"] == "plan.computed")
    assert planned["kind"] == "s3_bucket" and planned["name"] == "logged-bucket" and planned["level"] == "info"
    assert {"changed", "actions", "duration_ms", "region"} <= set(planned)
    applied = [e for e in application_structlog if e["event"] == "action.applied"]
    assert {e["aspect"] for e in applied} >= {None, "versioning"}
    assert capsys.readouterr().out == ""


def test_a_level_the_application_filters_out_is_dropped_before_masking_and_warnings_still_arrive_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    from awsstate import log as awsstate_log

    events: list[dict[str, Any]] = []
    structlog.configure(processors=[lambda logger, method, event: events.append(event) or ""],
                        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
                        logger_factory=structlog.ReturnLoggerFactory(), cache_logger_on_first_use=False)
    masked: list[object] = []
    real_scrub = awsstate_log.scrub
    monkeypatch.setattr(awsstate_log, "scrub", lambda fields: masked.append(fields) or real_scrub(fields))
    try:
        logger = awsstate_log.get_logger("awsstate.test")
        logger.info("plan.computed", url="https://user:secret@example.com/x")
        assert events == [] and masked == [], "a filtered-out info event costs no masking"
        logger.warning("action.failed", url="https://user:secret@example.com/x")
        assert [e["event"] for e in events] == ["action.failed"] and len(masked) == 1
        assert "secret" not in str(events[0]["url"])
    finally:
        structlog.reset_defaults()
