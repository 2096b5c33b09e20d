"""The `vpclint` command: check, reach, show, diff, rules and explain, one module each.

A command's module is imported when that command runs (or help lists them all): `vpclint check`
on every commit does not pay for reach's or show's imports.

Every command runs inside one guard (`_Commands.main`): a usage error is one line, a file that
cannot be written is one line, and an unexpected exception is one line naming it as an internal
error; all exit 2, never with a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from typing import Any, NoReturn

import click

from vpclint import __version__

# Command name -> (module, function) in vpclint.cli.
COMMANDS = {
    "check": ("check", "check"),
    "reach": ("reach", "reach"),
    "show": ("show", "show"),
    "diff": ("diff", "diff"),
    "scopes": ("scopes", "scopes"),
    "rules": ("rules", "rules_command"),
    "explain": ("rules", "explain"),
}
EXIT_ERROR, EXIT_INTERRUPTED = 2, 130


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, function = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"vpclint.cli.{module}"), function)
        return command

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        escape_unencodable(sys.stdout)
        escape_unencodable(sys.stderr)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as help_wanted:
            help_wanted.show()
            code = EXIT_ERROR
        except click.ClickException as error:
            fail(_usage_line(error))
        except (click.Abort, KeyboardInterrupt):
            fail("interrupted", EXIT_INTERRUPTED)
        except BrokenPipeError:  # the reader left early (`| head`): nothing more to say
            sys.exit(1)
        except OSError as error:
            fail(os_error_line(error))
        except RecursionError:
            fail("internal error: too deeply nested (please report this)")
        except MemoryError:
            fail("out of memory")
        except Exception as error:  # the class-level guard: never a traceback
            fail(_unexpected_line(error))
        sys.exit(code if isinstance(code, int) else 0)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print `vpclint: <message>` on one line on standard error and exit."""
    with contextlib.suppress(OSError, ValueError):  # no standard error: the exit code must do
        click.echo(f"vpclint: {one_line(message)}", err=True)
    sys.exit(code)


def one_line(text: str) -> str:
    return " ".join(str(text).split()) or "(no message)"


def _unexpected_line(error: Exception) -> str:
    """A configuration that cannot be used (a file, a key, a selector) is the user's error, named
    with its file and key; anything else is vpclint's."""
    from vpclint.config import ConfigError

    return f"error: {error}" if isinstance(error, ConfigError) else internal_error_line(error)


def internal_error_line(error: BaseException) -> str:
    return f"internal error: {type(error).__name__}: {one_line(str(error))} (please report this)"


def os_error_line(error: OSError) -> str:
    """An OSError as one line: the file it was about, and why."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is not None:
        return f"error: {error.filename}: {reason}"
    # click.echo flushes each line: an OSError without a file is a failed write (`> /dev/full`).
    return f"error: cannot write the output: {reason}"


def _usage_line(error: click.ClickException) -> str:
    """A usage error as one line; those about how the command is written point at --help."""
    message = error.format_message()
    context = getattr(error, "ctx", None)
    about_syntax = isinstance(
        error,
        (click.NoSuchOption, click.MissingParameter, click.BadOptionUsage, click.BadArgumentUsage),
    ) or message.startswith("No such command")
    if about_syntax and context is not None:
        return f"error: {message.rstrip('.')} (see '{context.command_path} --help')"
    return f"error: {message}"


def escape_unencodable(stream: object) -> None:
    """Characters the stream's encoding cannot hold (a lone surrogate in a logical ID, the
    undecodable byte of a file name) are written as backslash escapes, never an exception."""
    if isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(ValueError, io.UnsupportedOperation):  # closed or detached
            stream.reconfigure(errors="backslashreplace")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint the network an AWS CloudFormation template builds."""
