"""The ``awsstate`` command: a thin layer over :class:`~awsstate.stack.Stack` and the managers.

Exit codes, a contract: ``0`` nothing to do (or converged), ``2`` changes (``plan
--detailed-exitcode`` and ``drift``), ``1`` any error, including bad usage. Results go to stdout
(the plan, JSON, Markdown, YAML), everything else to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from pydantic import ValidationError

from awsstate.cli.console import ProgressDisplay
from awsstate.cli.context import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    PARALLELISM,
    SPEC,
    Command,
    Context,
    pass_context,
    run_command,
)
from awsstate.cli.inventory import export_command, list_command
from awsstate.cli.render import plan_markdown, plan_text, result_text
from awsstate.cli.schema import spec_schema
from awsstate.cli.specfile import SpecError, load_spec
from awsstate.errors import StackApplyError
from awsstate.kinds import KINDS, kind_spec
from awsstate.stack import Stack, StackPlan
from awsstate.stack.content import CONTENT_KINDS

__all__ = ["Context", "cli", "main"]

@click.group(cls=Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="awsstate", prog_name="awsstate")
@click.option("--region", help="the AWS region (default: the spec's defaults.region, then boto3's)")
@click.option("--profile", help="the AWS profile to use")
@click.option("--endpoint-url", help="an endpoint for every service (a local emulator)")
@click.option("--no-color", is_flag=True, help="no colour, even on a terminal (NO_COLOR does the same)")
@click.option("-v", "--verbose", count=True, help="log the library's events to stderr (-vv: every API call)")
@click.pass_context
def cli(ctx: click.Context, region: str | None, profile: str | None, endpoint_url: str | None, no_color: bool,
        verbose: int) -> None:
    """Declarative desired state for AWS: plan and apply stacks of resources described in YAML."""
    context = ctx.ensure_object(Context)
    context.region = region or context.region
    context.profile = profile or context.profile
    context.endpoint_url = endpoint_url or context.endpoint_url
    context.verbose = verbose
    if no_color:
        context.color = False


@cli.command()
@SPEC
@pass_context
def validate(context: Context, spec_path: Path) -> None:
    """Check a spec file (schema, every model's validation, references) without any AWS call."""

    def run() -> int:
        spec = load_spec(spec_path)
        context.stack(spec, 1)
        context.streams.message(f"{spec_path}: valid, {len(spec.resources)} resource(s)"
                                f"{f' and {len(spec.content)} S3 object(s) and sync(s)' if spec.content else ''} "
                                f"in stack {spec.stack}",
                                style="green")
        return EXIT_OK

    run_command(context, run)


def _show(context: Context, plan: StackPlan, as_json: bool, fmt: str) -> None:
    if as_json:
        context.streams.out.file.write(plan.model_dump_json(indent=2) + "\n")
    elif fmt == "markdown":
        context.streams.out.file.write(plan_markdown(plan))
    else:
        context.streams.out.print(plan_text(plan))


FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
                      help="text, or a Markdown review comment (at most 65,536 characters)")
JSON = click.option("--json", "as_json", is_flag=True, help="the plan as JSON (the library's StackPlan)")


@cli.command()
@SPEC
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="save the plan (JSON) for apply")
@JSON
@FORMAT
@click.option("--detailed-exitcode", is_flag=True, help="exit 2 when there are changes, 0 when there are none")
@click.option("--prune", is_flag=True, help="also delete what the stack owns that is no longer in the file")
@PARALLELISM
@pass_context
def plan(context: Context, spec_path: Path, out: Path | None, as_json: bool, fmt: str, detailed_exitcode: bool,
         prune: bool, parallelism: int) -> None:
    """Show what apply would change (reads only what the file manages)."""

    def run() -> int:
        stack_plan = context.stack(load_spec(spec_path), parallelism).plan(prune=prune)
        if out is not None:
            out.write_text(stack_plan.model_dump_json(indent=2) + "\n")
            context.streams.message(f"plan saved to {out}: apply it with `awsstate apply {out}`")
        _show(context, stack_plan, as_json, fmt)
        return EXIT_CHANGES if detailed_exitcode and stack_plan.changed else EXIT_OK

    run_command(context, run)


@cli.command()
@SPEC
@JSON
@FORMAT
@PARALLELISM
@pass_context
def drift(context: Context, spec_path: Path, as_json: bool, fmt: str, parallelism: int) -> None:
    """Exit 2 and show the differences when AWS differs from the file, 0 when it matches."""

    def run() -> int:
        stack_plan = context.stack(load_spec(spec_path), parallelism).plan()
        _show(context, stack_plan, as_json, fmt)
        return EXIT_CHANGES if stack_plan.changed else EXIT_OK

    run_command(context, run)


