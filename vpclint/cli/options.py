"""What every command shares: how templates are resolved (region, parameters, stack names,
linking) and how the configuration is found."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from vpclint.config import Config
    from vpclint.lint import LintOptions
    from vpclint.model import Network

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_UNKNOWN = 0, 1, 2, 3


def template_options(command: Callable[..., None]) -> Callable[..., None]:
    """--region, --parameter, --parameters-file, --stack-name, --no-link: what templates are
    resolved with, and which are built together."""
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
        click.option(
            "--stack-name",
            "stack_name_pairs",
            multiple=True,
            metavar="FILE=NAME",
            help="The stack name of a template, for exports named after AWS::StackName "
            "[default: the file's stem]; repeatable.",
        ),
        click.option(
            "--no-link",
            "no_link",
            is_flag=True,
            help="Build each template alone, not with the templates it imports from or nests.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


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


def lint_options(
    config: Config,
    pairs: tuple[str, ...],
    parameters_file: str | None,
    stack_name_pairs: tuple[str, ...] = (),
    no_link: bool = False,
    cfn_lint: bool = False,
) -> LintOptions:
    """How templates are resolved: the configuration, then the parameters file, then -p."""
    from vpclint.lint import LintOptions

    parameters = dict(config.parameters)
    if parameters_file:
        parameters.update(read_parameters_file(parameters_file))
    parameters.update(parse_pairs(pairs, "--parameter"))
    names = dict(config.stack_names)
    names.update(
        (os.path.normpath(os.path.abspath(path)), name)
        for path, name in parse_pairs(stack_name_pairs, "--stack-name").items()
    )
    return LintOptions(
        region=config.region,
        parameters=parameters,
        private_words=config.private_words,
        public_words=config.public_words,
        cfn_lint=cfn_lint,
        stack_names=names,
        link=config.link and not no_link,
    )


def parse_pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint=option)
        parameters[key] = value
    return parameters


def read_parameters_file(path: str) -> dict[str, str]:
    """Parameters from a file in the AWS CLI's list form, or a plain {"Key": "Value"} object."""
    import json

    from vpclint.loader import LoadError, read_text

    hint = "--parameters-file"
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise click.BadParameter(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}", param_hint=hint
        ) from None
    except LoadError as error:
        where = f"{error.line}:{error.column}:" if error.line else ""
        reason = error.message.removeprefix("cannot read file: ")
        raise click.BadParameter(f"{path}:{where} cannot read: {reason}", param_hint=hint) from None
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


def load_network(paths: tuple[str, ...], options: LintOptions) -> Network:
    """The network of the templates (files, folders, CDK apps) taken together, or a clean exit
    2 naming each file that cannot be read."""
    from vpclint.expand.links import Unit, cdk_roots
    from vpclint.expand.stacks import Root
    from vpclint.lint import build_unit, collect_files

    roots: list[Root] = []
    failed = False
    for path, exists in collect_files(paths):
        if not exists:
            click.echo(f"{path}: error: no such file or folder", err=True)
            failed = True
        elif os.path.isdir(path):
            from vpclint.expand.cdk import CdkError

            try:
                roots.extend(cdk_roots(path))
            except CdkError as error:
                click.echo(f"{error.path}: error: {error}", err=True)
                failed = True
        else:
            roots.append(Root(path, options.stack_names.get(os.path.abspath(path))))
    several = len(roots) > 1
    if several:
        from vpclint.expand.links import stack_name

        roots = [Root(r.path, r.name or stack_name(options.stack_names, r.path)) for r in roots]
    built = build_unit(Unit(tuple(roots)), options)
    for path, error in built.errors.items():
        where = f"{error.line}:{error.column}: " if error.line else ""
        click.echo(f"{path}:{where}error: {error.message}", err=True)
        failed = True
    if built.network is None or failed:
        if built.network is None and not failed:
            names = ", ".join(paths)
            click.echo(f"{names}: error: not a CloudFormation template", err=True)
        sys.exit(EXIT_ERROR)
    return built.network
