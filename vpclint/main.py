"""The console entry point: kept free of imports so that `vpclint --version` starts at once."""

from __future__ import annotations

import sys


def main() -> None:
    # pre-commit and CI probe the tool with --version; answer before importing click.
    if sys.argv[1:] == ["--version"]:
        from vpclint import __version__

        print(f"vpclint {__version__}")
        return
    from vpclint.cli import cli

    cli(prog_name="vpclint")