def _load_plan(path: Path) -> StackPlan:
    try:
        return StackPlan.model_validate_json(path.read_text())
    except ValidationError as error:
        raise SpecError(f"{path}: not a saved stack plan ({error.error_count()} problem(s); "
                        f"first: {error.errors()[0]['msg']})") from None


@cli.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--file", "spec_path", type=click.Path(dir_okay=False, path_type=Path),
              help="the stack's spec file (YAML); or give a saved plan as SOURCE")
@click.option("--yes", is_flag=True, help="apply without asking (required when not on a terminal)")
@click.option("--allow-replace", is_flag=True, help="allow changes that replace a resource (delete and create)")
@click.option("--prune", is_flag=True, help="also delete what the stack owns that is no longer in the file")
@PARALLELISM
@pass_context
def apply(context: Context, source: Path | None, spec_path: Path | None, yes: bool, allow_replace: bool, prune: bool,
          parallelism: int) -> None:
    """Converge AWS to a spec file (-f stack.yaml), or apply a saved plan (plan.json) as it is."""
    if (source is None) == (spec_path is None):
        raise click.UsageError("give a spec file (-f stack.yaml) or a saved plan (plan.json), one of them")
    spec_file = spec_path or (source if source is not None and source.suffix in {".yaml", ".yml"} else None)
    if spec_file is None and prune:
        raise click.UsageError("--prune is for a spec file: a saved plan already holds the deletions it plans")
    streams = context.streams
    display = ProgressDisplay(streams)

    def run() -> int:
        if spec_file is not None:
            stack = context.stack(load_spec(spec_file), parallelism, display)
            stack_plan = stack.plan(prune=prune)
        else:
            assert source is not None
            stack_plan = _load_plan(source)
            stack = Stack.for_plan(stack_plan, provider=context.make_provider(), parallelism=parallelism,
                                   on_event=display.event)
        if not stack_plan.changed:
            streams.message(f"stack {stack_plan.stack}: no changes; AWS already matches", style="green")
            return EXIT_OK
        if not yes:
            _confirm(context, stack_plan)
        try:
            with display:  # the live rows are gone before the result is printed, on failure too
                result = stack.apply(stack_plan, allow_replace=allow_replace)
        except StackApplyError as error:
            streams.out.print(result_text(error.result))
            return EXIT_ERROR
        streams.out.print(result_text(result))
        return EXIT_OK

    run_command(context, run, display)


def _confirm(context: Context, stack_plan: StackPlan) -> None:
    streams = context.streams
    if not (streams.interactive and sys.stdin.isatty()):
        raise SpecError("not on a terminal, so nothing can confirm: pass --yes to apply without asking")
    streams.err.print(plan_text(stack_plan))
    answer = click.prompt(f"\nApply {stack_plan.changes} change(s) to stack {stack_plan.stack}? "
                          "Only 'yes' applies", default="", show_default=False, err=True)
    if answer.strip() != "yes":
        streams.message("nothing applied")
        raise click.exceptions.Exit(EXIT_ERROR)


@cli.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@JSON
@FORMAT
@pass_context
def show(context: Context, plan_path: Path, as_json: bool, fmt: str) -> None:
    """Show a saved plan (from `plan --out`)."""

    def run() -> int:
        _show(context, _load_plan(plan_path), as_json, fmt)
        return EXIT_OK

    run_command(context, run)


@cli.command()
@click.argument("kind", required=False, type=click.Choice(list(KINDS)))
@pass_context
def schema(context: Context, kind: str | None) -> None:
    """Print the JSON schema of spec files (or of one kind's resource entry), for editors."""
    context.streams.out.file.write(json.dumps(spec_schema(kind), indent=2) + "\n")


@cli.command()
@JSON
@pass_context
def kinds(context: Context, as_json: bool) -> None:
    """List the kinds a spec file can hold: the resource kinds, then S3 objects and syncs."""
    rows: list[dict[str, str]] = []
    for kind in KINDS:
        spec = kind_spec(kind)
        doc = (spec.desired_model.__doc__ or "").strip().splitlines()
        rows.append({"kind": kind, "service": spec.service, "regional": str(spec.regional).lower(),
                     "description": doc[0] if doc else ""})
    for kind, model in CONTENT_KINDS.items():
        doc = (model.__doc__ or "").strip().splitlines()
        rows.append({"kind": kind, "service": "s3", "regional": "true", "description": doc[0] if doc else ""})
    if as_json:
        context.streams.out.file.write(json.dumps(rows, indent=2) + "\n")
        return
    width = max(len(row["kind"]) for row in rows)
    for row in rows:
        context.streams.out.print(f"{row['kind']:<{width}}  {row['description']}")


cli.add_command(list_command)
cli.add_command(export_command)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script's entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="awsstate")
