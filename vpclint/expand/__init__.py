"""What CloudFormation does to templates before it resolves them: loops (`foreach`), SAM
(`sam`), nested and linked stacks (`stacks`, `links`), CDK assemblies (`cdk`).

Here, what tells whether a template needs the loop or SAM step at all: a template with neither
does not import their expanders, on every commit's start-up.
"""

from __future__ import annotations

from typing import Any

LOOP_PREFIX = "Fn::ForEach::"
SECTIONS = ("Conditions", "Resources", "Outputs")  # where loops may be
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def has_loops(template: Any) -> bool:
    """Whether a `Fn::ForEach::` key is anywhere a loop may be: a quick scan, no copying."""
    if not isinstance(template, dict):
        return False
    pending: list[Any] = [template.get(section) for section in SECTIONS]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key in node:
                if isinstance(key, str) and key.startswith(LOOP_PREFIX):
                    return True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False
