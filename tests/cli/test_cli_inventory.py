"""``awsstate list`` and ``awsstate export``."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.conftest import EXAMPLE, Run


def test_list_prints_names_and_json(run: Run) -> None:
    assert run("apply", "-f", str(EXAMPLE), "--yes").exit_code == 0
    assert run("list", "sqs_queue").stdout.splitlines() == ["orders-dlq", "orders-q"]
    assert run("list", "sqs_queue", "--prefix", "orders-d").stdout.splitlines() == ["orders-dlq"]
    assert run("list", "s3_bucket", "--tag", "team=orders").stdout.splitlines() == ["orders-archive-example"]
    assert run("list", "s3_bucket", "--tag", "team=other").stdout == ""
    rows = json.loads(run("list", "sns_topic", "--json").stdout)
    assert rows == [{"kind": "sns_topic", "name": "orders"}]
    detailed = json.loads(run("list", "sqs_queue", "--prefix", "orders-q", "--details", "--json").stdout)
    assert detailed[0]["name"] == "orders-q" and detailed[0]["visibility_timeout_seconds"] == 60
    assert {"via": "redrive_policy.dead_letter_target_arn", "kind": "sqs_queue", "name": "orders-dlq",
            "region": "eu-west-1"} in detailed[0]["links"]
    assert "redrive_policy.dead_letter_target_arn -> sqs_queue orders-dlq" in run(
        "list", "sqs_queue", "--prefix", "orders-q", "--details").stdout


def test_export_writes_a_spec_file_that_plans_empty(run: Run, tmp_path: Path) -> None:
    assert run("apply", "-f", str(EXAMPLE), "--yes").exit_code == 0
    exported = run("export", "--all", "--tag", "awsstate:stack=orders")
    assert exported.exit_code == 0, exported.stderr
    assert "exported 5 resource(s) as stack orders" in exported.stderr
    document = yaml.safe_load(exported.stdout)
    assert document["stack"] == "orders" and document["defaults"] == {"region": "eu-west-1"}
    queue = next(r for r in document["resources"] if r["name"] == "orders-q")
    assert queue["redrive_policy"]["dead_letter_target_arn"] == "${sqs_queue.orders-dlq.arn}"
    path = tmp_path / "exported.yaml"
    path.write_text(exported.stdout)
    writes = len(run.recorder.writes)
    assert run("plan", "-f", str(path), "--detailed-exitcode").exit_code == 0
    assert len(run.recorder.writes) == writes


def test_export_named_resources(run: Run) -> None:
    assert run("apply", "-f", str(EXAMPLE), "--yes").exit_code == 0
    exported = run("export", "sqs_queue", "orders-q", "orders-dlq", "--stack", "queues")
    document = yaml.safe_load(exported.stdout)
    assert document["stack"] == "queues" and [r["name"] for r in document["resources"]] == ["orders-q",
                                                                                              "orders-dlq"]
    missing = run("export", "sqs_queue", "nope")
    assert missing.exit_code == 1 and "no such resource" in missing.stderr


def test_export_usage_errors_exit_1(run: Run) -> None:
    assert run("export").exit_code == 1
    assert run("export", "sqs_queue", "a", "--all").exit_code == 1
    bad = run("export", "--all", "--tag", "novalue")
    assert bad.exit_code == 1 and "key=value" in bad.stderr
    nothing = run("export", "--all", "--tag", "team=nobody")
    assert nothing.exit_code == 1 and "nothing to export" in nothing.stderr
