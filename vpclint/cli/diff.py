"""`vpclint diff`: what a change opens and closes in the network, and the findings it adds and
fixes."""

from __future__ import annotations

import os
import sys

import click

from vpclint.cli import fail
from vpclint.cli.options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    lint_options,
    resolve_config,
    template_options,
)

FAIL_ON = ("opened-from-internet", "opened", "any", "never")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--base",
    metavar="REF",
    help="Compare PATHS with their version at this git ref (a branch, tag or commit the local "
    "repository knows, such as origin/main), instead of OLD with NEW.",
)
@click.option(
    "--ports",
    metavar="LIST",
    help="The TCP ports to ask about, comma-separated [default: those the security groups, "
    "listeners and workloads name, and 443]. UDP: the ports the security groups admit.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown for a pull-request comment, with a Mermaid diagram of what changed.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="opened-from-internet",
    show_default=True,
    help="What makes the exit code 1: a path opened from the internet, any path opened, any "
    "change (paths or findings added), or nothing. An expectation the change breaks fails "
    "every choice but never.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Read this configuration file instead of searching for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@template_options
def diff(
    paths: tuple[str, ...],
    base: str | None,
    ports: str | None,
    output_format: str,
    fail_on: str,
    config_path: str | None,
    isolated: bool,
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    stack_name_pairs: tuple[str, ...],
    no_link: bool,
) -> None:
    """What changes between OLD and NEW (two files or two folders), or between PATHS and their
    version at --base REF: paths opened and closed between workloads, the internet and the AWS
    services they use, each with the route, rule, ACL entry or association that made the
    difference, and findings added and fixed.

    Exit codes: 0 nothing that --fail-on names, 1 something it names (or an expectation the
    change breaks), 2 error.
    """
    from vpclint.diff.changes import compare
    from vpclint.diff.versions import VersionError, from_git, load, temporary_folder
    from vpclint.engine import load_rules

    if base is None and len(paths) != 2:
        raise click.UsageError("give OLD and NEW, or --base REF and the paths to compare")
    config = resolve_config(config_path, isolated, {"region": region})
    rules = config.rules(load_rules())
    options = lint_options(config, parameter_pairs, parameters_file, stack_name_pairs, no_link)
    asked = _ports(ports) if ports else None
    try:
        if base is None:
            old = load(paths[0], [paths[0]], options, rules)
            new = load(paths[1], [paths[1]], options, rules)
        else:
            with temporary_folder() as folder:
                wanted, names = from_git(base, paths, folder)
                old = load(base, wanted, options, rules)
                old.names = names
                # A path the change deletes is only at the ref: the new version lacks it.
                present = [path for path in paths if os.path.exists(path)]
                new = load(" ".join(paths), present, options, rules)
        result = compare(old, new, asked)  # from the built networks: no file is read again
    except VersionError as error:
        fail(f"error: {error}")
    from vpclint.diff import render

    if output_format == "json":
        import json

        click.echo(json.dumps(render.document(result), indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(render.markdown(result), nl=False)
    else:
        click.echo(render.text(result), nl=False)
    sys.exit(exit_code(result, fail_on))


def exit_code(result: object, fail_on: str) -> int:
    from vpclint.diff.changes import OPENED, Diff
    from vpclint.expect import BROKEN_RULE

    assert isinstance(result, Diff)
    if fail_on == "never":
        return EXIT_CLEAN
    if any(finding.rule == BROKEN_RULE for finding in result.added):
        return EXIT_FINDINGS  # the change breaks an expectation the team wrote down
    if fail_on == "opened-from-internet":
        failed = result.opened_from_internet > 0
    elif fail_on == "opened":
        failed = result.count(OPENED) > 0
    elif fail_on == "any":
        failed = bool(result.paths or result.added)
    else:
        failed = False
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _ports(text: str) -> list[int]:
    found = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 0 < int(part) <= 65535:
            raise click.BadParameter(f"{part!r} is not a port (1-65535)", param_hint="--ports")
        found.append(int(part))
    return sorted(set(found))
