"""The `vpclint` command: check, reach, show, rules and explain, one module each.

A command's module is imported when that command runs (or help lists them all): `vpclint check`
on every commit does not pay for reach's or show's imports.
"""

from __future__ import annotations

import importlib

import click

from vpclint import __version__

# Command name -> (module, function) in vpclint.cli.
COMMANDS = {
    "check": ("check", "check"),
    "reach": ("reach", "reach"),
    "show": ("show", "show"),
    "scopes": ("scopes", "scopes"),
    "rules": ("rules", "rules_command"),
    "explain": ("rules", "explain"),
}


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, function = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"vpclint.cli.{module}"), function)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint the network an AWS CloudFormation template builds."""
