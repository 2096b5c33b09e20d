"""The `vpclint` command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from vpclint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint the network an AWS CloudFormation template builds."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--region",
    default="us-east-1",
    show_default=True,
    help="Region for AWS::Region, Fn::GetAZs and service names.",
)
@click.option(
    "--parameter",
    "-p",
    "parameter_pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a template parameter (or pseudo-parameter); repeatable.",
)
@click.option(
    "--parameters-file",
    type=click.Path(exists=True, dir_okay=False),
    help='Parameters as the AWS CLI takes them: [{"ParameterKey": ..., "ParameterValue": ...}].',
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Files linted in parallel (default 0: one process per CPU core).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
def check(
    paths: tuple[str, ...],
    region: str,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    output_format: str,
    jobs: int,
    fail_on: str,
) -> None:
    """Lint templates: files, or folders searched for *.yaml, *.yml, *.json, *.template."""
    from vpclint.findings import Severity
    from vpclint.lint import LintOptions, collect_files, lint_files

    parameters = read_parameters_file(parameters_file) if parameters_file else {}
    parameters.update(parse_parameter_pairs(parameter_pairs))
    options = LintOptions(region=region, parameters=parameters)

    results = lint_files(collect_files(paths), options, jobs=jobs or os.cpu_count() or 1)

    if output_format == "json":
        from vpclint.report.json_report import render

        click.echo(render(results))
    else:
        from vpclint.report.text import render as render_text

        render_text(results)

    threshold = Severity(fail_on).rank
    if any(r.error is not None or r.internal_errors for r in results):
        sys.exit(EXIT_ERROR)
    if any(f.severity.rank >= threshold for r in results for f in r.findings):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def parse_parameter_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--parameter")
        parameters[key] = value
    return parameters


def read_parameters_file(path: str) -> dict[str, str]:
    """Parameters from a file in the AWS CLI's list form, or a plain {"Key": "Value"} object."""
    hint = "--parameters-file"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise click.BadParameter(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}", param_hint=hint
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise click.BadParameter(f"{path}: cannot read: {error}", param_hint=hint) from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        data = data["Parameters"]
    if isinstance(data, dict):
        return {str(key): _parameter_text(value) for key, value in data.items()}
    if isinstance(data, list) and all(
        isinstance(item, dict) and "ParameterKey" in item for item in data
    ):
        return {
            str(item["ParameterKey"]): _parameter_text(item.get("ParameterValue", ""))
            for item in data
            if not item.get("UsePreviousValue")
        }
    raise click.BadParameter(
        f'{path}: expected [{{"ParameterKey": ..., "ParameterValue": ...}}] or {{"Key": "Value"}}',
        param_hint=hint,
    )


def _parameter_text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
