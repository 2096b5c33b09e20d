"""Databases, caches and file systems: database and cache subnet groups, RDS DB instances and
clusters, ElastiCache clusters, replication groups and serverless caches, and EFS mount
targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool, first_subnet, known
from vpclint.model import InternetGateway, Resource, Subnet, SubnetGroup, Workload
from vpclint.values import Unknown

SUBNET_GROUPS = {
    "AWS::RDS::DBSubnetGroup": "RDS",
    "AWS::ElastiCache::SubnetGroup": "ElastiCache",
    "AWS::Redshift::ClusterSubnetGroup": "Redshift",
    "AWS::DocDB::DBSubnetGroup": "DocumentDB",
    "AWS::Neptune::DBSubnetGroup": "Neptune",
}


def subnet_group(b: Builder, base: Resource) -> None:
    group = b.make(SubnetGroup, base, service=SUBNET_GROUPS[base.type])
    b.network.subnet_groups.append(group)

    def wire() -> None:
        group.subnets = b.refer_all(base.properties.get("SubnetIds"), Subnet)

    b.wiring.append(wire)


_DEFAULT_VPC = "without a subnet group it sits in the default VPC"


def _group_subnets(b: Builder, owner: Resource, value: Any, name_property: str) -> Any:
    """The subnets of a database or cache subnet group, named by `!Ref` or by its name."""
    if value is None:
        return Unknown(_DEFAULT_VPC)
    if isinstance(value, Unknown):
        return value
    group = b.lookup(value, SubnetGroup)
    if group is None and isinstance(value, str):
        group = next(
            (
                g
                for g in b.network.subnet_groups
                if g.stack == owner.stack
                and isinstance(g.properties.get(name_property), str)
                and g.properties[name_property].lower() == value.lower()
            ),
            None,
        )
    if group is None:
        return Unknown(f"subnet group {value} is outside the template")
    if not group.certain:
        return Unknown(f"subnet group {group.logical_id} may not exist")
    return b.refer_all(group.properties.get("SubnetIds"), Subnet)


def _database_groups(b: Builder, value: Any, subnets: Any, classic: Any = None) -> Any:
    if (value is None or value == []) and classic:
        return Unknown("it uses DB or cache security groups (EC2-Classic)")
    return b.placed_groups(value, first_subnet(subnets))


def _publicly_accessible(value: Any, subnets: Any) -> bool | Unknown:
    """`PubliclyAccessible`, or its default: private in a VPC without an internet gateway;
    otherwise the documented defaults disagree (public by one, private by another), so not
    known. (CreateDBInstance, PubliclyAccessible.)"""
    if value is not None:
        return as_bool(value, False)
    vpcs = {id(s.vpc): s.vpc for s in known(subnets, Subnet) if s.vpc is not None}
    if not vpcs or isinstance(subnets, Unknown):
        return Unknown("PubliclyAccessible is not set and the VPC is not known")
    for vpc in vpcs.values():
        for attachment in vpc.gateway_attachments:
            if isinstance(attachment.gateway, InternetGateway) or (
                attachment.gateway is None and "InternetGatewayId" in attachment.properties
            ):
                return Unknown("PubliclyAccessible is not set in a VPC with an internet gateway")
    return False


def _database(b: Builder, base: Resource, kind: str, read: Callable[[Workload], None]) -> None:
    made = b.make(Workload, base, kind=kind, spread=False, starts_connections=False)
    b.network.workloads.append(made)

    def wire() -> None:
        read(made)
        b.place_workload(made)

    b.last.append(wire)  # after the VPCs know their gateway attachments


def db_instance(b: Builder, base: Resource) -> None:
    """An RDS DB instance: in one of its subnet group's subnets (its cluster's, when it is in
    one), behind VPCSecurityGroups (the cluster's), the VPC's default group when none."""

    def read(made: Workload) -> None:
        props = base.properties
        source = props
        cluster = props.get("DBClusterIdentifier")
        if cluster is not None:
            found = b.same_stack(cluster, "AWS::RDS::DBCluster")
            if found is None:
                unknown = Unknown("its DB cluster is outside the template")
                made.subnets, made.security_groups, made.public_ip = unknown, unknown, unknown
                return
            source = found[0].properties(found[1])
        made.subnets = _group_subnets(b, base, source.get("DBSubnetGroupName"), "DBSubnetGroupName")
        groups = source.get("VPCSecurityGroups", source.get("VpcSecurityGroupIds"))
        made.security_groups = _database_groups(
            b, groups, made.subnets, props.get("DBSecurityGroups")
        )
        made.public_ip = _publicly_accessible(props.get("PubliclyAccessible"), made.subnets)

    _database(b, base, "RDS DB instance", read)


def db_cluster(b: Builder, base: Resource) -> None:
    def read(made: Workload) -> None:
        props = base.properties
        made.subnets = _group_subnets(b, base, props.get("DBSubnetGroupName"), "DBSubnetGroupName")
        made.security_groups = _database_groups(b, props.get("VpcSecurityGroupIds"), made.subnets)
        made.public_ip = _publicly_accessible(props.get("PubliclyAccessible"), made.subnets)

    _database(b, base, "RDS DB cluster", read)


def cache_cluster(b: Builder, base: Resource) -> None:
    def read(made: Workload) -> None:
        props = base.properties
        made.subnets = _group_subnets(
            b, base, props.get("CacheSubnetGroupName"), "CacheSubnetGroupName"
        )
        made.security_groups = _database_groups(
            b, props.get("VpcSecurityGroupIds"), made.subnets, props.get("CacheSecurityGroupNames")
        )

    _database(b, base, "ElastiCache cluster", read)


def replication_group(b: Builder, base: Resource) -> None:
    def read(made: Workload) -> None:
        props = base.properties
        if "PrimaryClusterId" in props:
            unknown = Unknown("it is built on an existing cache cluster")
            made.subnets, made.security_groups = unknown, unknown
            return
        made.subnets = _group_subnets(
            b, base, props.get("CacheSubnetGroupName"), "CacheSubnetGroupName"
        )
        made.security_groups = _database_groups(
            b, props.get("SecurityGroupIds"), made.subnets, props.get("CacheSecurityGroupNames")
        )

    _database(b, base, "ElastiCache replication group", read)


def serverless_cache(b: Builder, base: Resource) -> None:
    def read(made: Workload) -> None:
        props = base.properties
        subnets = props.get("SubnetIds")
        made.subnets = (
            b.refer_all(subnets, Subnet)
            if subnets is not None
            else Unknown("without SubnetIds it sits in the default VPC")
        )
        made.security_groups = _database_groups(b, props.get("SecurityGroupIds"), made.subnets)

    _database(b, base, "ElastiCache serverless cache", read)


def mount_target(b: Builder, base: Resource) -> None:
    """An EFS mount target: one interface in its subnet, behind its security groups."""
    made = b.make(Workload, base, kind="EFS mount target", starts_connections=False)
    b.network.workloads.append(made)

    def wire() -> None:
        props = base.properties
        subnet = props.get("SubnetId")
        made.subnets = (
            b.refer_all([subnet], Subnet) if subnet is not None else Unknown("no SubnetId")
        )
        made.security_groups = b.placed_groups(
            props.get("SecurityGroups"), first_subnet(made.subnets)
        )
        b.place_workload(made)

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::RDS::DBInstance": db_instance,
    "AWS::RDS::DBCluster": db_cluster,
    "AWS::ElastiCache::CacheCluster": cache_cluster,
    "AWS::ElastiCache::ReplicationGroup": replication_group,
    "AWS::ElastiCache::ServerlessCache": serverless_cache,
    "AWS::EFS::MountTarget": mount_target,
    **{kind: subnet_group for kind in SUBNET_GROUPS},
}
