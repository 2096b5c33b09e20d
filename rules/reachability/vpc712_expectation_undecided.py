"""A declared expectation cannot be decided from the templates.

## What it does
For the expectations VPC710 checks, reports each (source, destination, port) whose answer
depends on what the templates do not say: an imported value with no matching export, a
parameter without a default, a route hung on an undecided condition, or a path that passes a
firewall or appliance whose policy vpclint cannot see. The message says what could not be
decided.

## Why it matters
A clean result must mean "checked and clean". An expectation that cannot be decided is neither
kept nor broken, and saying so is the honest answer
(https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html lists what AWS's
own walk reports after deployment).

## Example
An app stack whose instance sits in a subnet imported from a stack that is not given with it.

## Fix
Give the linked templates together, pass the parameter (`-p`), or accept the info finding.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.nodes import Mark

ID = "VPC712"
NAME = "expectation-undecided"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    if not network.expectations:
        return
    # Here, not at the top: most networks carry no expectation, and start-up counts.
    from vpclint.expect.verdicts import UNDECIDED, outcomes, shown, subject_of, traffic

    for outcome in outcomes(network).of(UNDECIDED):
        expectation = outcome.expectation
        mark = Mark(expectation.line, expectation.column) if expectation.in_template else None
        yield Problem(
            subject_of(network, outcome, prefer_source=expectation.reachable),
            f'Expectation "{expectation.name}" cannot be decided: whether '
            f"{shown(network, outcome.source)} reaches {shown(network, outcome.destination)} "
            f"on {traffic(outcome)} depends on what "
            f"the templates do not say: {outcome.reason.rstrip('.')}.",
            mark,
        )
