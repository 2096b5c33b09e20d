"""A diff for people (text), for tools (JSON) and for a pull-request comment (Markdown with a
Mermaid diagram of the paths that changed)."""

from __future__ import annotations

from typing import Any

from vpclint.diff.changes import (
    CLOSED,
    NOW_KNOWN,
    NOW_UNKNOWN,
    OPENED,
    REROUTED,
    Cause,
    Diff,
    PathChange,
)
from vpclint.findings import Finding
from vpclint.reach.places import INTERNET

# Rows of the Markdown table: a pull-request comment holds at most 65,536 characters.
MAX_ROWS = 100
HEADINGS = {
    OPENED: "Paths opened",
    CLOSED: "Paths closed",
    NOW_UNKNOWN: "Paths now unknown",
    NOW_KNOWN: "Paths now known",
    REROUTED: "Paths rerouted",
}


def sentence(change: PathChange) -> str:
    """ "AppInstance becomes reachable from the internet on TCP 22"."""
    port = f"{change.protocol.upper()} {change.port}"
    source, destination = change.source, change.destination
    if change.change == OPENED:
        if source == INTERNET:
            return f"{destination} becomes reachable from the internet on {port}"
        return f"{source} can now reach {_to(destination)} on {port}"
    if change.change == CLOSED:
        if source == INTERNET:
            return f"{destination} is no longer reachable from the internet on {port}"
        return f"{source} can no longer reach {_to(destination)} on {port}"
    if change.change == REROUTED and change.via is not None:
        was, now = change.via
        who = "the internet" if source == INTERNET else source
        return f"{who} reaches {_to(destination)} on {port} via {now} (was via {was})"
    who = "the internet" if source == INTERNET else source
    what = f"whether {who} reaches {_to(destination)} on {port}"
    if change.change == NOW_UNKNOWN:
        was = {"unreachable": "it did not", "reachable": "it did"}.get(change.before, "new")
        reason = f": {change.reason}" if change.reason else ""
        return f"{what} is now unknown ({was}){reason}"
    now = "it does" if change.after == "reachable" else "it does not"
    return f"{what} is now known: {now}"


def where(cause: Cause) -> str:
    return f"{cause.path}:{cause.line}" if cause.path else f"line {cause.line}"


def summary(diff: Diff) -> str:
    opened = diff.count(OPENED)
    parts = [
        f"{opened} path{'s' if opened != 1 else ''} opened"
        + (
            f" ({diff.opened_from_internet} from the internet)" if diff.opened_from_internet else ""
        ),
        f"{diff.count(CLOSED)} closed",
    ]
    parts += [
        f"{diff.count(kind)} {word}"
        for kind, word in (
            (NOW_UNKNOWN, "now unknown"),
            (NOW_KNOWN, "now known"),
            (REROUTED, "rerouted"),
        )
        if diff.count(kind)
    ]
    parts += [
        f"{len(diff.added)} finding{'s' if len(diff.added) != 1 else ''} added",
        f"{len(diff.fixed)} fixed",
    ]
    asked = f"TCP {', '.join(str(p) for p in diff.ports)}"
    if diff.udp_ports:
        asked += f"; UDP {', '.join(str(p) for p in diff.udp_ports)}"
    return ", ".join(parts) + f" ({asked})."


# -- text -----------------------------------------------------------------------------------------


def text(diff: Diff) -> str:
    lines = [f"Network change: {diff.old.label} -> {diff.new.label}"]
    for kind, heading in HEADINGS.items():
        changes = [p for p in diff.paths if p.change == kind]
        if not changes:
            continue
        lines += ["", f"{heading}:"]
        for change in changes:
            lines.append(f"  {sentence(change)}")
            for cause in change.causes:
                lines.append(f"    {cause.text}  ({where(cause)})")
    for heading, findings in (("Findings added", diff.added), ("Findings fixed", diff.fixed)):
        if findings:
            lines += ["", f"{heading}:"]
            lines += [f"  {_finding(f, diff, heading)}" for f in findings]
    if not diff.paths and not diff.added and not diff.fixed:
        lines += ["", "No change to the network's paths or findings."]
    lines += ["", summary(diff)]
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, diff: Diff, heading: str) -> str:
    version = diff.new if heading == "Findings added" else diff.old
    path = version.path_of(finding.path)
    where = f"{path}:{finding.line}:{finding.column}"
    return f"{where}: {finding.rule} [{finding.severity.value}] {finding.message}"


# -- JSON -----------------------------------------------------------------------------------------


