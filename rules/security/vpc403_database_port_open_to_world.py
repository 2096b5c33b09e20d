"""A security group lets a database port in from the whole internet.

## What it does
Reports each TCP ingress rule of a security group whose port range includes a well-known
database or cache port and whose source is a `/0` block (`0.0.0.0/0`, `::/0`, or any block with
prefix length 0; addresses are compared, not strings). The ports are 3306 (MySQL/MariaDB), 5432
(PostgreSQL), 1433 (SQL Server), 1521 (Oracle), 6379 (Redis), 11211 (Memcached), 27017 (MongoDB)
and 9200 (Elasticsearch/OpenSearch). Rules written inline and as standalone
`AWS::EC2::SecurityGroupIngress` resources both count; the finding points at the rule.

A rule that allows all traffic (`IpProtocol: -1`, or TCP ports 0-65535) is VPC402's and is not
reported here. Each rule reports its own ports: a range that also covers 22 or 3389 gets a VPC401
finding for those and a VPC403 finding for the database ports. A rule under an undecided
`Condition` (its group's or its own), a rule or value behind an undecided `Fn::If`, and a rule
whose ports or source are unknown (a parameter without default, `Fn::ImportValue`) are not
reported.

## Why it matters
Databases and caches reachable from the internet are found by scanners within minutes; many
(Redis, Memcached, Elasticsearch, MongoDB) run without authentication by default, and the rest
are exposed to password guessing and to every unpatched flaw of the server. Data breaches and
ransom notes left in emptied databases start with exactly this rule.

## Example
```yaml
DatabaseSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref VPC
    GroupDescription: database
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}
```

## Fix
Admit the database port only from the application's security group
(`SourceSecurityGroupId: !Ref AppSecurityGroup`) or from the VPC's block
(`CidrIp: !GetAtt VPC.CidrBlock`).
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.security_groups import world_exposed_tcp_ports
from vpclint.model import Network

ID = "VPC403"
NAME = "database-port-open-to-world"
SEVERITY = "error"

DATABASE_PORTS = {
    1433: "SQL Server",
    1521: "Oracle",
    3306: "MySQL",
    5432: "PostgreSQL",
    6379: "Redis",
    9200: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
}


def check(network: Network) -> Iterator[Problem]:
    for rule, world, exposed in world_exposed_tcp_ports(
        network.all_security_groups, DATABASE_PORTS
    ):
        yield Problem(
            rule.subject,
            f"{rule.describe(capital=True)} lets {', '.join(exposed)} in from the whole "
            f"internet ({world}); admit database ports only from the application's security "
            "group or the VPC's CIDR block.",
            mark=rule.mark,
        )
