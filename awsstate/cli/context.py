"""What every command of ``awsstate`` shares: the context, the exit-code contract, the runner."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from awsstate.cli.console import ProgressDisplay, Streams, log_to_stderr
from awsstate.cli.specfile import Spec, located
from awsstate.errors import AwsStateError, StackError
from awsstate.log import stdlib_only
from awsstate.providers.base import Provider
from awsstate.stack import Stack

__all__ = ["EXIT_CHANGES", "EXIT_ERROR", "EXIT_OK", "PARALLELISM", "SPEC", "Command", "Context", "pass_context",
           "run_command"]

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2
"""Nothing to do or converged; any error (bad usage too); changes (``--detailed-exitcode``, ``drift``)."""


@dataclass
class Context:
    """What every command shares: how to reach AWS and where to write.

    ``provider`` replaces the AWS provider (tests pass an in-memory or recording one).
    """

    provider: Provider | None = None
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    color: bool = True
    verbose: int = 0
    _streams: Streams | None = field(default=None, repr=False)

    @property
    def streams(self) -> Streams:
        """stdout and stderr as they are when first used (so a test runner's capture is honoured)."""
        if self._streams is None:
            self._streams = Streams(color=self.color)
        return self._streams

    def make_provider(self, region: str | None = None) -> Provider:
        """The provider commands use: the injected one, else AWS with the global options."""
        if self.provider is not None:
            return self.provider
        from awsstate.providers.aws import AwsProvider

        return AwsProvider(profile=self.profile, region=self.region or region, endpoint_url=self.endpoint_url)

    def stack(self, spec: Spec, parallelism: int, display: ProgressDisplay | None = None) -> Stack:
        """The spec's stack on this context's provider (validated offline first: no call for bad input)."""
        stack = Stack(spec.stack, spec.members, provider=self.make_provider(spec.region), parallelism=parallelism,
                      on_event=display.event if display is not None else None)
        try:
            stack.validate()
        except StackError as error:
            raise located(spec, error) from None
        return stack


class Command(click.Group):
    """Maps every failure to exit code 1 (click's own usage errors would exit 2, which means changes)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Run the command; exit with its code (return it when ``standalone_mode`` is false)."""
        try:
            code = super().main(args=args, prog_name=prog_name or "awsstate", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click.exceptions.Exit as done:
            code = done.exit_code
        except click.ClickException as error:
            error.show()
            code = EXIT_ERROR
        except click.Abort:
            click.echo("aborted", err=True)
            code = EXIT_ERROR
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else EXIT_OK)


def _fail(streams: Streams, error: BaseException) -> NoReturn:
    streams.error(str(error))
    raise click.exceptions.Exit(EXIT_ERROR)


def run_command(context: Context, work: Callable[[], int], display: ProgressDisplay | None = None) -> NoReturn:
    """Run a command's work and exit with its code; awsstate's errors become a message and exit 1."""
    handler = log_to_stderr(context.streams, display, context.verbose)
    logger = logging.getLogger("awsstate")
    level = logger.level
    try:
        with stdlib_only():  # the command shows the events itself, on stderr
            code = work()
    except (AwsStateError, ValidationError, OSError) as error:
        _fail(context.streams, error)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    raise click.exceptions.Exit(code)


pass_context = click.make_pass_decorator(Context, ensure=True)
SPEC = click.option("-f", "--file", "spec_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="the stack's spec file (YAML)")
PARALLELISM = click.option("--parallelism", default=10, show_default=True, type=click.IntRange(1, 1000),
                           help="how many resources are read or written at once")
