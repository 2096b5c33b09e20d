"""`vpclint show --format dot`: a Graphviz digraph (`dot -Tsvg network.dot -o network.svg`).

The drawing is the one vpclint.show.diagram describes, with VPCs and subnets as clusters.
Every ID and label is a quoted DOT string: backslashes and double quotes are escaped, and
lines are joined with DOT's `\\n`.
"""

from __future__ import annotations

from vpclint.model import Network
from vpclint.show import diagram
from vpclint.show.diagram import Cluster, Diagram, DiagramNode

_SHAPES = {
    diagram.BOX: 'shape=box, style="filled", fillcolor="white"',
    diagram.ROUTE_TABLE: 'shape=box, style="rounded,filled", fillcolor="#eef2f7"',
    diagram.GATEWAY: 'shape=hexagon, style="filled", fillcolor="#fdf6e3"',
    diagram.ENDPOINT: 'shape=cylinder, style="filled", fillcolor="#e3f2fd"',
    diagram.EXTERNAL: 'shape=ellipse, style="filled", fillcolor="#f1f1f1"',
}
_FILLS = {"vpc": "#f7f9fc", "public": "#fff4e0", "private": "#e8f5e9", "unknown": "#f1f1f1"}
_PENS = {"vpc": "#5b6b82", "public": "#d9822b", "private": "#2e7d32", "unknown": "#888888"}


def _escape(text: str) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def quote(text: str) -> str:
    """A DOT quoted string holding `text` literally."""
    return f'"{_escape(text)}"'


def label(lines: list[str]) -> str:
    """A quoted label, one centred line per item."""
    return '"' + "\\n".join(_escape(line) for line in lines if line) + '"'


def render(network: Network) -> str:
    return write(diagram.build(network))


def write(drawing: Diagram) -> str:
    out = [
        "digraph vpclint {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=12];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for cluster in drawing.clusters:
        _cluster(out, cluster, "  ")
    for node in drawing.nodes:
        out.append("  " + _node(node))
    for edge in drawing.edges:
        style = ", style=dashed" if edge.dashed else ""
        out.append(
            f"  {quote(edge.source)} -> {quote(edge.target)} [label={label([edge.label])}{style}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


def _cluster(out: list[str], cluster: Cluster, indent: str) -> None:
    out.append(f"{indent}subgraph {quote('cluster_' + cluster.id)} {{")
    inner = indent + "  "
    style = "rounded,filled" + (",dashed" if cluster.dashed else "")
    out.append(
        f'{inner}graph [label={label(cluster.lines)}, style="{style}", '
        f'fillcolor="{_FILLS[cluster.kind]}", color="{_PENS[cluster.kind]}"];'
    )
    for child in cluster.clusters:
        _cluster(out, child, inner)
    for node in cluster.nodes:
        out.append(inner + _node(node))
    out.append(f"{indent}}}")


def _node(node: DiagramNode) -> str:
    shape = _SHAPES[node.shape]
    if node.dashed:
        shape = shape.replace('style="', 'style="dashed,')
    return f"{quote(node.id)} [label={label(node.lines)}, {shape}];"
