"""A subnet is too small for the addresses the template places in it.

## What it does
Counts the private IPv4 addresses the template certainly places in each subnet and reports a
subnet where they exceed what is usable: the block's size minus the five addresses AWS reserves
(a /28 has 11 usable, a /24 has 251). Counted are: each instance's primary network interface and
every further inline interface in the same subnet, each `AWS::EC2::NetworkInterface`, interface
and Gateway Load Balancer endpoints (one per subnet), NAT gateways, and load balancers (eight
per subnet for an Application or Classic Load Balancer, which AWS asks to have free, one for a
Network or Gateway Load Balancer); secondary private addresses given with
`SecondaryPrivateIpAddressCount` or `PrivateIpAddresses` are added when known. Workloads under
an undecided `Condition`, with an unknown type, or in a subnet chosen by an undecided `Fn::If`
are not counted: they could only add addresses, so the rule stays silent whenever they alone
would tip the subnet over. Subnets with an unknown block are skipped.

## Why it matters
Every network interface takes an address from its subnet. When the subnet runs out, the
resource that comes last fails to create ("insufficient free addresses"), the stack rolls back,
and a load balancer cannot scale. Small /28 subnets for endpoints or load balancers fill up
faster than expected because of the five reserved addresses.

## Example
```yaml
EndpointSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/28}  # 11 usable
PublicLoadBalancer:
  Type: AWS::ElasticLoadBalancingV2::LoadBalancer
  Properties: {Subnets: [!Ref EndpointSubnet, !Ref EndpointSubnetB]}  # needs 8
NatGateway:
  Type: AWS::EC2::NatGateway
  Properties: {SubnetId: !Ref EndpointSubnet, AllocationId: !GetAtt NatEip.AllocationId}
# ... and three interface endpoints in EndpointSubnet: 12 addresses
```

## Fix
Give the subnet a larger block (a /27 has 27 usable addresses, a /24 has 251), or move some of
the resources to another subnet.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import (
    LOAD_BALANCER_ADDRESSES,
    EndpointType,
    Instance,
    LoadBalancer,
    LoadBalancerKind,
    NatGateway,
    Network,
    NetworkInterface,
    Resource,
    Subnet,
    VpcEndpoint,
    network_of,
)

ID = "VPC206"
NAME = "subnet-capacity"
SEVERITY = "warning"

RESERVED = 5  # the first four addresses and the last one of every subnet
ENDPOINTS_WITH_INTERFACES = (EndpointType.INTERFACE, EndpointType.GATEWAY_LOAD_BALANCER)


def check(network: Network) -> Iterator[Problem]:
    placed: dict[int, list[tuple[Resource, int]]] = {}
    for subnet in network.subnets:
        seen: set[int] = set()
        for workload in subnet.workloads:
            if id(workload) in seen or isinstance(workload, Instance):
                continue  # instances are counted per interface below
            seen.add(id(workload))
            count = _addresses(workload)
            if count:
                placed.setdefault(id(subnet), []).append((workload, count))
    for instance in network.instances:
        for subnet, count in _instance_addresses(instance):
            placed.setdefault(id(subnet), []).append((instance, count))
    for subnet in network.subnets:
        block = network_of(subnet.cidr_block)
        if not subnet.certain or block is None or not 16 <= block.prefixlen <= 28:
            continue
        usable = block.num_addresses - RESERVED
        holders = placed.get(id(subnet), [])
        total = sum(count for _, count in holders)
        if total > usable:
            yield Problem(subnet, _message(subnet, str(block), usable, total, holders))


def _addresses(workload: Resource) -> int:
    """Addresses a (non-instance) workload certainly takes in each subnet it sits in."""
    if not workload.certain:
        return 0
    if isinstance(workload, NetworkInterface):
        return 1 + _secondary(workload.properties)
    if isinstance(workload, VpcEndpoint):
        return 1 if workload.endpoint_type in ENDPOINTS_WITH_INTERFACES else 0
    if isinstance(workload, NatGateway):
        props = workload.properties
        listed = props.get("SecondaryPrivateIpAddresses")
        extra = max(
            _number(props.get("SecondaryPrivateIpAddressCount")),
            len(listed) if isinstance(listed, list) else 0,
        )
        return 1 + extra
    if isinstance(workload, LoadBalancer) and isinstance(workload.kind, LoadBalancerKind):
        return LOAD_BALANCER_ADDRESSES[workload.kind]
    return 0


def _instance_addresses(instance: Instance) -> list[tuple[Subnet, int]]:
    """(subnet, addresses) for each interface the instance itself creates."""
    if not instance.certain:
        return []
    if not instance.network_interfaces:
        return [(instance.subnet, 1)] if instance.subnet is not None else []
    specs = instance.properties.get("NetworkInterfaces")
    specs = specs if isinstance(specs, list) else []
    found = []
    for index, interface in enumerate(instance.network_interfaces):
        # A NetworkInterface resource attached by ID is counted as a workload of its own.
        if not interface.implicit or not isinstance(interface.subnet, Subnet):
            continue
        spec = specs[index] if index < len(specs) and isinstance(specs[index], dict) else {}
        found.append((interface.subnet, 1 + _secondary(spec)))
    return found


def _secondary(props: Any) -> int:
    """Known secondary private addresses of an interface (a lower bound)."""
    listed = props.get("PrivateIpAddresses")
    from_list = len(listed) - 1 if isinstance(listed, list) and listed else 0
    return max(_number(props.get("SecondaryPrivateIpAddressCount")), from_list)


def _number(value: Any) -> int:
    """A known non-negative count, or 0 when it is absent or unknown."""
    if isinstance(value, bool):
        return 0
    try:
        return max(int(str(value)), 0) if value is not None else 0
    except ValueError:
        return 0


def _message(
    subnet: Subnet, block: str, usable: int, total: int, holders: list[tuple[Resource, int]]
) -> str:
    merged: dict[int, tuple[Resource, int]] = {}
    for resource, count in holders:  # an instance with several interfaces here counts once
        merged[id(resource)] = (resource, merged.get(id(resource), (resource, 0))[1] + count)
    biggest = sorted(merged.values(), key=lambda item: (-item[1], item[0].logical_id))
    shown = ", ".join(f"{resource.logical_id} {count}" for resource, count in biggest[:4])
    if len(biggest) > 4:
        shown += f" and {len(biggest) - 4} more"
    return (
        f"Subnet {subnet.logical_id} ({block}) has {usable} usable addresses after the 5 AWS "
        f"reserves, but the template places {total} in it ({shown}); give the subnet a larger "
        "block or move some of these resources to another subnet."
    )
