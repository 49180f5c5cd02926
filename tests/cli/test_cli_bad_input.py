"""Bad spec files: each a clear error naming the file, the line and the field; exit 1; no AWS call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Run

GOOD_HEAD = "stack: shop\ndefaults:\n  region: eu-west-1\nresources:\n"

CASES = {
    "yaml syntax": (GOOD_HEAD + "  - kind: sqs_queue\n    name: [unclosed\n", 6, ["not valid YAML"]),
    "unknown kind": (GOOD_HEAD + "  - kind: sqs_queue\n    name: a\n  - kind: lambda_function\n    name: f\n", 7,
                     ["unknown kind 'lambda_function'", "kinds: s3_bucket"]),
    "unknown field": (GOOD_HEAD + "  - kind: sqs_queue\n    name: a\n    visibility_timeout: 30\n", 7,
                      ["sqs_queue 'a'", "visibility_timeout: Extra inputs",
                       "did you mean visibility_timeout_seconds?"]),
    "invalid value": (GOOD_HEAD + "  - kind: sqs_queue\n    name: a\n    visibility_timeout_seconds: 99999\n", 7,
                      ["visibility_timeout_seconds"]),
    "missing reference": (GOOD_HEAD + "  - kind: sns_topic\n    name: t\n    subscriptions:\n"
                          "      - protocol: sqs\n        endpoint: ${sqs_queue.nowhere.arn}\n", 9,
                          ["subscriptions.0.endpoint", "${sqs_queue.nowhere.arn}", "not a resource of this file"]),
    "duplicate": (GOOD_HEAD + "  - kind: sqs_queue\n    name: a\n  - kind: sqs_queue\n    name: a\n", 8,
                  ["sqs_queue 'a' is in the file twice"]),
    "unknown top-level key": ("stack: shop\nresource:\n  - kind: sqs_queue\n    name: a\n", 2,
                              ["unknown key 'resource'"]),
    "no resources": ("stack: shop\nresources: []\n", 2, ["resources:"]),
    "bad stack name": ("stack: 'no spaces'\nresources:\n  - kind: sqs_queue\n    name: a\n", None,
                       ["stack name 'no spaces'"]),
    "cycle": (GOOD_HEAD + "  - kind: sqs_queue\n    name: a\n    redrive_policy:\n"
              "      dead_letter_target_arn: ${sqs_queue.b.arn}\n"
              "  - kind: sqs_queue\n    name: b\n    redrive_policy:\n"
              "      dead_letter_target_arn: ${sqs_queue.a.arn}\n", 5, ["cycle of references"]),
}


@pytest.mark.parametrize("command", ["validate", "plan", "apply", "drift"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_clear_error_before_any_call(run: Run, spec_file: Callable[[str], Path], case: str,
                                                    command: str) -> None:
    text, line, fragments = CASES[case]
    path = spec_file(text)
    args = [command, "-f", str(path)] + (["--yes"] if command == "apply" else [])
    result = run(*args)
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert message.startswith("error: "), message
    where = f"{path}:{line}:" if line is not None else ""
    assert where in message, message
    for fragment in fragments:
        assert fragment in message, message
    assert run.recorder.calls == [], "no AWS call for bad input"
    assert result.stdout == ""


def test_a_missing_file_is_an_error_naming_it(run: Run, tmp_path: Path) -> None:
    result = run("plan", "-f", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "nope.yaml: cannot read the spec file" in result.stderr


def test_bad_usage_exits_1_not_2_which_means_changes(run: Run) -> None:
    assert run("plan").exit_code == 1  # -f missing
    assert run("frobnicate").exit_code == 1
    assert run("apply").exit_code == 1  # neither a spec nor a saved plan
    assert "give a spec file" in run("apply").stderr


def test_prune_with_a_saved_plan_is_refused(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    saved.write_text("{}")
    result = run("apply", str(saved), "--prune", "--yes")
    assert result.exit_code == 1 and "--prune is for a spec file" in result.stderr

