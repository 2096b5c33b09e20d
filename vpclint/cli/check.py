"""`vpclint check`: lint templates and report the findings."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

import click

from vpclint.cli import fail
from vpclint.cli.options import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    PATHS,
    lint_options,
    rename_stdin,
    resolve_config,
    stdin_as_file,
    template_options,
    warn_unreadable,
)

if TYPE_CHECKING:
    from vpclint.findings import Severity
    from vpclint.lint import FileResult, LintOptions

FORMATS = ("text", "json", "sarif", "github", "junit", "concise", "markdown")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@template_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report to this file; the terminal gets the summary.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 [default: warning].",
)
@click.option(
    "--select",
    multiple=True,
    metavar="IDS",
    help="Only these rules (IDs or prefixes such as VPC4, comma-separated).",
)
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules (IDs or prefixes).")
@click.option(
    "--severity",
    "severity_pairs",
    multiple=True,
    metavar="ID=SEVERITY",
    help="Change a rule's severity, e.g. VPC604=warning; repeatable.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files matching this glob (also files named on the command line).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Read this configuration file instead of searching for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option(
    "--show-suppressed",
    is_flag=True,
    help="Also list the findings suppressed in the templates, with their reasons.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings that this baseline does not hold.",
)
@click.option(
    "--write-baseline",
    "write_baseline_path",
    type=click.Path(dir_okay=False),
    help="Record today's findings in this baseline file.",
)
@click.option(
    "--diagram",
    is_flag=True,
    help="With --format markdown: add a Mermaid diagram of each template's network.",
)
@click.option(
    "--cfn-lint",
    "with_cfn_lint",
    is_flag=True,
    help="Also run cfn-lint's checks on the same files and merge its matches "
    "(needs: pip install 'vpclint[cfn-lint]').",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Files linted in parallel (default 0: one process per CPU core).",
)
def check(
    paths: tuple[str, ...],
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    output_format: str,
    output_file: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity_pairs: tuple[str, ...],
    exclude: tuple[str, ...],
    config_path: str | None,
    isolated: bool,
    show_suppressed: bool,
    baseline_path: str | None,
    write_baseline_path: str | None,
    diagram: bool,
    with_cfn_lint: bool,
    jobs: int,
    stack_name_pairs: tuple[str, ...],
    no_link: bool,
) -> None:
    """Lint templates: files, folders searched for *.yaml, *.yml, *.json, *.template, and CDK
    apps (a project root with cdk.json, or its cdk.out). Templates that import each other's
    exports, or nest each other, are linted as one network."""
    from vpclint.engine import load_rules
    from vpclint.lint import available_cpus, collect_files, lint_files

    overrides = {
        "select": ",".join(select) or None,
        "ignore": ",".join(ignore) or None,
        "severity": dict(pair.partition("=")[::2] for pair in severity_pairs) or None,
        "fail-on": fail_on,
        "region": region,
        "exclude": list(exclude) or None,
    }
    for option, values in (("--select", select), ("--ignore", ignore)):
        if values and not any(part.strip() for value in values for part in value.split(",")):
            raise click.BadParameter(
                "give rule IDs or prefixes such as VPC101 or VPC4", param_hint=option
            )
    for pair in severity_pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not ID=SEVERITY", param_hint="--severity")
    config = resolve_config(config_path, isolated, overrides)
    rules = config.rules(load_rules())

    options = lint_options(
        config, parameter_pairs, parameters_file, stack_name_pairs, no_link, with_cfn_lint
    )
    if with_cfn_lint and importlib.util.find_spec("cfnlint") is None:
        raise click.UsageError("--cfn-lint needs cfn-lint: pip install 'vpclint[cfn-lint]'")
    with stdin_as_file(paths) as (paths, stdin_file):
        files = [
            (path, exists)
            for path, exists in collect_files(paths, warn_unreadable)
            if not config.excludes(path)
        ]
        results = lint_files(files, options, rules, jobs=jobs or available_cpus())
        rename_stdin(results, stdin_file)
    if config.expectations:
        from vpclint.expect import UNMATCHED_RULE
        from vpclint.expect.configured import unmatched_result

        unmatched_rule = next((rule for rule in rules if rule.id == UNMATCHED_RULE), None)
        if unmatched_rule is not None:
            unmatched = unmatched_result(config.expectations, results, unmatched_rule)
            if unmatched is not None:
                results.append(unmatched)

    if baseline_path:
        from vpclint.baseline import BaselineError, read, subtract

        try:
            subtract(results, read(baseline_path))
        except BaselineError as error:
            raise click.UsageError(str(error)) from None
    if write_baseline_path:
        from vpclint.baseline import write

        try:
            count = write(results, write_baseline_path)
        except OSError as error:
            reason = error.strerror or error
            fail(f"error: cannot write the baseline to {write_baseline_path}: {reason}")
        click.echo(
            f"Recorded {count} finding{'s' if count != 1 else ''} in {write_baseline_path}.",
            err=True,
        )

    if diagram and output_format != "markdown":
        raise click.UsageError("--diagram goes with --format markdown")
    report(results, output_format, output_file, show_suppressed, options if diagram else None)
    sys.exit(exit_code(results, config.fail_on))


def report(
    results: list[FileResult],
    output_format: str,
    output_file: str | None,
    show_suppressed: bool,
    diagram_options: LintOptions | None = None,
) -> None:
    import importlib

    if output_format == "text":
        from vpclint.report import text

        rendered = None if output_file is None else text.render_to_string(results, show_suppressed)
        if rendered is None:
            text.render(results, show_suppressed=show_suppressed)
    else:
        module = {"json": "json_report"}.get(output_format, output_format)
        renderer = importlib.import_module(f"vpclint.report.{module}")
        rendered = renderer.render(results)
        if diagram_options is not None:
            rendered += diagrams(results, diagram_options)
        if output_file is None:
            click.echo(rendered, nl=not rendered.endswith("\n"))
    if output_file is not None and rendered is not None:
        from vpclint.report import Summary
        from vpclint.report.text import summary_line

        try:
            # Backslash escapes for what UTF-8 cannot hold (a lone surrogate in a logical ID).
            with open(output_file, "w", encoding="utf-8", errors="backslashreplace") as file:
                file.write(rendered)
        except OSError as error:
            fail(f"error: cannot write the report to {output_file}: {error.strerror or error}")
        click.echo(summary_line(Summary.of(results)) + f" Report written to {output_file}.")


def diagrams(results: list[FileResult], options: LintOptions) -> str:
    """A Mermaid diagram of each linted template's network, for a Markdown report."""
    from vpclint.expand.links import Unit
    from vpclint.expand.stacks import Root
    from vpclint.lint import build_unit
    from vpclint.show import render

    parts = []
    for result in results:
        if result.error is not None or result.skipped:
            continue
        network = build_unit(Unit((Root(result.path),)), options).network
        if network is None:
            continue
        diagram = render(network, "mermaid").rstrip("\n")
        parts.append(f"\n### Network of `{result.path}`\n\n```mermaid\n{diagram}\n```\n")
    return "".join(parts)


def exit_code(results: list[FileResult], fail_on: Severity) -> int:
    if any(r.error is not None or r.internal_errors for r in results):
        return EXIT_ERROR
    if any(f.severity.rank >= fail_on.rank for r in results for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN
