"""`vpclint reach`: can one thing reach another, hop by hop; or the whole matrix."""

from __future__ import annotations

import sys

import click

from vpclint.cli.options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_UNKNOWN,
    PATHS,
    lint_options,
    load_network,
    resolve_config,
    template_options,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option(
    "--from",
    "source",
    metavar="SRC",
    help="What starts the connection: 'internet', or the logical ID of an instance, network "
    "interface, load balancer, Lambda function, ECS service, Auto Scaling group, subnet, ... "
    "(STACK/ID when several stacks declare it).",
)
@click.option(
    "--to",
    "destination",
    metavar="DST",
    help="Another such resource (a database, an endpoint, ...), an address or CIDR, an AWS "
    "service (s3, ssm, com.amazonaws.REGION.ecr.api, ...) or 'internet'.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=443, show_default=True)
@click.option("--protocol", default="tcp", show_default=True, help="tcp, udp, icmp or a number.")
@click.option(
    "--matrix",
    "as_matrix",
    is_flag=True,
    help="Answer for every workload, the internet and the services used, each against each.",
)
@click.option(
    "--ports",
    default="443",
    show_default=True,
    metavar="LIST",
    help="With --matrix: the ports, comma-separated (22,443,5432).",
)
@template_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def reach(
    paths: tuple[str, ...],
    source: str | None,
    destination: str | None,
    port: int,
    protocol: str,
    as_matrix: bool,
    ports: str,
    region: str | None,
    parameter_pairs: tuple[str, ...],
    parameters_file: str | None,
    stack_name_pairs: tuple[str, ...],
    no_link: bool,
    output_format: str,
) -> None:
    """Can SRC open a connection to DST? Walks the path hop by hop, as AWS would, over the
    network the templates build together (files, folders or a CDK app).

    Exit codes: 0 reachable, 1 not reachable, 2 error, 3 unknown (an unknown value decides).
    With --matrix: 0 once the table is printed.
    """
    from vpclint.reach import REACHABLE, UNREACHABLE, ReachError, flow_of, render
    from vpclint.reach import reach as walk

    if as_matrix == bool(source or destination):
        raise click.UsageError("give --from and --to, or --matrix")
    if not as_matrix and not (source and destination):
        raise click.UsageError("give both --from and --to")
    config = resolve_config(None, False, {"region": region})
    options = lint_options(config, parameter_pairs, parameters_file, stack_name_pairs, no_link)
    network = load_network(paths, options)
    if as_matrix:
        _matrix(network, _ports(ports), protocol, output_format)
        return
    assert source is not None and destination is not None
    try:
        answer = walk(network, source, destination, port=port, protocol=protocol)
        traffic = flow_of(protocol, port).label()
    except ReachError as error:
        raise click.UsageError(str(error)) from None
    if output_format == "json":
        import json

        document = render.document(answer, source, destination, protocol, port)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(render.text(answer, source, destination, traffic))
    codes = {REACHABLE: EXIT_CLEAN, UNREACHABLE: EXIT_FINDINGS}
    sys.exit(codes.get(answer.verdict, EXIT_UNKNOWN))


def _ports(text: str) -> list[int]:
    ports = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 0 <= int(part) <= 65535:
            raise click.BadParameter(f"{part!r} is not a port (0-65535)", param_hint="--ports")
        ports.append(int(part))
    return list(dict.fromkeys(ports))


def _matrix(network: object, ports: list[int], protocol: str, output_format: str) -> None:
    from vpclint.reach import ReachError, flow_of
    from vpclint.reach.matrix import as_json, as_text, matrix

    try:
        flow_of(protocol, ports[0])
    except ReachError as error:
        raise click.UsageError(str(error)) from None
    result = matrix(network, ports, protocol)  # type: ignore[arg-type]
    if output_format == "json":
        import json

        click.echo(json.dumps(as_json(result), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(result, markdown=output_format == "markdown"), nl=False)
