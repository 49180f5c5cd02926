"""The README's in-memory examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(marker: str) -> str:
    """The python block that follows ``<!-- example:<marker> ... -->`` in the README."""
    match = re.search(rf"<!-- example:{marker}[ -].*?-->\s*```python\n(.*?)```", README.read_text(), re.S)
    assert match, f"README has no example block marked {marker!r}"
    return match.group(1)


@pytest.mark.parametrize("marker", ["sqs", "sns", "iam", "logs", "dynamodb", "ssm", "secrets", "kms", "ecr"])
def test_readme_example_runs_on_the_in_memory_provider(marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_block(marker), f"README.md:{marker}", "exec"), {})
    assert "change(s)" in capsys.readouterr().out, "the example prints its plan"


def test_readme_failure_injection_example_builds_working_providers() -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("failures"), "README.md:failures", "exec"), namespace)
    from awsstate import FaultInjectingProvider, InMemoryProvider

    assert isinstance(namespace["faulty"], FaultInjectingProvider)
    assert isinstance(namespace["lagging"], InMemoryProvider)


def test_readme_export_example_plans_empty(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("export"), "README.md:export", "exec"), namespace)
    assert "jobs (eu-west-1): no changes" in capsys.readouterr().out
    assert namespace["exported"].visibility_timeout_seconds == 120  # type: ignore[attr-defined]


def test_readme_stack_example_applies_in_dependency_order(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("stack"), "README.md:stack", "exec"), namespace)
    out = capsys.readouterr().out
    assert "stack orders:" in out and "arn:aws:sqs:eu-west-1:123456789012:orders-q" in out
    plan = namespace["plan"]
    assert plan.order.index("sqs_queue.orders-q") < plan.order.index("sns_topic.orders")  # type: ignore[attr-defined]


def test_readme_inventory_example_lists_links_and_exports(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("inventory"), "README.md:inventory", "exec"), namespace)
    out = capsys.readouterr().out
    assert "redrive_policy.dead_letter_target_arn -> sqs_queue jobs-dlq (eu-west-1) -> " \
           "arn:aws:sqs:eu-west-1:123456789012:jobs-dlq" in out
    assert out.rstrip().endswith("${sqs_queue.jobs-dlq.arn}")
