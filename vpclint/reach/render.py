"""An answer for people (text) and for tools (a JSON document)."""

from __future__ import annotations

from typing import Any

from vpclint.reach.answer import REACHABLE, UNREACHABLE, Answer

VERDICTS = {"reachable": "reachable", "unreachable": "NOT reachable", "unknown": "UNKNOWN"}


def text(answer: Answer, source: str, destination: str, traffic: str) -> str:
    head = f"{source} -> {destination} ({traffic}): {VERDICTS[answer.verdict]}"
    if answer.verdict == REACHABLE and answer.via:
        head += f" via {answer.via}"
    if answer.code and answer.verdict != REACHABLE:
        head += f" [{answer.code}]"
    if answer.scope:
        head += f" ({answer.scope})"
    lines = [head]
    width = max((len(hop.component) for hop in answer.hops), default=0)
    for number, hop in enumerate(answer.hops, start=1):
        lines.append(f"  {number:>2}. {hop.component:<{width}}  {hop.kind:<15} {hop.detail}")
    if answer.verdict == UNREACHABLE:
        first, *others = answer.blocks
        lines.append(f"  why: {first.explanation}")
        lines.append(f"  fix: {first.fix}")
        for block in others:
            lines.append(f"  also blocked by {block.component} [{block.code}]: {block.explanation}")
            lines.append(f"    fix: {block.fix}")
    elif answer.unknowns:
        reasons = list(dict.fromkeys(hop.detail for hop in answer.unknowns))
        lines.append(f"  unknown: {reasons[0]}")
        lines.extend(f"  also unknown: {reason}" for reason in reasons[1:])
    if answer.conditions and answer.verdict != UNREACHABLE:
        lines.append(f"  only if: {'; '.join(answer.conditions)}")
    return "\n".join(lines)


def document(
    answer: Answer, source: str, destination: str, protocol: str, port: int | None
) -> dict[str, Any]:
    query = {"from": source, "to": destination, "protocol": protocol, "port": port}
    return {**query, **answer.as_json()}
