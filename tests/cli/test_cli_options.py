"""Options of the command the other CLI suites leave out: ``plan --prune``, ``apply --parallelism``,
``apply --allow-replace``, ``show PLAN --format markdown`` and ``list KIND --region``."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result

from awsstate import InMemoryProvider, LogsLogGroupManager, SsmParameterManager, StackPlan
from awsstate.cli.app import Context, cli
from awsstate.providers.base import ProviderCall, WrappingProvider
from tests.cli.conftest import REGION, Run

T = TypeVar("T")
HEAD = f"stack: shop\ndefaults:\n  region: {REGION}\nresources:\n"


def _queues(*names: str) -> str:
    return HEAD + "".join(f"  - kind: sqs_queue\n    name: {name}\n" for name in names)


# -- plan --prune ---------------------------------------------------------------------------------


def test_a_resource_removed_from_the_file_is_deleted_only_with_prune(run: Run,
                                                                     spec_file: Callable[..., Path]) -> None:
    both = spec_file(_queues("keep-q", "gone-q"), "both.yaml")
    assert run("apply", "-f", str(both), "--yes").exit_code == 0
    other = spec_file(_queues("keep-q", "gone-q").replace("stack: shop", "stack: other").replace(
        "keep-q", "theirs-q").replace("gone-q", "theirs-2-q"), "other.yaml")
    assert run("apply", "-f", str(other), "--yes").exit_code == 0
    one = spec_file(_queues("keep-q"), "one.yaml")

    run.recorder.clear()
    without = run("plan", "-f", str(one), "--detailed-exitcode")
    assert without.exit_code == 0, without.output
    assert "gone-q" not in without.stdout, "without --prune a removed resource is left alone"

    pruned = run("plan", "-f", str(one), "--detailed-exitcode", "--prune")
    assert pruned.exit_code == 2, pruned.output
    assert "sqs_queue gone-q (eu-west-1): 1 change(s) (pruned: no longer in the stack)" in pruned.stdout
    assert "  - sqs_queue gone-q: delete" in pruned.stdout
    assert "theirs" not in pruned.stdout, "another stack's resources are never pruned"
    plan = StackPlan.model_validate_json(run("plan", "-f", str(one), "--prune", "--json").stdout)
    assert plan.pruned == ("sqs_queue.gone-q",) and plan.deletes() == ["sqs_queue.gone-q"]
    assert run.recorder.writes == [], "planning deletes nothing"

    assert run("apply", "-f", str(one), "--yes").exit_code == 0
    assert run.memory.world.find("sqs_queue", "gone-q", REGION) is not None, "apply without --prune keeps it"
    applied = run("apply", "-f", str(one), "--yes", "--prune")
    assert applied.exit_code == 0, applied.output
    assert "delete sqs_queue.gone-q: done" in applied.stderr
    assert run("list", "sqs_queue").stdout.splitlines() == ["keep-q", "theirs-2-q", "theirs-q"]
    assert run("plan", "-f", str(one), "--detailed-exitcode", "--prune").exit_code == 0


# -- apply --parallelism --------------------------------------------------------------------------


class Overlap(WrappingProvider):
    """Measures how many resources have a call in flight at once (each call held for a moment)."""

    def __init__(self, inner: InMemoryProvider) -> None:
        super().__init__(inner)
        self._lock = threading.Lock()
        self._in_flight: dict[tuple[str, str], int] = {}
        self.most = 0

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        key = (call.kind, call.name)
        with self._lock:
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            self.most = max(self.most, len(self._in_flight))
        try:
            time.sleep(0.02)
            return proceed()
        finally:
            with self._lock:
                self._in_flight[key] -= 1
                if not self._in_flight[key]:
                    del self._in_flight[key]


@pytest.mark.parametrize("parallelism", [1, 3])
def test_parallelism_bounds_the_resources_in_flight_and_converges(parallelism: int,
                                                                  spec_file: Callable[..., Path]) -> None:
    path = spec_file(_queues(*(f"q{i}" for i in range(6))))
    overlap = Overlap(InMemoryProvider(region=REGION))

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), obj=Context(provider=overlap))

    applied = invoke("apply", "-f", str(path), "--yes", "--parallelism", str(parallelism))
    assert applied.exit_code == 0, applied.output
    assert "stack shop: 6 done, 0 unchanged, 0 failed, 0 skipped" in applied.stdout
    if parallelism == 1:
        assert overlap.most == 1, "one resource at a time"
    else:
        assert 1 < overlap.most <= parallelism, overlap.most
    assert invoke("drift", "-f", str(path), "--parallelism", str(parallelism)).exit_code == 0


@pytest.mark.parametrize("value", ["0", "-1", "1001", "many"])
@pytest.mark.parametrize("command", ["plan", "apply", "drift"])
def test_a_bad_parallelism_is_exit_1_with_a_clear_message(run: Run, command: str, value: str) -> None:
    from tests.cli.conftest import EXAMPLE

    args = [command, "-f", str(EXAMPLE), "--parallelism", value] + (["--yes"] if command == "apply" else [])
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "Invalid value for '--parallelism'" in result.stderr
    assert ("1<=x<=1000" in result.stderr) or ("not a valid integer" in result.stderr), result.stderr
    assert run.recorder.calls == [], "refused before any call"


# -- apply --allow-replace ------------------------------------------------------------------------


PARAMETER = HEAD + "  - kind: ssm_parameter\n    name: /shop/mode\n    type: {type}\n    value: blue\n"


def _parameter_type(run: Run) -> object:
    parameter = SsmParameterManager(run.memory).get("/shop/mode", REGION)
    assert parameter is not None
    return parameter.type


def test_a_create_only_change_is_refused_without_allow_replace_and_replaces_with_it(
        run: Run, spec_file: Callable[..., Path]) -> None:
    assert run("apply", "-f", str(spec_file(PARAMETER.format(type="String"), "string.yaml")), "--yes").exit_code == 0
    changed = spec_file(PARAMETER.format(type="StringList"), "list.yaml")
    planned = run("plan", "-f", str(changed), "--detailed-exitcode")
    assert planned.exit_code == 2
    assert ("-/+ ssm_parameter /shop/mode: replace (type is fixed at creation: String -> StringList)"
            in planned.stdout), planned.stdout

    run.recorder.clear()
    refused = run("apply", "-f", str(changed), "--yes")
    assert refused.exit_code == 1, refused.output
    assert "failed  ssm_parameter./shop/mode" in refused.stdout and "needs a replacement" in refused.stdout
    assert run.recorder.writes == [], "nothing written without --allow-replace"
    assert _parameter_type(run) == "String"

    replaced = run("apply", "-f", str(changed), "--yes", "--allow-replace")
    assert replaced.exit_code == 0, replaced.output
    assert "stack shop: 1 done, 0 unchanged, 0 failed, 0 skipped" in replaced.stdout
    assert [(c.operation, c.name) for c in run.recorder.writes] == [("delete", "/shop/mode"),
                                                                    ("create", "/shop/mode")]
    assert _parameter_type(run) == "StringList"
    assert run("drift", "-f", str(changed)).exit_code == 0


LOG_GROUP = HEAD + "  - kind: logs_log_group\n    name: /shop/app\n    log_group_class: {cls}\n"


def test_a_saved_plan_with_a_replace_applies_only_with_allow_replace(run: Run,
                                                                     spec_file: Callable[..., Path]) -> None:
    assert run("apply", "-f", str(spec_file(LOG_GROUP.format(cls="STANDARD"), "standard.yaml")),
               "--yes").exit_code == 0
    changed = spec_file(LOG_GROUP.format(cls="INFREQUENT_ACCESS"), "infrequent.yaml")
    saved = changed.with_name("plan.json")
    assert run("plan", "-f", str(changed), "--out", str(saved)).exit_code == 0
    assert "-/+ logs_log_group /shop/app: replace" in run("show", str(saved)).stdout

    run.recorder.clear()
    refused = run("apply", str(saved), "--yes")
    assert refused.exit_code == 1 and "needs a replacement" in refused.stdout, refused.output
    assert run.recorder.writes == []

    applied = run("apply", str(saved), "--yes", "--allow-replace")
    assert applied.exit_code == 0, applied.output
    assert [c.operation for c in run.recorder.writes] == ["delete", "create"]
    group = LogsLogGroupManager(run.memory).get("/shop/app", REGION)
    assert group is not None and group.log_group_class == "INFREQUENT_ACCESS"
    assert run("drift", "-f", str(changed)).exit_code == 0


# -- show PLAN --format markdown ------------------------------------------------------------------


SECRET_VALUE, SECRET_PASSWORD = "hunter2-parameter-value", "hunter3-url-password"
SECRETS = HEAD + f"""  - kind: ssm_parameter
    name: /shop/token
    type: SecureString
    value: {SECRET_VALUE}
  - kind: sns_topic
    name: hooks
    subscriptions:
      - protocol: https
        endpoint: https://robot:{SECRET_PASSWORD}@hooks.example.com/in
