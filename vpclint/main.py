"""The console entry point: kept free of imports so that `vpclint --version` starts at once."""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def main() -> None:
    # pre-commit and CI probe the tool with --version; answer before importing click.
    if sys.argv[1:] == ["--version"]:
        from vpclint import __version__

        print(f"vpclint {__version__}")
        return
    # Start-up creates tens of thousands of objects that live to the end (modules, classes,
    # functions): at the default threshold (700) the collector runs some 50 times over them.
    gc.set_threshold(50_000, 20, 20)
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        _say("vpclint: error: standard output is closed")
        _exit_now(2)
    from vpclint.cli import cli

    try:
        cli(prog_name="vpclint")
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code: object) -> None:
    """Exit without tearing the interpreter down: unloading some 200 modules takes longer than
    linting a template, and pre-commit waits for it on every commit. Everything vpclint writes
    is flushed here; files it writes are closed by then."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"), as Python prints it
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, AttributeError):
        pass  # a reader that left early (`| head`), a closed stream: nothing more to say
    except OSError as error:  # a full disk (`> /dev/full`), an I/O error
        _say(f"vpclint: error: cannot write to standard output: {error.strerror or error}")
        status = 2
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


def _say(line: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
