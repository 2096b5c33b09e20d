"""The `vpclint` command."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from vpclint import __version__

if TYPE_CHECKING:
    from vpclint.config import Config
    from vpclint.findings import Severity
    from vpclint.lint import FileResult, LintOptions
    from vpclint.model import Network

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint the network an AWS CloudFormation template builds."""


def template_options(command: Callable[..., None]) -> Callable[..., None]:
    """--region, --parameter and --parameters-file: what a template is resolved with."""
    options = [
        click.option(
            "--region",
            help="Region for AWS::Region, Fn::GetAZs and service names [default: us-east-1].",
        ),
        click.option(
            "--parameter",
            "-p",
            "parameter_pairs",
            multiple=True,
            metavar="KEY=VALUE",
            help="Set a template parameter (or pseudo-parameter); repeatable.",
        ),
        click.option(
            "--parameters-file",
            type=click.Path(exists=True, dir_okay=False),
            help='Parameters as the AWS CLI takes them: [{"ParameterKey": ..., '
            '"ParameterValue": ...}].',
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


FORMATS = ("text", "json", "sarif", "github", "junit", "concise", "markdown")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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
) -> None:
    """Lint templates: files, or folders searched for *.yaml, *.yml, *.json, *.template."""
    from vpclint.config import ConfigError
    from vpclint.engine import load_rules
    from vpclint.lint import collect_files, lint_files

    overrides = {
        "select": ",".join(select) or None,
        "ignore": ",".join(ignore) or None,
        "severity": dict(pair.partition("=")[::2] for pair in severity_pairs) or None,
        "fail-on": fail_on,
        "region": region,
        "exclude": list(exclude) or None,
    }
    for pair in severity_pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not ID=SEVERITY", param_hint="--severity")
    try:
        config = resolve_config(config_path, isolated, overrides)
        rules = config.rules(load_rules())
    except ConfigError as error:
        raise click.UsageError(str(error)) from None

    options = lint_options(config, parameter_pairs, parameters_file, cfn_lint=with_cfn_lint)
    if with_cfn_lint and importlib.util.find_spec("cfnlint") is None:
        raise click.UsageError("--cfn-lint needs cfn-lint: pip install 'vpclint[cfn-lint]'")
    files = [(path, exists) for path, exists in collect_files(paths) if not config.excludes(path)]
    results = lint_files(files, options, rules, jobs=jobs or os.cpu_count() or 1)

    if baseline_path:
        from vpclint.baseline import BaselineError, read, subtract

        try:
            subtract(results, read(baseline_path))
        except BaselineError as error:
            raise click.UsageError(str(error)) from None
    if write_baseline_path:
        from vpclint.baseline import write

        count = write(results, write_baseline_path)
        click.echo(
            f"Recorded {count} finding{'s' if count != 1 else ''} in {write_baseline_path}.",
            err=True,
        )

    if diagram and output_format != "markdown":
        raise click.UsageError("--diagram goes with --format markdown")
    report(results, output_format, output_file, show_suppressed, options if diagram else None)
    sys.exit(exit_code(results, config.fail_on))


def resolve_config(path: str | None, isolated: bool, overrides: dict[str, Any]) -> Config:
    """The file's configuration (unless isolated), with the command line's switches on top."""
    from vpclint.config import Config, find_config, load_config

    if isolated:
        config = Config()
    elif path:
        config = load_config(path)
    else:
        found = find_config(os.getcwd())
        config = load_config(found) if found else Config()
    return config.with_overrides({k: v for k, v in overrides.items() if v is not None})


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

        with open(output_file, "w", encoding="utf-8") as file:
            file.write(rendered)
        click.echo(summary_line(Summary.of(results)) + f" Report written to {output_file}.")


def diagrams(results: list[FileResult], options: LintOptions) -> str:
    """A Mermaid diagram of each linted template's network, for a Markdown report."""
    from vpclint.lint import build
    from vpclint.loader import load
    from vpclint.show import render

    parts = []
    for result in results:
        if result.error is not None or result.skipped:
            continue
        template = load(result.path)
        if template is None:
            continue
        diagram = render(build(template, options), "mermaid").rstrip("\n")
        parts.append(f"\n### Network of `{result.path}`\n\n```mermaid\n{diagram}\n```\n")
    return "".join(parts)


def exit_code(results: list[FileResult], fail_on: Severity) -> int:
    if any(r.error is not None or r.internal_errors for r in results):
        return EXIT_ERROR
    if any(f.severity.rank >= fail_on.rank for r in results for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@cli.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a table; json: every rule with its documentation; markdown: the "
    "reference (docs/rules.md).",
)
def rules_command(output_format: str) -> None:
    """List every rule: ID, name, default severity and what it reports."""
    from vpclint import docs
    from vpclint.engine import load_rules

    rules = load_rules()
    if output_format == "json":
        click.echo(docs.as_json(rules))
    elif output_format == "markdown":
        click.echo(docs.as_markdown(rules), nl=False)
    else:
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            severity = rule.severity.value + ("*" if not rule.default_enabled else "")
            click.echo(f"{rule.id}  {rule.name:<{width}}  {severity:<8}  {rule.summary}")
        click.echo("* opt-in: runs only when selected (--select).")


@cli.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Show a rule's documentation (RULE is an ID such as VPC101, or its name)."""
    from vpclint.engine import load_rules

    wanted = rule_id.strip()
    rule = next(
        (r for r in load_rules() if wanted.upper() == r.id or wanted.lower() == r.name), None
    )
    if rule is None:
        raise click.UsageError(f"there is no rule {wanted!r}; `vpclint rules` lists them")
    text = f"# {rule.id} {rule.name} ({rule.severity.value})\n\n{rule.doc.strip()}\n"
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        click.echo(text, nl=False)


EXIT_UNKNOWN = 3


@cli.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--from",
    "source",
    required=True,
    metavar="SRC",
    help="Logical ID of an instance, network interface, interface endpoint, NAT "
    "gateway, load balancer, Lambda function in a VPC, or subnet.",
)
@click.option(
    "--to",
    "destination",
    required=True,
    metavar="DST",
    help="Another such resource, a CIDR or address, an AWS service (s3, dynamodb, ssm, "
    "com.amazonaws.REGION.ecr.api, ...) or 'internet'.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=443, show_default=True)
@click.option("--protocol", default="tcp", show_default=True, help="tcp, udp, icmp or a number.")
@template_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def reach(
    template: str,
    source: str,
    destination: str,
    port: int,
    protocol: str,
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    output_format: str,
) -> None:
    """Can SRC open a connection to DST? Walks the path hop by hop, as AWS would.

    Exit codes: 0 reachable, 1 not reachable, 2 error, 3 unknown (an unknown value decides).
    """
    from vpclint.reach import REACHABLE, UNREACHABLE, ReachError, flow_of, render
    from vpclint.reach import reach as walk

    network = load_network(template, region, parameter_pairs, parameters_file)
    try:
        answer = walk(network, source, destination, port=port, protocol=protocol)
        traffic = flow_of(protocol, port).label()
    except ReachError as error:
        raise click.UsageError(str(error)) from None
    if output_format == "json":
        import json

        document = render.document(answer, source, destination, protocol, port)
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(render.text(answer, source, destination, traffic))
    codes = {REACHABLE: EXIT_CLEAN, UNREACHABLE: EXIT_FINDINGS}
    sys.exit(codes.get(answer.verdict, EXIT_UNKNOWN))


@cli.command()
@click.argument("template", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["tree", "mermaid", "dot", "json"]),
    default="tree",
    show_default=True,
    help="tree for the terminal; mermaid or dot for a diagram; json for tools.",
)
@template_options
def show(
    template: str,
    output_format: str,
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
) -> None:
    """Show the network a template builds: VPCs, subnets, routes, what sits where."""
    from vpclint.report.text import wants_colour
    from vpclint.show import render

    network = load_network(template, region, parameter_pairs, parameters_file)
    colour = output_format == "tree" and wants_colour(sys.stdout)
    text = render(network, output_format, color=colour)
    click.echo(text, nl=not text.endswith("\n"))