"""


def test_show_renders_a_saved_plan_as_a_markdown_table_with_secrets_masked(
        run: Run, spec_file: Callable[..., Path]) -> None:
    path = spec_file(SECRETS)
    saved = path.with_name("plan.json")
    assert run("plan", "-f", str(path), "--out", str(saved)).exit_code == 0
    assert SECRET_VALUE not in saved.read_text() and SECRET_PASSWORD not in saved.read_text()

    shown = run("show", str(saved), "--format", "markdown")
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert text.startswith("### awsstate plan: stack `shop`\n")
    assert "**3 change(s)** in 2 of 2 resource(s): 2 create, 1 update." in text
    lines = text.splitlines()
    header = lines.index("| Resource | Action | Changes | Known after apply |")
    assert lines[header + 1: header + 4] == ["|---|---|---:|---|",
                                             "| `ssm_parameter./shop/token` | create | 1 |  |",
                                             "| `sns_topic.hooks` | create, update | 2 |  |"]
    assert "value = (sensitive)" in text and "https://robot:****@hooks.example.com/in" in text
    assert SECRET_VALUE not in shown.output and SECRET_PASSWORD not in shown.output
    assert "\x1b[" not in text
    assert text == run("plan", "-f", str(path), "--format", "markdown").stdout, "show renders as plan does"


def test_show_markdown_of_a_plan_with_nothing_to_do(run: Run, spec_file: Callable[..., Path]) -> None:
    path = spec_file(_queues("calm-q"))
    assert run("apply", "-f", str(path), "--yes").exit_code == 0
    saved = path.with_name("plan.json")
    assert run("plan", "-f", str(path), "--out", str(saved)).exit_code == 0
    shown = run("show", str(saved), "--format", "markdown").stdout
    assert shown == "### awsstate plan: stack `shop`\n\nNo changes. 1 resource(s) match the desired state.\n"


# -- list KIND --region R -------------------------------------------------------------------------


REGIONS = """stack: regions
resources:
  - kind: sqs_queue
    name: ohio-q
    region: us-east-2
  - kind: sqs_queue
    name: dublin-q
    region: eu-west-1
  - kind: sqs_queue
    name: oregon-q
    region: us-west-2
