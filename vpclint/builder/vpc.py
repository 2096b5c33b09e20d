"""VPCs (with their implicit main route table, default security group and default network
ACL), their extra CIDR blocks, and subnets."""

from __future__ import annotations

from vpclint.builder.core import Builder, Constructor, as_bool
from vpclint.intent import subnet_intent
from vpclint.model import (
    EndpointType,
    Intent,
    NetworkAcl,
    NetworkAclEntry,
    Resource,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    TargetKind,
    Tier,
    Vpc,
    VpcEndpoint,
    is_placeholder_zone,
)
from vpclint.values import Unknown


def vpc(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        Vpc,
        base,
        cidr_blocks=[props.get("CidrBlock", Unknown("the VPC takes its block from IPAM"))],
        dns_support=as_bool(props.get("EnableDnsSupport"), True),
        dns_hostnames=as_bool(props.get("EnableDnsHostnames"), False),
    )
    # The main route table holds only the local route; the default group admits itself.
    made.main_route_table = RouteTable(
        f"{made.logical_id}.MainRouteTable",
        "AWS::EC2::RouteTable",
        made.mark,
        certain=made.certain,
        implicit=True,
        origin=made.origin,
        vpc=made,
        is_main=True,
    )
    default = SecurityGroup(
        f"{made.logical_id}.DefaultSecurityGroup",
        "AWS::EC2::SecurityGroup",
        made.mark,
        certain=made.certain,
        implicit=True,
        origin=made.origin,
        vpc=made,
        is_default=True,
    )
    default.ingress.append(
        SecurityGroupRule(default, "ingress", made.mark, default.logical_id, peer=default)
    )
    made.default_security_group = default
    # The default network ACL allows all traffic both ways (rule 100, then the final deny).
    acl = NetworkAcl(
        f"{made.logical_id}.DefaultNetworkAcl",
        "AWS::EC2::NetworkAcl",
        made.mark,
        certain=made.certain,
        implicit=True,
        origin=made.origin,
        vpc=made,
        is_default=True,
    )
    allow_all(acl, 100, ipv6=False)
    made.default_network_acl = acl
    made.block_sources.append(made)
    b.network.vpcs.append(made)


# The properties that make an AWS::EC2::VPCCidrBlock an IPv6 block.
IPV6_BLOCK_PROPERTIES = (
    "AmazonProvidedIpv6CidrBlock",
    "Ipv6CidrBlock",
    "Ipv6IpamPoolId",
    "Ipv6Pool",
)


def vpc_cidr_block(b: Builder, base: Resource) -> None:
    b.register(base)

    def wire() -> None:
        props = base.properties
        found = b.lookup(props.get("VpcId"), Vpc)
        if found is None:
            return
        if any(key in props for key in IPV6_BLOCK_PROPERTIES):
            if "Ipv6CidrBlock" in props:
                block = props["Ipv6CidrBlock"]
            else:
                block = Unknown(f"{base.logical_id} takes an IPv6 block AWS chooses", base.mark)
            found.ipv6_blocks.append(
                block if base.certain else Unknown(f"{base.logical_id} may not be created")
            )
            if base.certain and found.default_network_acl is not None:
                # With its first IPv6 block AWS adds rule 101 (all ::/0) to the default ACL,
                # once: a second block adds no entry.
                allow_all(found.default_network_acl, 101, ipv6=True)
            return
        # A literal block, or one IPAM allocates from an IPv4 pool.
        block = props.get(
            "CidrBlock", Unknown(f"{base.logical_id} takes its block from IPAM", base.mark)
        )
        found.cidr_blocks.append(
            block if base.certain else Unknown(f"{base.logical_id} may not be created")
        )
        found.block_sources.append(base)

    b.first.append(wire)


