"""The reachability matrix: every workload, the internet and the AWS services the workloads use,
each against each, for a set of ports, before anything is deployed.

Rows are what starts connections (instances, interfaces, functions, container services, Auto
Scaling groups, load balancers, the internet); columns are what is reached (the same workloads,
databases, caches, file systems, the internet, the services). A cell is one `reach` answer.
"""

from __future__ import annotations

from typing import Any

from vpclint.model import (
    EndpointType,
    Instance,
    LoadBalancer,
    Network,
    NetworkInterface,
    Resource,
    Workload,
)
from vpclint.reach import REACHABLE, UNKNOWN, UNREACHABLE, Answer, ReachError, reach
from vpclint.reach.places import INTERNET
from vpclint.records import field, record

SYMBOLS = {REACHABLE: "yes", UNREACHABLE: "no", UNKNOWN: "?"}


@record
class Cell:
    source: str
    destination: str
    port: int
    answer: Answer | None  # None: not asked (a workload and itself)


@record
class Matrix:
    sources: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    protocol: str = "tcp"
    cells: list[Cell] = field(default_factory=list)

    def cell(self, source: str, destination: str, port: int) -> Cell:
        return next(
            c
            for c in self.cells
            if (c.source, c.destination, c.port) == (source, destination, port)
        )


def matrix(network: Network, ports: list[int], protocol: str = "tcp") -> Matrix:
    workloads = _workloads(network)
    sources = [_name(network, w) for w in workloads if _starts(w)] + [INTERNET]
    destinations = [_name(network, w) for w in workloads] + [INTERNET] + _services(network)
    result = Matrix(sources, destinations, list(ports), protocol)
    for port in ports:
        for source in sources:
            for destination in destinations:
                if source == destination:
                    result.cells.append(Cell(source, destination, port, None))
                    continue
                try:
                    answer = reach(network, source, destination, port, protocol)
                except ReachError:
                    answer = None
                result.cells.append(Cell(source, destination, port, answer))
    return result


def _workloads(network: Network) -> list[Resource]:
    found: list[Resource] = []
    for resource in network.resources.values():
        if not resource.certain or resource.implicit:
            continue
        # An interface attached to an instance is the instance's.
        loose = isinstance(resource, NetworkInterface) and resource.instance is None
        if loose or isinstance(resource, (Instance, LoadBalancer, Workload)):
            found.append(resource)
    return found


def _starts(resource: Resource) -> bool:
    """Whether the workload starts connections (a database only answers them)."""
    return not getattr(resource, "answers_only", False)


def _services(network: Network) -> list[str]:
    """The AWS services the workloads need and the template's endpoints serve."""
    found: dict[str, None] = {}
    for endpoint in network.endpoints:
        kinds = (EndpointType.GATEWAY, EndpointType.INTERFACE)
        if endpoint.service and endpoint.certain and endpoint.endpoint_type in kinds:
            found[endpoint.service] = None
    for workload in network.workloads:
        for service in getattr(workload, "needs", {}) or {}:
            found[service] = None
    return sorted(found)


def _name(network: Network, resource: Resource) -> str:
    """The shortest name that finds the resource: its logical ID, unless another stack has it."""
    same = [r for r in network.resources.values() if r.logical_id == resource.logical_id]
    return resource.logical_id if len(same) == 1 else resource.key


# -- rendering ----------------------------------------------------------------------------------


def as_text(result: Matrix, markdown: bool = False) -> str:
    """One table per port: rows are sources, columns destinations."""
    parts = []
    for port in result.ports:
        header = ["from \\ to", *result.destinations]
        rows = [
            [source, *(_symbol(result.cell(source, d, port)) for d in result.destinations)]
            for source in result.sources
        ]
        title = f"{result.protocol.upper()} {port}"
        parts.append(_markdown(title, header, rows) if markdown else _plain(title, header, rows))
    legend = (
        "yes: reachable   yes*: reachable if a firewall or appliance lets it   "
        "no: not reachable   ?: unknown   -: itself"
    )
    parts.append(f"_{legend}_" if markdown else legend)
    return "\n\n".join(parts) + "\n"


def as_json(result: Matrix) -> list[dict[str, Any]]:
    rows = []
    for cell in result.cells:
        if cell.answer is None:
            continue
        answer = cell.answer
        rows.append(
            {
                "from": cell.source,
                "to": cell.destination,
                "protocol": result.protocol,
                "port": cell.port,
                "verdict": answer.verdict,
                "via": answer.via if answer.verdict == REACHABLE else None,
                "code": answer.code,
                "codes": answer.codes,
                "conditions": answer.conditions,
            }
        )
    return rows


def _symbol(cell: Cell) -> str:
    if cell.answer is None:
        return "-"
    symbol = SYMBOLS[cell.answer.verdict]
    return symbol + ("*" if cell.answer.conditions and symbol == "yes" else "")


def _plain(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [title]
    for row in [header, *rows]:
        lines.append("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _markdown(title: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)