"""


def test_list_looks_in_the_region_given(run: Run, spec_file: Callable[..., Path]) -> None:
    assert run("apply", "-f", str(spec_file(REGIONS)), "--yes").exit_code == 0
    assert run("list", "sqs_queue").stdout.splitlines() == ["dublin-q"], "the provider's region by default"

    run.recorder.clear()
    listed = run("list", "sqs_queue", "--region", "us-east-2")
    assert listed.exit_code == 0 and listed.stdout.splitlines() == ["ohio-q"]
    assert {call.region for call in run.recorder.calls} == {"us-east-2"}, "only that region is read"
    assert run("--region", "us-west-2", "list", "sqs_queue").stdout.splitlines() == ["oregon-q"], \
        "the global --region works too"
    assert json.loads(run("list", "sqs_queue", "--region", "us-west-2", "--json").stdout) == [
        {"kind": "sqs_queue", "name": "oregon-q"}]
    (detailed,) = json.loads(run("list", "sqs_queue", "--region", "us-east-2", "--details", "--json").stdout)
    assert detailed["name"] == "ohio-q" and detailed["region"] == "us-east-2"
    assert detailed["arn"].startswith("arn:aws:sqs:us-east-2:")
    assert run("list", "sqs_queue", "--region", "ap-south-1").stdout == "", "nothing there"
