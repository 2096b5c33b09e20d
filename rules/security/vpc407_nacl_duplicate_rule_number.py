"""Two entries of one network ACL and direction share a rule number.

## What it does
Reports each `AWS::EC2::NetworkAclEntry` whose `RuleNumber` is already taken by another entry of
the same network ACL in the same direction (`Egress` true or false). Inbound and outbound entries
may share a number. The default network ACL already holds rule 100 in both directions, so an
entry a template adds to it (`NetworkAclId: !GetAtt VPC.DefaultNetworkAcl`) with number 100
is reported too. The finding points at every entry after the first.

Entries under an undecided `Condition`, and entries whose number, direction or ACL is behind an
undecided `Fn::If` or unknown (a parameter without default, `Fn::ImportValue`), are left out.

## Why it matters
A rule number identifies an entry within its direction, so EC2 refuses the second entry
("already exists") and the stack fails and rolls back. Even where one of them comes from another
tool, only one can exist, and which traffic the ACL lets through depends on which one won.

## Example
```yaml
InboundHttp:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: 6, RuleAction: allow,
               CidrBlock: 0.0.0.0/0, PortRange: {From: 80, To: 80}}
InboundHttps:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: 6, RuleAction: allow,
               CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
```

## Fix
Give each entry of a direction its own number, leaving gaps (100, 110, 120, ...) for later
entries.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, NetworkAcl, NetworkAclEntry

ID = "VPC407"
NAME = "nacl-duplicate-rule-number"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    defaults = [vpc.default_network_acl for vpc in network.vpcs]
    acls: list[NetworkAcl] = network.network_acls + [acl for acl in defaults if acl is not None]
    for acl in acls:
        taken: dict[tuple[bool, int], NetworkAclEntry] = {}
        # Implicit entries first: they exist before anything the template adds.
        for entry in sorted(acl.entries, key=lambda e: (not e.implicit, e.mark)):
            number, egress = entry.rule_number, entry.egress
            if not entry.certain or not isinstance(egress, bool):
                continue
            if not isinstance(number, int) or isinstance(number, bool):
                continue
            first = taken.setdefault((egress, number), entry)
            if first is entry:
                continue
            way = "outbound" if egress else "inbound"
            owner = (
                f"the default network ACL's own rule {number}"
                if first.implicit
                else f"entry {first.logical_id}"
            )
            yield Problem(
                entry,
                f"Network ACL entry {entry.logical_id} uses {way} rule number {number} of "
                f"{acl.logical_id}, which {owner} already has; give it a number no other "
                f"{way} entry of the ACL uses.",
            )
