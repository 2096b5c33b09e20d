"""`vpclint show --format mermaid`: a Mermaid flowchart that GitHub renders in Markdown.

Paste the output into a ```` ```mermaid ```` block. The drawing is the one vpclint.show.diagram
describes: each VPC and each subnet a subgraph, route targets as nodes, an edge from each
subnet's route table to each target, labelled with the destinations it carries.

IDs are prefixed ASCII identifiers (never a Mermaid keyword such as `end`); every label is
quoted, with the characters Mermaid reads inside quotes written as its entity codes (`#quot;`,
`#35;`, `#59;`, `#lt;`, ...), so a logical ID, a Name tag or an unknown value's reason cannot
break the chart.
"""

from __future__ import annotations

from vpclint.model import Network
from vpclint.show import diagram
from vpclint.show.diagram import Cluster, Diagram, DiagramNode

_ENTITIES = str.maketrans(
    {
        '"': "#quot;",
        "#": "#35;",
        ";": "#59;",
        "<": "#lt;",
        ">": "#gt;",
        "&": "#amp;",
        "|": "#124;",
        "`": "#96;",
        "\\": "#92;",
        "\n": " ",
        "\r": " ",
        "\t": " ",
        "\x00": "…",
    }
)

# Opening and closing of each shape around a quoted label.
_SHAPES = {
    diagram.BOX: ("[", "]"),
    diagram.ROUTE_TABLE: ("([", "])"),
    diagram.GATEWAY: ("{{", "}}"),
    diagram.ENDPOINT: ("[(", ")]"),
    diagram.EXTERNAL: ("(", ")"),
}

# Subgraph colours by kind: a VPC, then subnets by reality.
_STYLES = {
    "vpc": "fill:#f7f9fc,stroke:#5b6b82",
    "public": "fill:#fff4e0,stroke:#d9822b",
    "private": "fill:#e8f5e9,stroke:#2e7d32",
    "unknown": "fill:#f1f1f1,stroke:#888888",
}
_DASHED = "stroke-dasharray:5 5"


def escape(text: str) -> str:
    """Text made safe inside a quoted Mermaid label."""
    return "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text).translate(
        _ENTITIES
    )


def label(lines: list[str]) -> str:
    """A quoted label; lines are joined with <br/>."""
    return '"' + "<br/>".join(escape(line) for line in lines if line) + '"'


def render(network: Network) -> str:
    return write(diagram.build(network))


def write(drawing: Diagram) -> str:
    out = ["flowchart LR"]
    styles: list[str] = []
    for cluster in drawing.clusters:
        _cluster(out, styles, cluster, "  ")
    for node in drawing.nodes:
        out.append("  " + _node(node, styles))
    for edge in drawing.edges:
        arrow = "-.->" if edge.dashed else "-->"
        out.append(f"  {edge.source} {arrow}|{label([edge.label])}| {edge.target}")
    out.extend("  " + style for style in styles)
    return "\n".join(out) + "\n"


def _cluster(out: list[str], styles: list[str], cluster: Cluster, indent: str) -> None:
    out.append(f"{indent}subgraph {cluster.id}[{label(cluster.lines)}]")
    inner = indent + "  "
    for child in cluster.clusters:
        _cluster(out, styles, child, inner)
    for node in cluster.nodes:
        out.append(inner + _node(node, styles))
    out.append(f"{indent}end")
    style = _STYLES[cluster.kind] + ("," + _DASHED if cluster.dashed else "")
    styles.append(f"style {cluster.id} {style}")


def _node(node: DiagramNode, styles: list[str]) -> str:
    opening, closing = _SHAPES[node.shape]
    if node.dashed:
        styles.append(f"style {node.id} {_DASHED}")
    return f"{node.id}{opening}{label(node.lines)}{closing}"
