"""A suppression in the template's Metadata suppresses nothing.

## What it does
Reports each rule listed under `Metadata: {vpclint: {ignore: [...]}}` (at the top of the
template, or on a resource) that suppressed no finding in this run. Rules that are not selected
are not reported: they could not have suppressed anything.

## Why it matters
Suppressions outlive the problems they hid. A stale one hides the next real finding of that rule
on that resource without anyone noticing, exactly as an unused `noqa` comment does in Python.

## Example
```yaml
PublicSubnetA:
  Type: AWS::EC2::Subnet
  Metadata:
    vpclint:
      ignore: [VPC101]
      reason: the NAT gateway is not ready yet
```
(VPC101 reports nothing for a public subnet, so the suppression is unused.)

## Fix
Remove the rule from the `ignore` list, or the whole `vpclint` Metadata entry.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC000"
NAME = "unused-suppression"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    # Whether a suppression was used is known only once every other rule has run, so
    # vpclint.suppressions reports this rule; it has nothing to check in the network.
    return iter(())