def subnet(b: Builder, base: Resource) -> None:
    props = base.properties
    metadata = b.resolver_of(base).resolve(b.body_of(base).get("Metadata"))
    made = b.make(
        Subnet,
        base,
        cidr_block=props.get("CidrBlock"),
        ipv6_cidr_block=props.get("Ipv6CidrBlock"),
        availability_zone=known_zone(props.get("AvailabilityZone"), base),
        map_public_ip_on_launch=as_bool(props.get("MapPublicIpOnLaunch"), False),
        intent=subnet_intent(base.logical_id, metadata, props.get("Tags"), *b.intent_words),
    )
    b.network.subnets.append(made)

    def wire() -> None:
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        if made.vpc:
            made.vpc.subnets.append(made)

    b.first.append(wire)


# Default-route targets that give a subnet a way out other than an internet gateway, chosen on
# purpose: a subnet routed there is not meant to be public, whatever its MapPublicIpOnLaunch.
_PRIVATE_EGRESS = {
    TargetKind.NAT_GATEWAY,
    TargetKind.TRANSIT_GATEWAY,
    TargetKind.VPN_GATEWAY,
    TargetKind.PEERING,
    TargetKind.CORE_NETWORK,
}
PUBLIC_FLAG = "MapPublicIpOnLaunch is true"


def weigh_public_flag(subnet: Subnet) -> None:
    """Let `MapPublicIpOnLaunch: true` make a subnet meant to be public, once routing and
    workloads are wired, when neither Metadata nor names decided its intent.

    The flag is a weak signal (it is often copied along, and harmless on its own): it does not
    outweigh what the subnet holds (a Gateway Load Balancer endpoint: an inspection subnet) or
    how it is routed (a certain default route to a NAT, transit or VPN gateway, a peering
    connection or a core network). Such a subnet stays of unknown intent; VPC505 reports its
    useless flag.
    """
    if subnet.intent.tier is not Tier.UNKNOWN or subnet.map_public_ip_on_launch is not True:
        return
    for workload in subnet.workloads:
        if (
            isinstance(workload, VpcEndpoint)
            and workload.certain
            and workload.endpoint_type is EndpointType.GATEWAY_LOAD_BALANCER
        ):
            return
    table = subnet.route_table
    if isinstance(table, RouteTable) and table.certain:
        for route in table.routes:
            if (
                route.certain
                and route.destination == "0.0.0.0/0"
                and route.target.kind in _PRIVATE_EGRESS
            ):
                return
    subnet.intent = Intent(Tier.PUBLIC, PUBLIC_FLAG)


def known_zone(zone: object, subnet: Resource) -> object:
    """The subnet's zone as written, or Unknown for a CDK placeholder (dummy1a): a stack whose
    zones the CDK could not look up is synthesized with zones of no region."""
    if isinstance(zone, str) and is_placeholder_zone(zone):
        return Unknown(
            f"subnet {subnet.logical_id} has the CDK placeholder zone {zone}, not a real one",
            subnet.mark_of("AvailabilityZone"),
        )
    return zone


def allow_all(acl: NetworkAcl, number: int, ipv6: bool) -> None:
    """Add a default ACL's allow-everything entries (both directions) for IPv4 or IPv6, unless
    AWS already made them: each exists once, however many blocks asked for it."""
    for egress in (False, True):
        direction = "Egress" if egress else "Ingress"
        name = f"{acl.logical_id}.{direction}{number}"
        if any(entry.implicit and entry.logical_id == name for entry in acl.entries):
            continue
        acl.entries.append(
            NetworkAclEntry(
                name,
                "AWS::EC2::NetworkAclEntry",
                acl.mark,
                certain=acl.certain,
                implicit=True,
                origin=acl.origin,
                acl=acl,
                rule_number=number,
                egress=egress,
                cidr_ipv4=None if ipv6 else "0.0.0.0/0",
                cidr_ipv6="::/0" if ipv6 else None,
            )
        )


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::VPC": vpc,
    "AWS::EC2::VPCCidrBlock": vpc_cidr_block,
    "AWS::EC2::Subnet": subnet,
}
