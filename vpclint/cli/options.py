"""What every command shares: how templates are resolved (region, parameters, stack names,
linking) and how the configuration is found."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from vpclint.config import Config
    from vpclint.lint import LintOptions
    from vpclint.model import Network

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_UNKNOWN = 0, 1, 2, 3
# Templates, folders and `-` (standard input). Not checked for being readable here: a file that
# cannot be read is an error of its own, and the others are still linted.
PATHS = click.Path(readable=False, allow_dash=True)
STDIN = "-"


def warn_unreadable(folder: str, reason: str) -> None:
    """A folder the search for templates cannot enter: said, not passed by in silence."""
    click.echo(f"{folder}: warning: cannot read this folder ({reason}); skipped", err=True)


@contextmanager
def stdin_as_file(paths: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """`-` among the paths is standard input: read once into a temporary file, which is
    linted in its place (yielded: the paths with `-` replaced, and that file or None). Reports
    name it `-` again (`rename_stdin`)."""
    if STDIN not in paths:
        yield paths, None
        return
    import tempfile

    from vpclint.loader import MAX_BYTES

    stream = sys.stdin.buffer if sys.stdin is not None else None
    # One byte over the limit is enough for the loader to refuse a template that big.
    data = stream.read(MAX_BYTES + 1) if stream is not None else b""
    with tempfile.TemporaryDirectory(prefix="vpclint-") as folder:
        path = os.path.join(folder, "stdin.yaml")
        with open(path, "wb") as file:
            file.write(data)
        yield tuple(path if given == STDIN else given for given in paths), path


def rename_stdin(results: list[Any], temporary: str | None) -> None:
    """Results of the temporary file that held standard input are reported as `-`."""
    if temporary is None:
        return
    for result in results:
        if result.path == temporary:
            result.path = STDIN


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
    region = parameters.get("AWS::Region")
    if region is not None:  # refused as --region refuses it
        from vpclint.config import region as region_name

        try:
            region_name(region)
        except ValueError as error:
            raise click.BadParameter(f"AWS::Region: {error}", param_hint="--parameter") from None
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
        expectations=config.expectations,
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
    from vpclint.jsonfile import JsonFileError, describe, read_json

    hint = "--parameters-file"
    try:
        data = read_json(path)
    except JsonFileError as error:
        raise click.BadParameter(str(error), param_hint=hint) from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        data = data["Parameters"]
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list) and all(
        isinstance(item, dict) and "ParameterKey" in item for item in data
    ):
        pairs = [
            (item["ParameterKey"], item.get("ParameterValue", ""))
            for item in data
            if not item.get("UsePreviousValue")
        ]
    else:
        raise click.BadParameter(
            f"{path}: {describe(data)}, but expected "
            '[{"ParameterKey": ..., "ParameterValue": ...}] or {"Key": "Value"}',
            param_hint=hint,
        )
    parameters = {}
    for key, value in pairs:
        text = _parameter_text(value)
        if not isinstance(key, str) or not key:
            problem = f"a parameter name is {describe(key) if key != '' else 'empty'}"
        elif text is None:
            problem = f"the value of {key!r} is {describe(value)}"
        else:
            parameters[key] = text
            continue
        raise click.BadParameter(
            f"{path}: {problem}; a parameter value is a string, a number, a boolean or a list "
            "of those",
            param_hint=hint,
        )
    return parameters


def _parameter_text(value: object) -> str | None:
    """A parameter value as CloudFormation takes it; None for what it does not take."""
    if isinstance(value, list):
        items = [None if isinstance(item, list) else _parameter_text(item) for item in value]
        return None if None in items else ",".join(item for item in items if item is not None)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def load_network(paths: tuple[str, ...], options: LintOptions) -> Network:
    """The network of the templates (files, folders, CDK apps, `-` for standard input) taken
    together, or a clean exit 2 naming each file that cannot be read."""
    with stdin_as_file(paths) as (paths, stdin_file):
        return _load_network(paths, options, stdin_file)


def _load_network(paths: tuple[str, ...], options: LintOptions, stdin_file: str | None) -> Network:
    from vpclint.lint import build_paths

    def named(path: str) -> str:
        return STDIN if path == stdin_file else path

    built, problems = build_paths(paths, options, warn_unreadable)
    for path, where, message in problems:
        click.echo(f"{named(path)}:{where}error: {message}", err=True)
    if built is None or built.network is None or problems:
        if not problems:
            names = ", ".join(named(path) for path in paths)
            click.echo(f"{names}: error: not a CloudFormation template", err=True)
        sys.exit(EXIT_ERROR)
    return built.network
