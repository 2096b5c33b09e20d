"""`vpclint show TEMPLATE`: the network a template builds, as a tree, a diagram or JSON.

    render(network, "tree")              # plain text (color=True: ANSI text styled by rich)
    render(network, "mermaid")           # a Mermaid flowchart GitHub renders in Markdown
    render(network, "dot")               # a Graphviz digraph (dot -Tsvg)
    render(network, "json")              # the model as a documented JSON document

Every format lists objects in template order, so the same template always gives the same text.
"""

from __future__ import annotations

from vpclint.model import Network

FORMATS = ("tree", "mermaid", "dot", "json")


def render(network: Network, output_format: str, color: bool = False) -> str:
    """The network in one of FORMATS; `color` styles the tree with ANSI codes (others ignore it)."""
    if output_format == "tree":
        from vpclint.show import tree

        return tree.render(network, color=color)
    if output_format == "mermaid":
        from vpclint.show import mermaid

        return mermaid.render(network)
    if output_format == "dot":
        from vpclint.show import dot

        return dot.render(network)
    if output_format == "json":
        from vpclint.show import json_model

        return json_model.render(network)
    raise ValueError(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