def document(diff: Diff) -> dict[str, Any]:
    from vpclint import __version__

    return {
        "version": __version__,
        "old": diff.old.label,
        "new": diff.new.label,
        "protocol": "tcp",
        "ports": diff.ports,
        "udp_ports": diff.udp_ports,
        "paths": [
            {
                "change": change.change,
                "from": change.source,
                "to": change.destination,
                "port": change.port,
                "protocol": change.protocol,
                "before": change.before,
                "after": change.after,
                "from_internet": change.from_internet,
                "summary": sentence(change),
                "reason": change.reason or None,
                "via": ({"before": change.via[0], "after": change.via[1]} if change.via else None),
                "causes": [
                    {
                        "text": cause.text,
                        "resource": cause.resource,
                        "path": cause.path,
                        "line": cause.line,
                        "version": cause.version,
                    }
                    for cause in change.causes
                ],
            }
            for change in diff.paths
        ],
        "findings": {
            "added": [_finding_json(f, diff.new.path_of(f.path)) for f in diff.added],
            "fixed": [_finding_json(f, diff.old.path_of(f.path)) for f in diff.fixed],
        },
        "summary": {
            "opened": diff.count(OPENED),
            "opened_from_internet": diff.opened_from_internet,
            "closed": diff.count(CLOSED),
            "now_unknown": diff.count(NOW_UNKNOWN),
            "now_known": diff.count(NOW_KNOWN),
            "rerouted": diff.count(REROUTED),
            "findings_added": len(diff.added),
            "findings_fixed": len(diff.fixed),
        },
    }


def _finding_json(finding: Finding, path: str) -> dict[str, Any]:
    return {**finding.as_json(), "path": path}


# -- Markdown -------------------------------------------------------------------------------------


def markdown(diff: Diff) -> str:
    lines = [
        "## vpclint: network change",
        "",
        f"`{diff.old.label}` → `{diff.new.label}`: {summary(diff)}",
    ]
    if diff.paths:
        lines += ["", "| change | path | port | because |", "|---|---|---|---|"]
        for change in diff.paths[:MAX_ROWS]:
            mark = {OPENED: "🟢 opened", CLOSED: "🔴 closed"}.get(
                change.change, "❔ " + change.change
            )
            if change.change == REROUTED and change.via is not None:
                mark = f"🟠 rerouted via {_cell(change.via[1])} (was {_cell(change.via[0])})"
            causes = "<br>".join(f"{_cell(c.text)} (`{where(c)}`)" for c in change.causes)
            path = f"{_cell(change.source)} → {_cell(change.destination)}"
            lines.append(
                f"| {mark} | {path} | {_port(change)} | {causes or _cell(sentence(change))} |"
            )
        if len(diff.paths) > MAX_ROWS:
            more = len(diff.paths) - MAX_ROWS
            lines += ["", f"… and {more} more (`vpclint diff --format json` lists them all)."]
        lines += ["", "```mermaid", mermaid(diff).rstrip("\n"), "```"]
    for heading, findings, version in (
        ("Findings added", diff.added, diff.new),
        ("Findings fixed", diff.fixed, diff.old),
    ):
        if findings:
            lines += ["", f"### {heading}", "", "| rule | severity | where | message |"]
            lines.append("|---|---|---|---|")
            for f in findings:
                place = f"`{version.path_of(f.path)}:{f.line}`"
                lines.append(f"| {f.rule} | {f.severity.value} | {place} | {_cell(f.message)} |")
    if not diff.paths and not diff.added and not diff.fixed:
        lines += ["", "No change to the network's paths or findings."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# Edge styles: opened green and thick, closed red and dashed, unknown grey and dotted.
_EDGE_STYLES = {
    OPENED: ("==>", "stroke:#2e7d32,stroke-width:3px,color:#2e7d32"),
    CLOSED: ("-.->", "stroke:#c62828,stroke-width:2px,color:#c62828"),
    NOW_UNKNOWN: ("-.->", "stroke:#888888,stroke-width:1px"),
    NOW_KNOWN: ("-->", "stroke:#5b6b82,stroke-width:1px"),
    REROUTED: ("-->", "stroke:#d9822b,stroke-width:2px,color:#d9822b"),
}


def mermaid(diff: Diff) -> str:
    """A flowchart of the paths that changed: one node per end, one edge per path and change,
    its ports on the label."""
    from vpclint.show.mermaid import label

    grouped: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    for change in diff.paths:
        by_protocol = grouped.setdefault((change.source, change.destination, change.change), {})
        by_protocol.setdefault(change.protocol.upper(), []).append(str(change.port))
    grouped = dict(list(grouped.items())[:MAX_ROWS])  # as many edges as the table has rows
    ends: dict[str, str] = {}
    for source, destination, _ in grouped:
        for end in (source, destination):
            ends.setdefault(end, f"n{len(ends)}")
    out = ["flowchart LR"]
    for name, node in ends.items():
        shape = ("((", "))") if name == INTERNET else ("[", "]")
        out.append(f"  {node}{shape[0]}{label([name])}{shape[1]}")
    styles = []
    for number, ((source, destination, kind), ports) in enumerate(grouped.items()):
        arrow, style = _EDGE_STYLES[kind]
        text = f"{kind}: " + "; ".join(
            f"{name} {', '.join(numbers)}" for name, numbers in ports.items()
        )
        out.append(f"  {ends[source]} {arrow}|{label([text])}| {ends[destination]}")
        styles.append(f"  linkStyle {number} {style}")
    return "\n".join(out + styles) + "\n"


def _port(change: PathChange) -> str:
    """A TCP port by its number, as the table and diagram have always shown it; others named."""
    return (
        str(change.port) if change.protocol == "tcp" else f"{change.protocol.upper()} {change.port}"
    )


def _to(name: str) -> str:
    return "the internet" if name == INTERNET else name
