"""A public IP address is handed out in a subnet with no route to an internet gateway.

## What it does
Reports a subnet with `MapPublicIpOnLaunch: true`, and an instance or network interface with
`AssociatePublicIpAddress: true` (in its `NetworkInterfaces`), whose subnet has no route to an
internet gateway: its effective route table (its association, or the VPC's main route table)
certainly has no IPv4 route to an internet gateway, and its default route, if any, goes to a NAT
gateway, a virtual private gateway, a transit gateway or a peering connection, or to an
instance or network interface that cannot send the replies out as they came: one that keeps its
source/destination check on (it drops them, see VPC110), or a NAT instance (its check off)
in a VPC whose internet gateway has no ingress routing (edge association) that would bring the
inbound half of the traffic through it too. A default route to a firewall or Gateway Load
Balancer endpoint, or to an instance or interface where ingress routing exists (an inspection
appliance in front of the internet gateway), keeps the rule silent. A subnet without
an association is taken to use the main route table only when the template routes its VPC (a
route table or a gateway attachment of its own) and no route or association names a table or
subnet vpclint cannot know (otherwise another stack may route it).

Subnets, instances, routes and associations under an undecided `Condition`, and values behind an
undecided `Fn::If` or from outside the template (a parameter without default,
`Fn::ImportValue`), keep the rule silent.

## Why it matters
A public IPv4 address works only through an internet gateway: traffic from the internet reaches
the address, but the replies follow the subnet's route table and never get back (a NAT instance
sends them under its own address, which the client does not expect). The address
does nothing but cost money (AWS charges for every public IPv4 address) and suggest an exposure
that does not exist, or hides the real mistake: the subnet was meant to be public and is
associated with the wrong route table.

## Example
```yaml
AppSubnet:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref VPC
    CidrBlock: 10.0.10.0/24
    MapPublicIpOnLaunch: true  # but associated with the NAT route table
```

## Fix
Set `MapPublicIpOnLaunch: false` (or drop `AssociatePublicIpAddress`) for a private subnet, or
associate the subnet with a route table that sends `0.0.0.0/0` to an internet gateway if it is
meant to be public.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.routes import certainly_private
from vpclint.model import Network, NetworkInterface, RouteTable, Subnet, TargetKind

ID = "VPC505"
NAME = "public-ip-in-private-subnet"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    def private(subnet: Subnet | None) -> bool:
        return subnet is not None and subnet.certain and certainly_private(subnet)

    for subnet in network.subnets:
        if subnet.map_public_ip_on_launch is True and private(subnet):
            yield Problem(
                subnet,
                f"Subnet {subnet.logical_id} has MapPublicIpOnLaunch: true but no route to an "
                f"internet gateway ({_how_routed(subnet)}), so its public addresses are "
                "unusable; set MapPublicIpOnLaunch to false, or route the subnet to an internet "
                "gateway if it is meant to be public.",
            )
    for instance in network.instances:
        if not instance.certain:
            continue
        asking = [
            interface.subnet
            for interface in instance.network_interfaces
            if interface.implicit
            and interface.associate_public_ip is True
            and interface.subnet is not None
            and private(interface.subnet)
        ]
        if asking:
            yield Problem(
                instance,
                f"Instance {instance.logical_id} asks for a public IP address "
                f"(AssociatePublicIpAddress: true) in subnet {asking[0].logical_id}, which has "
                "no route to an internet gateway; drop AssociatePublicIpAddress, or launch the "
                "instance in a public subnet.",
            )
    for interface in network.network_interfaces:
        if not interface.certain or interface.implicit:
            continue
        if interface.associate_public_ip is True and private(interface.subnet):
            yield Problem(interface, _interface_message(interface))


def _interface_message(interface: NetworkInterface) -> str:
    name = interface.subnet.logical_id if interface.subnet else "?"
    return (
        f"Network interface {interface.logical_id} asks for a public IP address "
        f"(AssociatePublicIpAddress: true) in subnet {name}, which has no route to an internet "
        "gateway; drop AssociatePublicIpAddress, or place it in a public subnet."
    )


def _how_routed(subnet: Subnet) -> str:
    table = subnet.route_table
    if not isinstance(table, RouteTable):
        return "route table unknown"
    where = "the VPC's main route table" if table.is_main else f"route table {table.logical_id}"
    default = next((r for r in table.routes if r.destination == "0.0.0.0/0"), None)
    if default is not None and default.target.kind in (
        TargetKind.INSTANCE,
        TargetKind.NETWORK_INTERFACE,
    ):
        target = default.target.describe()
        return f"{where} sends 0.0.0.0/0 to {target}, which does not pass replies out unchanged"
    return f"it uses {where}" if table.is_main else where
