"""The command's contract: exit codes, saved plans, confirmation, output formats, schema, kinds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import yaml

from awsstate import StackPlan
from tests.cli.conftest import EXAMPLE, REGION, Run

ANSI = re.compile(r"\x1b\[")


def test_plan_apply_drift_follow_the_exit_code_contract(run: Run) -> None:
    planned = run("plan", "-f", str(EXAMPLE), "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "stack orders: " in planned.stdout and "+ sqs_queue orders-q: create in eu-west-1" in planned.stdout
    assert run.recorder.writes == [], "plan writes nothing"
    assert run("plan", "-f", str(EXAMPLE)).exit_code == 0, "without --detailed-exitcode changes are success"
    applied = run("apply", "-f", str(EXAMPLE), "--yes")
    assert applied.exit_code == 0, applied.output
    assert "stack orders: 5 done, 0 unchanged, 0 failed, 0 skipped" in applied.stdout
    assert "[5/5] apply " in applied.stderr, "progress goes to stderr, one line per resource"
    assert run("drift", "-f", str(EXAMPLE)).exit_code == 0
    assert run("plan", "-f", str(EXAMPLE), "--detailed-exitcode").exit_code == 0
    again = run("apply", "-f", str(EXAMPLE), "--yes")
    assert again.exit_code == 0 and "no changes" in again.stderr

    run.memory.world.set_aspect("sqs_queue", "orders-q", "visibility_timeout_seconds", 5, REGION)
    run.memory.world.set_aspect("s3_bucket", "orders-archive-example", "versioning", "Suspended", REGION)
    drifted = run("drift", "-f", str(EXAMPLE))
    assert drifted.exit_code == 2
    changes = [line.strip() for line in drifted.stdout.splitlines() if line.strip().startswith(("~", "+", "-"))]
    assert changes == ["~ sqs_queue orders-q: visibility_timeout_seconds: 5 -> 60",
                       '~ s3_bucket orders-archive-example: versioning: Suspended -> Enabled'], changes
    assert run("apply", "-f", str(EXAMPLE), "--yes").exit_code == 0
    assert run("drift", "-f", str(EXAMPLE)).exit_code == 0


def test_apply_asks_on_a_terminal_and_refuses_without_one(run: Run) -> None:
    refused = run("apply", "-f", str(EXAMPLE))
    assert refused.exit_code == 1
    assert "pass --yes" in refused.stderr
    assert run.recorder.writes == []


def test_a_saved_plan_is_applied_as_it_is_and_refused_when_stale(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "-f", str(EXAMPLE), "--out", str(saved)).exit_code == 0
    shown = run("show", str(saved), "--json")
    assert StackPlan.model_validate_json(shown.stdout) == StackPlan.model_validate_json(saved.read_text())
    assert run("apply", str(saved), "--yes").exit_code == 0
    assert run("drift", "-f", str(EXAMPLE)).exit_code == 0

    run.memory.world.set_aspect("sqs_queue", "orders-q", "visibility_timeout_seconds", 5, REGION)
    assert run("plan", "-f", str(EXAMPLE), "--out", str(saved)).exit_code == 0
    run.memory.world.set_aspect("sqs_queue", "orders-q", "visibility_timeout_seconds", 7, REGION)
    writes = len(run.recorder.writes)
    stale = run("apply", str(saved), "--yes")
    assert stale.exit_code == 1
    assert "failed  sqs_queue.orders-q" in stale.stdout and "plan again" in stale.stdout.lower()
    assert len(run.recorder.writes) == writes, "a stale plan writes nothing"


def test_a_file_that_is_not_a_plan_is_refused(run: Run, tmp_path: Path) -> None:
    bogus = tmp_path / "plan.json"
    bogus.write_text('{"hello": 1}')
    result = run("show", str(bogus))
    assert result.exit_code == 1 and "not a saved stack plan" in result.stderr


def test_json_output_is_the_library_plan_and_nothing_else(run: Run) -> None:
    result = run("plan", "-f", str(EXAMPLE), "--json")
    plan = StackPlan.model_validate_json(result.stdout)
    assert plan.stack == "orders" and len(plan.order) == 5 and plan.changed
    assert not ANSI.search(result.stdout)


def test_markdown_is_a_review_comment(run: Run) -> None:
    result = run("plan", "-f", str(EXAMPLE), "--format", "markdown")
    text = result.stdout
    assert text.startswith("### awsstate plan: stack `orders`")
    assert "| `sqs_queue.orders-q` | create | 1 |" in text
    assert "<details><summary><code>sns_topic.orders</code>: 2 change(s)</summary>" in text


def test_secrets_are_masked_in_every_format(run: Run, spec_file: Callable[[str], Path]) -> None:
    secret = "hunter2-do-not-print"
    path = spec_file(f"""stack: hooks
resources:
  - kind: sns_topic
    name: hooks
    region: {REGION}
    subscriptions:
      - protocol: https
        endpoint: https://robot:{secret}@hooks.example.com/in
""")
    for args in (["plan"], ["plan", "--json"], ["plan", "--format", "markdown"], ["drift"]):
        result = run(*args, "-f", str(path))
        assert secret not in result.output, args
        assert "hooks.example.com" in result.stdout, args
    applied = run("-v", "apply", "-f", str(path), "--yes")
    assert applied.exit_code == 0 and secret not in applied.output


def test_schema_describes_every_kind_and_accepts_the_example(run: Run) -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    example = yaml.safe_load(EXAMPLE.read_text())
    jsonschema.validate(example, schema)
    kinds = json.loads(run("kinds", "--json").stdout)
    assert {f"kind_{row['kind']}" for row in kinds} <= set(schema["$defs"])
    bad = {**example, "resources": [{"kind": "sqs_queue", "name": "q", "visibility_timeout": 3}]}
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the schema accepted an unknown field")
    single = json.loads(run("schema", "sqs_queue").stdout)
    assert single["properties"]["kind"] == {"const": "sqs_queue", "description": "the resource kind: sqs_queue"}


def test_kinds_lists_every_kind(run: Run) -> None:
    from awsstate.kinds import KINDS

    listed = run("kinds").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [*KINDS, "s3_object", "s3_sync"]


def test_stdout_stays_clean_when_the_process_configured_structlog(run: Run) -> None:
    from structlog.testing import capture_logs

    with capture_logs():  # leaves structlog configured, printing to stdout, as an application might
        pass
    result = run("-v", "plan", "-f", str(EXAMPLE), "--json")
    assert StackPlan.model_validate_json(result.stdout).stack == "orders"
    assert "info: stack.planned" in result.stderr


def test_settle_waits_are_shown_while_applying() -> None:
    from awsstate import EventualConsistency, InMemoryProvider, RecordingProvider
    from tests.cli.conftest import Run

    lagging = InMemoryProvider(region=REGION, consistency=EventualConsistency(stale_reads=2))
    result = Run(lagging, RecordingProvider(lagging))("apply", "-f", str(EXAMPLE), "--yes")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"^sns_topic\.orders: waiting for subscriptions to settle \(\d+\.\ds so far\)$",
                     result.stderr, re.M), result.stderr
