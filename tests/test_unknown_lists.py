"""Property test: a list-typed property whose value is not a known list never crashes vpclint.

Real templates hand list properties values vpclint cannot read as a list: a
`List<AWS::EC2::Subnet::Id>` parameter without default, an `Fn::ImportValue`, a `Fn::Split` of
one, a scalar where a list belongs, a list holding an import, an `Fn::If` on an undecided
condition. The model keeps such a value as Unknown (or a list holding Unknown entries), and
every reader must treat it as unknown.

One template holds every kind of resource the model places in subnets or behind security groups
(endpoints of the three types, instances and interfaces, load balancers and target groups,
database and cache subnet groups, Lambda functions, ECS services, Auto Scaling groups, EKS
clusters and node groups, mount targets, transit gateway attachments, Network Firewalls, VPN
route propagations, instance profiles). Hypothesis picks, for each of its list-typed properties,
either its known value or one of the unknown shapes; then `check` runs every rule, `show`
renders every format, and `reach` walks from each workload and the internet to the internet, to
the services workloads call, and to each other workload (and builds the matrix). None of them
may raise, and `check` may report no internal error. Besides the random mixes, each slot is
tried alone with one shape of each kind (every shape with VPCLINT_LONG_FUZZ=1).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpclint.engine import load_rules
from vpclint.lint import LintOptions, build, lint_file
from vpclint.loader import load
from vpclint.reach import ReachError, reach
from vpclint.show import FORMATS, render

LONG = os.environ.get("VPCLINT_LONG_FUZZ", "") not in ("", "0")
EXAMPLES = int(os.environ.get("VPCLINT_FUZZ_EXAMPLES", 300 if LONG else 15))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


# Each slot: (resource, path to the list-typed property, its known value).
SLOTS: list[tuple[str, tuple[str, ...], list[Any]]] = [
    ("Interface", ("SubnetIds",), [ref("SubnetA"), ref("SubnetB")]),
    ("Interface", ("SecurityGroupIds",), [ref("EndpointGroup")]),
    ("Messages", ("SubnetIds",), [ref("SubnetA")]),
    ("Gateway", ("RouteTableIds",), [ref("Table")]),
    ("Gwlb", ("SubnetIds",), [ref("SubnetA")]),
    ("Instance", ("SecurityGroupIds",), [ref("AppGroup")]),
    ("Interface2", ("GroupSet",), [ref("AppGroup")]),
    ("Balancer", ("Subnets",), [ref("SubnetA"), ref("SubnetB")]),
    ("Balancer", ("SecurityGroups",), [ref("AppGroup")]),
    ("Classic", ("Subnets",), [ref("SubnetA")]),
    ("Classic", ("SecurityGroups",), [ref("AppGroup")]),
    ("Classic", ("Instances",), [ref("Instance")]),
    ("Targets", ("Targets",), [{"Id": ref("Instance"), "Port": 80}]),
    ("DbSubnets", ("SubnetIds",), [ref("SubnetA"), ref("SubnetB")]),
    ("Database", ("VPCSecurityGroups",), [ref("AppGroup")]),
    ("CacheSubnets", ("SubnetIds",), [ref("SubnetA")]),
    ("Cache", ("VpcSecurityGroupIds",), [ref("AppGroup")]),
    ("Function", ("VpcConfig", "SubnetIds"), [ref("SubnetA")]),
    ("Function", ("VpcConfig", "SecurityGroupIds"), [ref("AppGroup")]),
    (
        "Service",
        ("NetworkConfiguration", "AwsvpcConfiguration", "Subnets"),
        [ref("SubnetA")],
    ),
    (
        "Service",
        ("NetworkConfiguration", "AwsvpcConfiguration", "SecurityGroups"),
        [ref("AppGroup")],
    ),
    ("Group", ("VPCZoneIdentifier",), [ref("SubnetA"), ref("SubnetB")]),
    ("Launch", ("LaunchTemplateData", "SecurityGroupIds"), [ref("AppGroup")]),
    ("Cluster", ("ResourcesVpcConfig", "SubnetIds"), [ref("SubnetA")]),
    ("Cluster", ("ResourcesVpcConfig", "SecurityGroupIds"), [ref("AppGroup")]),
    ("Nodes", ("Subnets",), [ref("SubnetA")]),
    ("Mount", ("SecurityGroups",), [ref("AppGroup")]),
    ("Attachment", ("SubnetIds",), [ref("SubnetA")]),
    ("Firewall", ("SubnetMappings",), [{"SubnetId": ref("SubnetB")}]),
    ("Propagation", ("RouteTableIds",), [ref("EdgeTable")]),
    ("Role", ("ManagedPolicyArns",), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]),
    ("Profile", ("Roles",), [ref("Role")]),
    ("AppGroup", ("SecurityGroupIngress",), [{"IpProtocol": "-1", "CidrIp": "10.0.0.0/16"}]),
]


def unknown_shapes(known: list[Any]) -> list[Any]:
    """What a list property may hold that is not a known list."""
    return [
        ref("SubnetList"),  # a List<AWS::EC2::Subnet::Id> parameter without default
        {"Fn::ImportValue": "network-Values"},
        {"Fn::Split": [",", {"Fn::ImportValue": "network-Values"}]},
        "subnet-0abc1234",  # a scalar where a list belongs
        known[0],  # one reference, not a list of them
        [*known, {"Fn::ImportValue": "network-One"}],
        {"Fn::If": ["Maybe", known, ref("AWS::NoValue")]},
        {"Fn::If": ["Maybe", known, ref("SubnetList")]},
        [],
        [known],
        7,
        {"Key": "value"},
    ]


def template(choices: list[int]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {
                "CidrBlock": "10.0.0.0/16",
                "EnableDnsSupport": True,
                "EnableDnsHostnames": True,
            },
        },
        "SubnetA": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": ref("Vpc"),
                "CidrBlock": "10.0.1.0/24",
                "AvailabilityZone": "us-east-1a",
            },
        },
        "SubnetB": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": ref("Vpc"),
                "CidrBlock": "10.0.2.0/24",
                "AvailabilityZone": "us-east-1b",
            },
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}},
        "EdgeTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref("Vpc")}},
        "AssociationA": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": ref("SubnetA"), "RouteTableId": ref("Table")},
        },
        "Igw": {"Type": "AWS::EC2::InternetGateway"},
        "IgwAttachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": ref("Vpc"), "InternetGatewayId": ref("Igw")},
        },
        "Vgw": {"Type": "AWS::EC2::VPNGateway", "Properties": {"Type": "ipsec.1"}},
        "VgwAttachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": ref("Vpc"), "VpnGatewayId": ref("Vgw")},
        },
        "Propagation": {
            "Type": "AWS::EC2::VPNGatewayRoutePropagation",
            "DependsOn": "VgwAttachment",
            "Properties": {"VpnGatewayId": ref("Vgw"), "RouteTableIds": None},
        },
        "Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        "Nat": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {
                "SubnetId": ref("SubnetB"),
                "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]},
            },
        },
        "NatRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": ref("Table"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref("Nat"),
            },
        },
        "AppGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "app", "VpcId": ref("Vpc")},
        },
        "EndpointGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "endpoints",
                "VpcId": ref("Vpc"),
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16"}
                ],
            },
        },
        "Interface": endpoint("Interface", "ssm"),
        "Messages": endpoint("Interface", "ssmmessages"),
        "Gateway": endpoint("Gateway", "s3"),
        "Gwlb": endpoint("GatewayLoadBalancer", None),
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {"Statement": []},
                "ManagedPolicyArns": None,
            },
        },
        "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": None}},
        "Instance": {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "ImageId": "ami-12345678",
                "SubnetId": ref("SubnetA"),
                "IamInstanceProfile": ref("Profile"),
            },
        },
        "Interface2": {
            "Type": "AWS::EC2::NetworkInterface",
            "Properties": {"SubnetId": ref("SubnetA")},
        },
        "Balancer": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Scheme": "internet-facing"},
        },
        "Targets": {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Properties": {"Port": 80, "Protocol": "HTTP", "VpcId": ref("Vpc")},
        },
        "Listener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": ref("Balancer"),
                "Port": 443,
                "Protocol": "HTTPS",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": ref("Targets")}],
            },
        },
        "Classic": {
            "Type": "AWS::ElasticLoadBalancing::LoadBalancer",
            "Properties": {
                "Listeners": [{"LoadBalancerPort": "80", "InstancePort": "80", "Protocol": "HTTP"}]
            },
        },
        "DbSubnets": {
            "Type": "AWS::RDS::DBSubnetGroup",
            "Properties": {"DBSubnetGroupDescription": "db"},
        },
        "Database": {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {
                "Engine": "postgres",
                "DBInstanceClass": "db.t3.micro",
                "DBSubnetGroupName": ref("DbSubnets"),
            },
        },
        "CacheSubnets": {
            "Type": "AWS::ElastiCache::SubnetGroup",
            "Properties": {"Description": "cache"},
        },
        "Cache": {
            "Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {
                "Engine": "redis",
                "CacheNodeType": "cache.t3.micro",
                "NumCacheNodes": 1,
                "CacheSubnetGroupName": ref("CacheSubnets"),
            },
        },
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "x"},
                "VpcConfig": {},
            },
        },
        "Task": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "NetworkMode": "awsvpc",
                "RequiresCompatibilities": ["FARGATE"],
                "ContainerDefinitions": [
                    {"Name": "app", "Image": "nginx:latest", "Essential": True}
                ],
            },
        },
        "Service": {
            "Type": "AWS::ECS::Service",
            "Properties": {
                "LaunchType": "FARGATE",
                "TaskDefinition": ref("Task"),
                "NetworkConfiguration": {"AwsvpcConfiguration": {}},
            },
        },
        "Launch": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {
                "LaunchTemplateData": {
                    "ImageId": "ami-12345678",
                    "IamInstanceProfile": {"Arn": {"Fn::GetAtt": ["Profile", "Arn"]}},
                }
            },
        },
        "Group": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "MinSize": "1",
                "MaxSize": "2",
                "LaunchTemplate": {
                    "LaunchTemplateId": ref("Launch"),
                    "Version": {"Fn::GetAtt": ["Launch", "LatestVersionNumber"]},
                },
            },
        },
        "Cluster": {
            "Type": "AWS::EKS::Cluster",
            "Properties": {"RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}, "ResourcesVpcConfig": {}},
        },
        "Nodes": {
            "Type": "AWS::EKS::Nodegroup",
            "Properties": {
                "ClusterName": ref("Cluster"),
                "NodeRole": {"Fn::GetAtt": ["Role", "Arn"]},
            },
        },
        "Mount": {
            "Type": "AWS::EFS::MountTarget",
            "Properties": {"FileSystemId": "fs-0123456789abcdef0", "SubnetId": ref("SubnetA")},
        },
        "TransitGateway": {"Type": "AWS::EC2::TransitGateway"},
        "Attachment": {
            "Type": "AWS::EC2::TransitGatewayAttachment",
            "Properties": {"TransitGatewayId": ref("TransitGateway"), "VpcId": ref("Vpc")},
        },
        "TgwRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": ref("Table"),
                "DestinationCidrBlock": "10.1.0.0/16",
                "TransitGatewayId": ref("TransitGateway"),
            },
        },
        "Firewall": {
            "Type": "AWS::NetworkFirewall::Firewall",
            "Properties": {
                "FirewallName": "fw",
                "FirewallPolicyArn": "arn:aws:network-firewall:us-east-1:1:firewall-policy/p",
                "VpcId": ref("Vpc"),
            },
        },
        "FirewallRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": ref("Table"),
                "DestinationCidrBlock": "10.2.0.0/16",
                "VpcEndpointId": {"Fn::Select": [0, {"Fn::GetAtt": ["Firewall", "EndpointIds"]}]},
            },
        },
        "GwlbRoute": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": ref("Table"),
                "DestinationCidrBlock": "10.3.0.0/16",
                "VpcEndpointId": ref("Gwlb"),
            },
        },
    }
    for (resource, path, known), choice in zip(SLOTS, choices, strict=True):
        value = known if choice == 0 else unknown_shapes(known)[choice - 1]
        target = resources[resource].setdefault("Properties", {})
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "SubnetList": {"Type": "List<AWS::EC2::Subnet::Id>"},
            "Mode": {"Type": "String"},
        },
        "Conditions": {"Maybe": {"Fn::Equals": [ref("Mode"), "on"]}},
        "Resources": resources,
    }


def endpoint(kind: str, service: str | None) -> dict[str, Any]:
    name = (
        {"Fn::Sub": f"com.amazonaws.${{AWS::Region}}.{service}"}
        if service
        else "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    )
    props: dict[str, Any] = {"VpcId": ref("Vpc"), "ServiceName": name, "VpcEndpointType": kind}
    if kind == "Interface":
        props["PrivateDnsEnabled"] = True
    return {"Type": "AWS::EC2::VPCEndpoint", "Properties": props}


WORKLOADS = (
    "Instance",
    "Interface2",
    "Balancer",
    "Classic",
    "Database",
    "Cache",
    "Function",
    "Service",
    "Group",
    "Cluster",
    "Nodes",
    "Mount",
    "Interface",
    "Gwlb",
    "SubnetA",
    "Nat",
)
DESTINATIONS = (
    "internet",
    "s3",
    "ssm",
    "ssmmessages",
    "logs",
    "ecr.api",
    "10.1.0.5",
    "10.2.0.5",
    "10.3.0.5",
)


def assert_no_crash(path: Path, about: str | None = None) -> None:
    """Check, show and reach on the template raise nothing. With `about`, reach walks from
    every workload to the internet, services and addresses (endpoints and middleboxes lie on
    those paths), and to and from `about`; without it, between every pair as well."""
    result = lint_file(str(path), LintOptions(), load_rules())
    assert result.error is None, result.error.message if result.error else ""
    assert not result.internal_errors, result.internal_errors
    loaded = load(str(path))
    assert loaded is not None
    network = build(loaded, LintOptions())
    for output_format in FORMATS:
        assert render(network, output_format)
    for source in (*WORKLOADS, "internet"):
        others = WORKLOADS if about is None else (about,) if about != source else WORKLOADS
        for destination in (*DESTINATIONS, *others):
            # ReachError: the same resource at both ends, or one reach does not take.
            with contextlib.suppress(ReachError):
                reach(network, source, destination, port=443)
    if about is None:
        from vpclint.reach.matrix import matrix

        assert matrix(network, [443, 22]).cells


SHAPES = len(unknown_shapes([None])) + 1
# One shape of each kind by default (an Unknown list, a scalar, a list holding an Unknown, a
# condition); every shape with VPCLINT_LONG_FUZZ=1.
QUICK_SHAPES = (1, 4, 6, 8)


@SETTINGS
# Half the slots keep their known value, so walks get far enough to read the unknown ones.
@given(
    st.lists(
        st.integers(0, 2 * (SHAPES - 1)).map(lambda n: max(0, n - (SHAPES - 1))),
        min_size=len(SLOTS),
        max_size=len(SLOTS),
    )
)
def test_unknown_list_values_never_crash(tmp_path_factory: pytest.TempPathFactory, choices):
    path = tmp_path_factory.mktemp("unknown") / "template.json"
    path.write_text(json.dumps(template(choices)), encoding="utf-8")
    assert_no_crash(path)


@pytest.mark.parametrize("shape", range(1, SHAPES))
def test_each_shape_in_every_slot_at_once(tmp_path: Path, shape: int) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template([shape] * len(SLOTS))), encoding="utf-8")
    assert_no_crash(path)


@pytest.mark.parametrize(
    "slot", range(len(SLOTS)), ids=lambda i: ".".join(SLOTS[i][:1] + SLOTS[i][1])
)
def test_each_shape_in_each_slot_alone(tmp_path: Path, slot: int) -> None:
    for shape in range(1, SHAPES) if LONG else QUICK_SHAPES:
        choices = [0] * len(SLOTS)
        choices[slot] = shape
        path = tmp_path / f"template-{shape}.json"
        path.write_text(json.dumps(template(choices)), encoding="utf-8")
        assert_no_crash(path, SLOTS[slot][0])


def test_the_known_template_is_modelled_whole(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template([0] * len(SLOTS))), encoding="utf-8")
    result = lint_file(str(path), LintOptions(), load_rules())
    assert result.error is None and not result.internal_errors
    assert result.not_understood == 0
    assert_no_crash(path)
