"""The `vpclint` command: check, reach, show, rules and explain, one module each."""

from __future__ import annotations

import click

from vpclint import __version__
from vpclint.cli.check import check
from vpclint.cli.reach import reach
from vpclint.cli.rules import explain, rules_command
from vpclint.cli.show import show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint the network an AWS CloudFormation template builds."""


for command in (check, reach, show, rules_command, explain):
    cli.add_command(command)