def load_network(
    template: str, region: str | None, pairs: tuple[str, ...], parameters_file: str | None
) -> Network:
    """The network of one template, or a clean exit 2 when the file cannot be read."""
    from vpclint.config import ConfigError
    from vpclint.lint import build
    from vpclint.loader import LoadError, load

    try:
        config = resolve_config(None, False, {"region": region})
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    options = lint_options(config, pairs, parameters_file)
    try:
        loaded = load(template)
    except LoadError as error:
        where = f"{error.line}:{error.column}: " if error.line else ""
        click.echo(f"{template}:{where}error: {error.message}", err=True)
        sys.exit(EXIT_ERROR)
    if loaded is None:
        click.echo(f"{template}: error: not a CloudFormation template", err=True)
        sys.exit(EXIT_ERROR)
    return build(loaded, options)


def lint_options(
    config: Config, pairs: tuple[str, ...], parameters_file: str | None, cfn_lint: bool = False
) -> LintOptions:
    """How templates are resolved: the configuration, then the parameters file, then -p."""
    from vpclint.lint import LintOptions

    parameters = dict(config.parameters)
    if parameters_file:
        parameters.update(read_parameters_file(parameters_file))
    parameters.update(parse_parameter_pairs(pairs))
    return LintOptions(
        region=config.region,
        parameters=parameters,
        private_words=config.private_words,
        public_words=config.public_words,
        cfn_lint=cfn_lint,
    )


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
    import json

    hint = "--parameters-file"
    try:
        with open(path, encoding="utf-8-sig") as file:
            data = json.load(file)
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
