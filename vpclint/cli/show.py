"""`vpclint show`: the network templates build, as a tree, a diagram or JSON."""

from __future__ import annotations

import sys

import click

from vpclint.cli.options import (
    PATHS,
    lint_options,
    load_network,
    resolve_config,
    template_options,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
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
    paths: tuple[str, ...],
    output_format: str,
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    stack_name_pairs: tuple[str, ...],
    no_link: bool,
) -> None:
    """Show the network templates build (files, folders or a CDK app, taken together): VPCs,
    subnets, routes, what sits where."""
    from vpclint.report.text import wants_colour
    from vpclint.show import render

    config = resolve_config(None, False, {"region": region})
    options = lint_options(config, parameter_pairs, parameters_file, stack_name_pairs, no_link)
    network = load_network(paths, options)
    colour = output_format == "tree" and wants_colour(sys.stdout)
    text = render(network, output_format, color=colour)
    click.echo(text, nl=not text.endswith("\n"))
