"""A subnet is associated with several route tables, or with a route table of another VPC.

## What it does
Reports an `AWS::EC2::SubnetRouteTableAssociation` that cannot be created:

- a second (third, ...) association of a subnet that another association already gives a route
  table; the finding points at each association after the first one, in the order
  CloudFormation creates them where one waits for another (a `DependsOn`, a reference, or an
  output of the nested stack that holds the other one, whatever stack declares it), and in file
  order otherwise. With nested stacks loaded, this covers a parent template that associates a
  subnet a nested stack already associates (`Resource.AlreadyAssociated`);
- an association of a subnet with a route table of a different VPC (both VPCs in the template).

Associations under an undecided `Condition` are left out (two associations under opposite
conditions are a common way to choose a table), and so are subnets and route tables the rule
cannot resolve: behind an undecided `Fn::If`, imported, or from a parameter without default.
An association whose `RouteTableId` is not known still counts as an association of its subnet.

## Why it matters
A subnet has exactly one route table association. CloudFormation creates the first association
and fails on the next one ("the subnet is already associated"), or, on an update, the
associations replace each other so the subnet's routing depends on the order of operations. A
route table and a subnet of different VPCs cannot be associated at all. Either way the stack
rolls back.

## Example
```yaml
PrivateSubnetARouteTableAssociation:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties: {SubnetId: !Ref PrivateSubnetA, RouteTableId: !Ref PrivateRouteTableA}
PrivateSubnetAPublicAssociation:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties: {SubnetId: !Ref PrivateSubnetA, RouteTableId: !Ref PublicRouteTable}
```

## Fix
Keep one association per subnet (choose the table with `Fn::If` if it depends on a
condition), and associate each subnet only with route tables of its own VPC.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC107"
NAME = "route-table-association-conflict"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for subnet in network.subnets:
        if not subnet.certain:
            continue
        found = [a for a in subnet.associations if a.certain]
        # The one CloudFormation creates first stands; one that waits for another (through
        # DependsOn, a reference, or a nested stack's output) comes later; else file order.
        certain = sorted(
            found,
            key=lambda a: (sum(network.created_after(a, [b]) for b in found if b is not a), a.mark),
        )
        for index, association in enumerate(certain):
            table = association.route_table
            if index > 0:
                first = certain[0]
                yield Problem(
                    association,
                    f"Subnet {subnet.logical_id} is already associated with "
                    f"{_table(first.route_table)} by {first.logical_id}, so association "
                    f"{association.logical_id} with {_table(table)} fails; keep one "
                    "association per subnet.",
                )
            elif (
                table is not None
                and table.certain
                and table.vpc is not None
                and subnet.vpc is not None
                and table.vpc is not subnet.vpc
            ):
                yield Problem(
                    association,
                    f"Association {association.logical_id} puts subnet {subnet.logical_id} of "
                    f"{subnet.vpc.logical_id} on route table {table.logical_id} of "
                    f"{table.vpc.logical_id}, which AWS rejects; associate the subnet with a "
                    f"route table of {subnet.vpc.logical_id}.",
                )


def _table(table: object) -> str:
    logical_id = getattr(table, "logical_id", None)
    return f"route table {logical_id}" if logical_id else "a route table"
