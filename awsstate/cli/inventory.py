"""``awsstate list`` and ``awsstate export``: what already exists, as names, JSON, or a spec file.

``export`` writes a spec file that plans empty against what it was read from (ARNs between the
exported resources become references), so adopting existing resources is: export, review,
commit, then ``plan`` / ``apply`` as usual.
"""

from __future__ import annotations

import json
from typing import Any

import click

from awsstate.cli.context import EXIT_OK, PARALLELISM, Context, pass_context, run_command
from awsstate.cli.specfile import SpecError, dump_spec
from awsstate.kinds import KINDS, manager_class
from awsstate.stack import OWNER_TAG, Stack

__all__ = ["export_command", "list_command"]


def _tags(values: tuple[str, ...]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for value in values:
        key, sep, tag_value = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r}: write a tag as key=value", param_hint="--tag")
        tags[key] = tag_value
    return tags


TAG = click.option("--tag", "tag_values", multiple=True, metavar="KEY=VALUE",
                   help="only resources with this tag (repeatable: all must match)")
REGION = click.option("--region", "region", help="the region to look in (default: the provider's)")


@click.command("list")
@click.argument("kind", type=click.Choice(list(KINDS)))
@REGION
@TAG
@click.option("--prefix", help="only names that start with this")
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout")
@click.option("--details", is_flag=True, help="read each resource in full (one read per setting) and its links")
@pass_context
def list_command(context: Context, kind: str, region: str | None, tag_values: tuple[str, ...], prefix: str | None,
                 as_json: bool, details: bool) -> None:
    """List the existing resources of KIND (one paginated listing; --details reads each one)."""

    def run() -> int:
        manager = manager_class(kind)(context.make_provider(region))
        where = region or context.region
        tags = _tags(tag_values)
        if not details:
            names = manager.names(where, prefix=prefix, tags=tags or None)
            if as_json:
                context.streams.out.file.write(json.dumps([{"kind": kind, "name": n} for n in names], indent=2) + "\n")
            else:
                for name in names:
                    context.streams.out.file.write(name + "\n")
            return EXIT_OK
        rows: list[dict[str, Any]] = []
        for observed in manager.list(where, prefix=prefix, tags=tags or None):
            links = [{"via": link.via, "kind": link.kind, "name": link.name, "region": link.region}
                     for link in observed.links()]
            rows.append({"kind": kind, **observed.model_dump(mode="json", exclude_none=True), "links": links})
            if not as_json:
                context.streams.out.print(repr(observed))
                for link in observed.links():
                    context.streams.out.print(f"  {link}")
        if as_json:
            context.streams.out.file.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK

    run_command(context, run)


@click.command("export")
@click.argument("kind", required=False, type=click.Choice(list(KINDS)))
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="every resource (of KIND, or of every kind)")
@REGION
@TAG
@click.option("--stack", "stack_name", help="the exported stack's name (default: the awsstate:stack tag "
                                            "given with --tag, else 'exported')")
@PARALLELISM
@pass_context
def export_command(context: Context, kind: str | None, names: tuple[str, ...], everything: bool, region: str | None,
                   tag_values: tuple[str, ...], stack_name: str | None, parallelism: int) -> None:
    """Write a spec file (YAML, on stdout) of existing resources: KIND NAME... or --all [--tag k=v].

    The file plans empty against what it was read from. Secret values are not exported.
    """
    if everything == bool(names):
        raise click.UsageError("name the resources (KIND NAME...) or pass --all, one of them")
    if names and kind is None:
        raise click.UsageError("KIND comes before the names")

    def run() -> int:
        tags = _tags(tag_values)
        name = stack_name or tags.get(OWNER_TAG) or "exported"
        provider = context.make_provider(region)
        where = region or context.region
        chosen = [(str(kind), n) for n in names] if names else None
        stack = Stack.export(name, chosen, provider=provider, kinds=[kind] if kind else None, tags=tags or None,
                             region=where, parallelism=parallelism)
        if not stack.resources:
            raise SpecError("nothing to export: no resource matched")
        header = (f"# exported by `awsstate export` from {len(stack.resources)} existing resource(s);\n"
                  "# `awsstate plan -f <this file>` shows no changes. Secret values are not exported.\n")
        context.streams.out.file.write(dump_spec(name, list(stack.resources), header=header))
        context.streams.message(f"exported {len(stack.resources)} resource(s) as stack {name}")
        return EXIT_OK

    run_command(context, run)
