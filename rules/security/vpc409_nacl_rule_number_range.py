"""A network ACL entry's rule number is outside 1-32766.

## What it does
Reports each `AWS::EC2::NetworkAclEntry` whose `RuleNumber` is below 1 or above 32766. Numbers
32767 and up belong to the implicit final deny entries AWS adds to every ACL.

An entry under an undecided `Condition`, or whose number is behind an undecided `Fn::If` or
unknown (a parameter without default, `Fn::ImportValue`), is not reported.

## Why it matters
EC2 accepts rule numbers from 1 to 32766 only, so the entry is refused and the stack fails and
rolls back. A number such as 0 or 50000 often comes from a generated or computed value that went
past its intended range.

## Example
```yaml
InboundHttps:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 0, Protocol: 6, RuleAction: allow,
               CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
```

## Fix
Use a number from 1 to 32766; leave gaps between entries (100, 110, 120, ...) so later entries
can be slotted in.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC409"
NAME = "nacl-rule-number-range"
SEVERITY = "error"

LOWEST, HIGHEST = 1, 32766


def check(network: Network) -> Iterator[Problem]:
    for entry in network.network_acl_entries:
        number = entry.rule_number
        if not entry.certain or entry.implicit or not isinstance(number, int):
            continue
        if isinstance(number, bool) or LOWEST <= number <= HIGHEST:
            continue
        yield Problem(
            entry,
            f"Network ACL entry {entry.logical_id} has RuleNumber {number}, outside the "
            f"{LOWEST}-{HIGHEST} that AWS accepts; use a number in that range.",
        )
