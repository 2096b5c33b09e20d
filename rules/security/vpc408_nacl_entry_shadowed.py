"""A network ACL entry can never match: an earlier entry takes all its traffic.

## What it does
Network ACLs evaluate the entries of a direction in rule-number order and stop at the first
match. This rule reports an entry when a single entry of the same ACL and direction with a lower
rule number covers all of its traffic: the same protocol or all protocols (`-1`), a port range
(or ICMP type and code) that includes its own, and a CIDR block that contains its own. Gaps
closed only by several earlier entries together are not looked for. The default network ACL's
rule 100, which allows everything, counts as an earlier entry for entries a template adds to it.

An entry under an undecided `Condition`, or with a value behind an undecided `Fn::If` or one that
is unknown (a parameter without default, `Fn::ImportValue`), is neither reported nor used to
shadow another.

## Why it matters
A shadowed entry is dead configuration. When its action differs from the entry that hides it,
the ACL does the opposite of what the author wrote: a `deny` for a hostile block placed after a
broad `allow` blocks nothing, and an `allow` after a broad `deny` never lets anything through.

## Example
```yaml
AllowAllInbound:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: -1,
               RuleAction: allow, CidrBlock: 0.0.0.0/0}
DenyBadActors:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 200, Protocol: -1,
               RuleAction: deny, CidrBlock: 198.51.100.0/24}
```

## Fix
Give the narrower entry a lower rule number than the broad one (for example 90 for the deny
above), or remove it if it is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.network_acls import shadows
from vpclint.model import KnownEntry, Network

ID = "VPC408"
NAME = "nacl-entry-shadowed"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for acl in network.all_network_acls:
        for egress in (False, True):
            earlier: list[KnownEntry] = []
            for entry in acl.entries_in(egress):
                known = entry.known
                if known is None:
                    continue
                cover = next(
                    (e for e in earlier if e.number < known.number and shadows(e, known)), None
                )
                if cover is not None and not entry.implicit:
                    yield Problem(
                        entry,
                        f"Network ACL entry {entry.logical_id} ({known.describe()}) can never "
                        f"match: {cover.name} ({cover.describe()}) comes first in "
                        f"{acl.logical_id} and covers all its traffic; give it a lower rule "
                        f"number than {cover.number} or remove it.",
                    )
                earlier.append(known)
