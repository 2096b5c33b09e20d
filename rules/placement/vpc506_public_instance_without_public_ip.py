"""An instance in a public subnet gets no public IP address.

## What it does
Reports an `AWS::EC2::Instance` whose subnet is public (its effective route table certainly
sends `0.0.0.0/0` to an internet gateway) but which gets no public address: the subnet does not
set `MapPublicIpOnLaunch: true`, none of the instance's network interfaces sets
`AssociatePublicIpAddress: true`, no Elastic IP names the instance or one of its network
interfaces (`AWS::EC2::EIP` or `AWS::EC2::EIPAssociation`), and it has no IPv6 address.

The rule stays silent whenever a public address may exist: an instance, subnet or Elastic IP
under an undecided `Condition`; `MapPublicIpOnLaunch`, `AssociatePublicIpAddress`, the subnet or
the network interfaces behind an undecided `Fn::If` or from outside the template; an instance
launched from a launch template; and any Elastic IP of the template that is not certainly tied
to something else (it might be associated with the instance in a way vpclint cannot see).

## Why it matters
An internet gateway only translates for addresses that have a public IP. An instance without
one in a public subnet cannot reach the internet (package updates, the SSM agent, AWS APIs all
time out, because the subnet's default route goes to the gateway, not to a NAT gateway) and
cannot be reached from it. Either the instance was meant to have an address, or it belongs in a
private subnet routed through a NAT gateway.

## Example
```yaml
PublicSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24}  # routed to the IGW, no MapPublicIpOnLaunch
WebServer:
  Type: AWS::EC2::Instance
  Properties:
    ImageId: !Ref LatestAmiId
    SubnetId: !Ref PublicSubnet
```

## Fix
Give the instance an address (`NetworkInterfaces: [{DeviceIndex: "0", SubnetId: ...,
AssociatePublicIpAddress: true}]`, an `AWS::EC2::EIP` with `InstanceId`, or
`MapPublicIpOnLaunch: true` on the subnet), or move it to a private subnet whose default route
goes to a NAT gateway.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import ElasticIp, Instance, Network, Subnet
from vpclint.values import ResourceRef

ID = "VPC506"
NAME = "public-instance-without-public-ip"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    placed = _interfaces_of_instances(network)
    if any(_floating(eip, network, placed) for eip in network.elastic_ips):
        return  # an Elastic IP may be associated with an instance in a way we cannot see
    with_eip = {id(eip.network_interface) for eip in network.elastic_ips if eip.network_interface}
    for instance in network.instances:
        if not instance.certain or instance.elastic_ips:
            continue
        subnet = instance.subnet
        if subnet is None or not subnet.certain or subnet.is_public is not True:
            continue
        if subnet.map_public_ip_on_launch is not False or _ipv6_subnet(subnet):
            continue
        if _may_have_public_address(instance, with_eip):
            continue
        yield Problem(
            instance,
            f"Instance {instance.logical_id} is in public subnet {subnet.logical_id} but gets "
            "no public IP address (no MapPublicIpOnLaunch, AssociatePublicIpAddress or Elastic "
            "IP), so it cannot reach or be reached from the internet; give it a public address "
            "or an Elastic IP, or move it to a private subnet routed through a NAT gateway.",
        )


def _interfaces_of_instances(network: Network) -> set[int]:
    return {id(i) for instance in network.instances for i in instance.network_interfaces}


def _floating(eip: ElasticIp, network: Network, placed: set[int]) -> bool:
    """Whether an Elastic IP is not certainly tied to an instance, interface or gateway."""
    if eip.instance is not None:
        return False
    if eip.network_interface is not None:
        return id(eip.network_interface) not in placed  # attached some other way, maybe
    return not _consumed(eip, network)


def _consumed(eip: ElasticIp, network: Network) -> bool:
    """Whether a NAT gateway or a load balancer's subnet mapping takes the Elastic IP."""
    if any(nat.elastic_ip is eip for nat in network.nat_gateways if nat.certain):
        return True
    for balancer in network.load_balancers:
        mappings = balancer.properties.get("SubnetMappings")
        if balancer.certain and isinstance(mappings, list):
            for mapping in mappings:
                if isinstance(mapping, dict) and _names(mapping.get("AllocationId"), eip):
                    return True
    return False


def _names(value: Any, eip: ElasticIp) -> bool:
    return isinstance(value, ResourceRef) and value.logical_id == eip.logical_id


def _ipv6_subnet(subnet: Subnet | None) -> bool:
    """Whether instances of the subnet may get an IPv6 address (which needs no translation)."""
    if subnet is None:
        return False
    props = subnet.properties
    return _maybe_true(props.get("AssignIpv6AddressOnCreation")) or _maybe_true(
        props.get("Ipv6Native")
    )


def _may_have_public_address(instance: Instance, with_eip: set[int]) -> bool:
    props = instance.properties
    if "LaunchTemplate" in props or _has_ipv6(props):
        return True
    specs = props.get("NetworkInterfaces")
    if specs is not None:
        if not isinstance(specs, list) or not all(isinstance(spec, dict) for spec in specs):
            return True
        if any(_has_ipv6(spec) for spec in specs):
            return True
    return any(
        interface.associate_public_ip not in (None, False)
        or id(interface) in with_eip
        or (not interface.implicit and _has_ipv6(interface.properties))
        or _ipv6_subnet(interface.subnet)
        for interface in instance.network_interfaces
    )


def _has_ipv6(props: Any) -> bool:
    """Whether an instance or interface specification asks for IPv6 addresses."""
    count = props.get("Ipv6AddressCount")
    if count is not None and str(count) != "0":
        return True
    return props.get("Ipv6Addresses") not in (None, [])


def _maybe_true(value: Any) -> bool:
    """Whether a CloudFormation boolean is, or may be, true (absent counts as false)."""
    return value is not None and value is not False and str(value).lower() != "false"
