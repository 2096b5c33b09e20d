"""A declared expectation is broken: a path that must not exist does, or one that must is blocked.

## What it does
Checks the expectations written in the configuration (`[[expect]]` in `.vpclint.toml`, or
`[[tool.vpclint.expect]]` in pyproject.toml) and in the templates' Metadata
(`Metadata: {vpclint: {expect: [...]}}`). For every (source, destination) pair the selectors
match over the templates built together, and each port, the flow is walked as `vpclint reach`
walks it. When a path that must not exist (`reachable = false`) gets through, the finding gives
the path hop by hop; when one that must (`reachable = true`) is blocked, it names every
component that blocks it and how to fix it. Pairs that an unknown value decides are VPC712's.

## Why it matters
"The database is never reachable from the internet" and "the app instances reach Session
Manager" are what reviewers of a network change ask about. AWS Network Access Analyzer and
Reachability Analyzer answer them after deployment, for deployed resources
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/what-is-network-access-analyzer.html);
written down as expectations they are proven on every change, before anything exists.

## Example
```toml
[[expect]]
name = "database never from the internet"
from = "internet"
to = "type:AWS::RDS::DBInstance"
port = 5432
reachable = false
```
with a database in a public subnet whose security group allows 5432 from 0.0.0.0/0.

## Fix
Change the network (the hop the message names), or the expectation when the intent changed.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.nodes import Mark

ID = "VPC710"
NAME = "expectation-broken"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    if not network.expectations:
        return
    # Here, not at the top: most networks carry no expectation, and start-up counts.
    from vpclint.expect.verdicts import BROKEN, outcomes, shown, subject_of, traffic

    for outcome in outcomes(network).of(BROKEN):
        expectation, answer = outcome.expectation, outcome.answer
        source = shown(network, outcome.source)
        destination = shown(network, outcome.destination)
        head = f'Expectation "{expectation.name}" is broken: '
        if expectation.reachable:
            message = f"{head}{source} cannot reach {destination} on {traffic(outcome)} "
            message += answer.reasons
        else:
            hops = "; ".join(
                f"{number}. {hop.component} ({hop.kind}): {hop.detail}"
                for number, hop in enumerate(answer.hops, start=1)
            )
            via = f" via {answer.via}" if answer.via else ""
            via += f" ({answer.scope})" if answer.scope else ""
            message = f"{head}{source} reaches {destination} on {traffic(outcome)}{via}: {hops}"
        mark = Mark(expectation.line, expectation.column) if expectation.in_template else None
        yield Problem(
            subject_of(network, outcome, prefer_source=expectation.reachable),
            message.rstrip(".") + ".",
            mark,
        )
