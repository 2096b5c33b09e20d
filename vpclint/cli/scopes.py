"""`vpclint scopes`: the "must not reach" expectations as Network Access Analyzer scopes."""

from __future__ import annotations

import sys

import click

from vpclint.cli.options import (
    EXIT_ERROR,
    PATHS,
    lint_options,
    load_network,
    resolve_config,
    template_options,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@template_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="CloudFormation YAML or JSON.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Read this configuration file instead of searching for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def scopes(
    paths: tuple[str, ...],
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    stack_name_pairs: tuple[str, ...],
    no_link: bool,
    output_format: str,
    config_path: str | None,
    isolated: bool,
) -> None:
    """Turn the expectations with `reachable = false` (from the configuration and the
    templates' Metadata) into AWS::EC2::NetworkInsightsAccessScope resources, so that AWS
    Network Access Analyzer keeps checking the same intent after deployment. The template's
    parameters take the IDs of the deployed resources the scopes name.

    Exit codes: 0 printed, 2 error (or no expectation to turn into a scope).
    """
    from vpclint.expect.scopes import render
    from vpclint.expect.scopes import scopes as make_scopes

    config = resolve_config(config_path, isolated, {"region": region})
    options = lint_options(config, parameter_pairs, parameters_file, stack_name_pairs, no_link)
    network = load_network(paths, options)
    found = make_scopes(network)
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    if not found.count:
        click.echo(
            "error: no expectation with reachable = false matches the templates; nothing to "
            "turn into a scope",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    click.echo(render(found.template, output_format), nl=False)
