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
