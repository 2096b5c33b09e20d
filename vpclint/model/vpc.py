"""VPCs and subnets: address space, and which route table and network ACL a subnet really uses."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vpclint.model.base import Intent, IPNetwork, IPv4Network, Resource, Tier, block_of, network_of
from vpclint.records import field, record
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.model.gateways import EgressOnlyInternetGateway, GatewayAttachment
    from vpclint.model.routing import RouteTable, RouteTableAssociation
    from vpclint.model.security import NetworkAcl, NetworkAclAssociation, SecurityGroup


@record(eq=False, repr=False)
class Vpc(Resource):
    cidr_blocks: list[Any] = field(default_factory=list)  # str or Unknown; primary first
    # Who wrote each block: the VPC itself, then its AWS::EC2::VPCCidrBlock resources.
    block_sources: list[Resource] = field(default_factory=list)
    ipv6_blocks: list[Any] = field(default_factory=list)  # str, or Unknown (Amazon-provided)
    dns_support: bool | Unknown = True
    dns_hostnames: bool | Unknown = False
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    gateway_attachments: list[GatewayAttachment] = field(default_factory=list)
    egress_only_gateways: list[EgressOnlyInternetGateway] = field(default_factory=list)
    main_route_table: RouteTable | None = None
    # Whether a subnet without an association certainly uses the main route table as written:
    # the template routes this VPC, and no association or route names something unknowable
    # (another stack, or a custom resource, may associate subnets or add routes to it).
    main_route_table_settled: bool = False
    default_security_group: SecurityGroup | None = None
    default_network_acl: NetworkAcl | None = None
    flow_logs: list[Resource] = field(default_factory=list)

    @property
    def networks(self) -> list[IPv4Network] | None:
        """The VPC's IPv4 blocks, or None when any of them is unknown."""
        blocks = [network_of(block) for block in self.cidr_blocks]
        if not blocks or any(block is None for block in blocks):
            return None
        return blocks  # type: ignore[return-value]

    def blocks_of(self, version: int) -> list[IPNetwork] | Unknown:
        """The VPC's IPv4 (4) or IPv6 (6) blocks: what its local routes cover."""
        blocks: list[IPNetwork] = []
        for value in self.cidr_blocks if version == 4 else self.ipv6_blocks:
            block = block_of(value)
            if block is None:
                return Unknown(f"a CIDR block of VPC {self.logical_id} is not known", self.mark)
            blocks.append(block)
        return blocks


@record(eq=False, repr=False)
class Subnet(Resource):
    vpc: Vpc | None = None
    cidr_block: Any = None
    ipv6_cidr_block: Any = None
    availability_zone: Any = None
    map_public_ip_on_launch: bool | Unknown = False
    intent: Intent = Intent(Tier.UNKNOWN)
    associations: list[RouteTableAssociation] = field(default_factory=list)
    acl_associations: list[NetworkAclAssociation] = field(default_factory=list)
    workloads: list[Resource] = field(default_factory=list)

    @property
    def zone(self) -> tuple[str, str] | None:
        """("name", "us-east-1a") or ("id", "use1-az1") when the subnet's zone is written and
        known (`AvailabilityZone`, or else `AvailabilityZoneId`); None otherwise."""
        if self.availability_zone is None:
            zone_id = self.properties.get("AvailabilityZoneId")
            return ("id", zone_id) if isinstance(zone_id, str) and zone_id else None
        zone = self.availability_zone
        return ("name", zone) if isinstance(zone, str) and zone else None

    @property
    def block(self) -> IPv4Network | None:
        return network_of(self.cidr_block)

    @property
    def network_acl(self) -> NetworkAcl | Unknown:
        """The network ACL the subnet uses: its association, or the VPC's default ACL."""
        if any(not a.certain or a.acl is None for a in self.acl_associations):
            return Unknown(f"the network ACL of subnet {self.logical_id} is not known", self.mark)
        acls = {id(a.acl): a.acl for a in self.acl_associations}
        if len(acls) > 1:
            return Unknown(f"subnet {self.logical_id} has several network ACLs", self.mark)
        if acls:
            return next(iter(acls.values()))  # type: ignore[return-value]
        if self.vpc is None or self.vpc.default_network_acl is None:
            return Unknown(f"the VPC of subnet {self.logical_id} is not in the template", self.mark)
        return self.vpc.default_network_acl

    @property
    def route_table(self) -> RouteTable | Unknown:
        """The route table the subnet uses: its one association, or the VPC's main table."""
        if any(not a.certain or a.route_table is None for a in self.associations):
            return Unknown(f"the route table of subnet {self.logical_id} is not known", self.mark)
        tables = {id(a.route_table): a.route_table for a in self.associations}
        if len(tables) > 1:
            return Unknown(f"subnet {self.logical_id} has several route tables", self.mark)
        if tables:
            return next(iter(tables.values()))  # type: ignore[return-value]
        if self.vpc is None or self.vpc.main_route_table is None:
            return Unknown(f"the VPC of subnet {self.logical_id} is not in the template", self.mark)
        if not self.vpc.main_route_table_settled:
            return Unknown(
                f"subnet {self.logical_id} may be routed outside the template", self.mark
            )
        return self.vpc.main_route_table

    @property
    def is_public(self) -> bool | Unknown:
        """Whether the subnet's route table sends the default route to an internet gateway."""
        table = self.route_table
        if isinstance(table, Unknown):
            return table
        return table.default_route_to_internet_gateway()


# A regular Availability Zone: us-east-1a, or its ID use1-az1 (not a Local or Wavelength Zone).
# Patterns stay text until first used (re caches them): compiling each at import costs start-up.
_REGULAR_ZONE = r"^[a-z]{2}(-[a-z]+)+-\d+[a-z]$|^[a-z]+\d+-az\d+$"
# The zones the CDK writes when it could not look a stack's zones up (dummy1a, dummy1b, ...).
_PLACEHOLDER_ZONE = r"^dummy\d+[a-z]$"


def is_regular_zone(zone: str) -> bool:
    """Whether a zone is a regular Availability Zone, by name or ID."""
    return re.match(_REGULAR_ZONE, zone) is not None


def is_placeholder_zone(zone: str) -> bool:
    """Whether a zone is a CDK placeholder (dummy1a): a zone of no region, so an unknown one."""
    return re.match(_PLACEHOLDER_ZONE, zone) is not None


def subnets_by_zone(items: list[Any]) -> dict[str, list[Subnet]] | None:
    """The subnets by zone, or None unless every item is a certain subnet with a known zone.

    Zones are all names (us-east-1a) or all IDs (use1-az1); a subnet listed twice counts once.
    """
    by_zone: dict[str, list[Subnet]] = {}
    kinds: set[str] = set()
    seen: set[int] = set()
    for item in items:
        if not isinstance(item, Subnet) or not item.certain:
            return None
        if id(item) in seen:
            continue
        seen.add(id(item))
        found = item.zone
        if found is None:
            return None
        kind, zone = found
        kinds.add(kind)
        by_zone.setdefault(zone, []).append(item)
    return by_zone if len(kinds) == 1 else None
