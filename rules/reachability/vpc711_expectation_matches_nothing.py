"""A declared expectation names what is not there, or cannot be read.

## What it does
Reports a selector of an expectation (`from` or `to`) that matches nothing in the templates
checked: a logical ID that no template declares (or declares under an undecided `Condition`),
a tag, type, tier or subnet that no workload has, or a `from` that matches only what answers
connections and never starts one (a database, a cache). For the configuration's expectations the
finding points at the configuration file, once no template of the run matches the selector;
for those in a template's Metadata, at the expectation, once the templates built with it do
not. An expectation in a template's Metadata that cannot be read (an unknown key, a bad
selector or port) is reported here too, with the key at fault.

## Why it matters
An expectation about nothing passes silently: "the database is never reachable from the
internet" proves nothing once the database is renamed. A clean result must mean "checked and
clean" (the selectors are the ones `vpclint reach` takes; see
https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html for
AWS's own way of naming the ends of a path).

## Example
```toml
[[expect]]
name = "database never from the internet"
from = "internet"
to = "Databse"   # misspelt
port = 5432
reachable = false
```

## Fix
Name what the templates declare, or remove the expectation that no longer applies.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.nodes import Mark

ID = "VPC711"
NAME = "expectation-matches-nothing"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    if not network.expectations:
        return
    # Here, not at the top: most networks carry no expectation, and start-up counts.
    from vpclint.expect import unmatched_message
    from vpclint.expect.verdicts import outcomes, where_written

    found = outcomes(network)
    for unreadable in found.unreadable:
        subject = where_written(network, unreadable)
        if subject is not None:
            yield Problem(
                subject,
                f"The expectation at {unreadable.key} cannot be read: {unreadable.message}.",
                Mark(unreadable.line, unreadable.column),
            )
    for unmatched in found.unmatched:
        expectation = unmatched.expectation
        subject = where_written(network, expectation)
        if subject is None:  # the configuration's: reported once for the whole run
            continue
        yield Problem(
            subject,
            unmatched_message(expectation, unmatched.side),
            Mark(expectation.line, expectation.column),
        )
