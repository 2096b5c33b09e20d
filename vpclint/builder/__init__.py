"""Build the Network from resolved stacks: one pass creates objects, a second wires them.

The work is split along the lines of the model: `vpc`, `routing`, `gateways`, `security`,
`endpoints`, `instances`, `balancers`, `functions`, `containers`, `scaling`, `databases` and
`dns` each construct their part (`iam` reads what a workload's role lets it call); `core` holds the
machinery they share.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection

from vpclint.builder import endpoints, gateways, routing, security, vpc
from vpclint.builder.core import Builder, Constructor, StackSource, as_bool
from vpclint.builder.unseen import record_unseen
from vpclint.intent import PRIVATE_WORDS, PUBLIC_WORDS
from vpclint.model import Network, Origin
from vpclint.resolver import Resolver

__all__ = ["StackSource", "as_bool", "build_network", "constructors_for", "may_hold_address"]

NETWORK_CONSTRUCTORS: dict[str, Constructor] = {
    **vpc.CONSTRUCTORS,
    **routing.CONSTRUCTORS,
    **gateways.CONSTRUCTORS,
    **security.CONSTRUCTORS,
    **endpoints.CONSTRUCTORS,
}

# The areas of workloads, each imported only when a template has a resource of its types (these
# prefixes): a network of subnets and route tables does not pay for ECS, Lambda or RDS at
# start-up. tests/test_builder.py holds every type an area builds to its prefixes.
WORKLOAD_AREAS: dict[str, tuple[str, ...]] = {
    "instances": (
        "AWS::EC2::Instance",
        "AWS::EC2::NetworkInterface",
        "AWS::EC2::LaunchTemplate",
        "AWS::AutoScaling::LaunchConfiguration",
    ),
    "balancers": ("AWS::ElasticLoadBalancing::", "AWS::ElasticLoadBalancingV2::"),
    "functions": ("AWS::Lambda::", "AWS::Serverless::Function"),
    "containers": ("AWS::ECS::",),
    "scaling": ("AWS::AutoScaling::", "AWS::EKS::"),
    "databases": (
        "AWS::RDS::",
        "AWS::ElastiCache::",
        "AWS::EFS::",
        "AWS::Redshift::",
        "AWS::DocDB::",
        "AWS::Neptune::",
    ),
    # What decides how names resolve: Resolver rules, private zones, DHCP options, profiles.
    "dns": (
        "AWS::Route53Resolver::ResolverRule",
        "AWS::Route53::HostedZone",
        "AWS::Route53::RecordSet",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        "AWS::Route53Profiles::ProfileAssociation",
    ),
}


def constructors_for(kinds: Collection[object]) -> dict[str, Constructor]:
    """The constructors of the network and of the workload areas these resource types need."""
    table = dict(NETWORK_CONSTRUCTORS)
    for area, prefixes in WORKLOAD_AREAS.items():
        if any(isinstance(kind, str) and kind.startswith(prefixes) for kind in kinds):
            table.update(importlib.import_module(f"vpclint.builder.{area}").CONSTRUCTORS)
    return table


# Resource types vpclint does not model that never place a network interface in a VPC; any
# other unmodelled type (a Redshift cluster, an OpenSearch domain, an MSK cluster) might, in the
# VPC's default security group.
_NO_ADDRESS_NAMESPACES = (
    "AWS::ApiGateway::",
    "AWS::ApiGatewayV2::",
    "AWS::Athena::",
    "AWS::Backup::",
    "AWS::Budgets::",
    "AWS::CertificateManager::",
    "AWS::CloudFormation::",
    "AWS::CloudFront::",
    "AWS::CloudTrail::",
    "AWS::CloudWatch::",
    "AWS::CodeCommit::",
    "AWS::CodePipeline::",
    "AWS::Cognito::",
    "AWS::Config::",
    "AWS::DynamoDB::",
    "AWS::ECR::",
    "AWS::Events::",
    "AWS::IAM::",
    "AWS::Kinesis::",
    "AWS::KinesisFirehose::",
    "AWS::KMS::",
    "AWS::Logs::",
    "AWS::Route53::",
    "AWS::S3::",
    "AWS::SecretsManager::",
    "AWS::SES::",
    "AWS::SNS::",
    "AWS::SQS::",
    "AWS::SSM::",
    "AWS::StepFunctions::",
    "AWS::WAFv2::",
    "Custom::",
    "AWS::CDK::",
    # SAM: functions are modelled; applications are nested stacks; the rest hold no address.
    "AWS::Serverless::Api",
    "AWS::Serverless::Application",
    "AWS::Serverless::Connector",
    "AWS::Serverless::GraphQLApi",
    "AWS::Serverless::HttpApi",
    "AWS::Serverless::LayerVersion",
    "AWS::Serverless::SimpleTable",
    "AWS::Serverless::StateMachine",
)
_NO_ADDRESS_TYPES = frozenset(
    {
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::AutoScaling::ScheduledAction",
        "AWS::AutoScaling::LifecycleHook",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::CapacityProvider",
        "AWS::ECS::ClusterCapacityProviderAssociations",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::Lambda::Permission",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::LayerVersion",
        "AWS::RDS::DBParameterGroup",
        "AWS::RDS::DBClusterParameterGroup",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        "AWS::EC2::KeyPair",
        "AWS::EC2::Volume",
        "AWS::EC2::VolumeAttachment",
        "AWS::EC2::PlacementGroup",
        "AWS::EC2::VPNConnectionRoute",
        "AWS::EC2::SubnetCidrBlock",
        "AWS::EC2::VPCEndpointService",
        "AWS::EC2::VPCEndpointServicePermissions",
        "AWS::EC2::NetworkInterfaceAttachment",
        "AWS::EC2::CarrierGateway",
        "AWS::EC2::IPAM",
        "AWS::EC2::IPAMPool",
    }
)


def may_hold_address(kind: object) -> bool:
    """Whether an unmodelled resource type may place a network interface in a VPC."""
    if not isinstance(kind, str):
        return False
    return kind not in _NO_ADDRESS_TYPES and not kind.startswith(_NO_ADDRESS_NAMESPACES)


def build_network(
    stacks: Resolver | list[StackSource],
    private_words: Collection[str] = PRIVATE_WORDS,
    public_words: Collection[str] = PUBLIC_WORDS,
) -> Network:
    """The network of one template (a Resolver) or of several stacks built as one."""
    if isinstance(stacks, Resolver):
        stacks = [StackSource(stacks, Origin(""))]
    kinds = {
        body.get("Type")
        for stack in stacks
        for body in stack.resolver.resources.values()
        if isinstance(body, dict)
    }
    constructors = constructors_for(kinds)
    builder = Builder(stacks, constructors, may_hold_address, (private_words, public_words))
    network = builder.build()
    record_unseen(builder)
    if any(_declares_expectations(stack) for stack in stacks):
        from vpclint.expect.declared import read_declared

        network.expectations.extend(read_declared(stacks))
    hidden = builder.hidden_routing() or any(
        unseen.kind == "custom-resource" for unseen in network.unseen
    )
    for found in network.vpcs:
        found.main_route_table_settled = not hidden and bool(
            found.route_tables or found.gateway_attachments
        )
        if found.default_security_group is not None:
            found.default_security_group.possible_members.extend(builder.unmodelled)
    for subnet in network.subnets:
        vpc.weigh_public_flag(subnet)  # needs the routing settled above
    problems = [
        (mark, reason, holder)
        for stack in stacks
        for mark, (reason, holder) in stack.resolver.cidr_problems.items()
    ]
    network.cidr_problems = sorted(problems)
    return network


def _declares_expectations(stack: StackSource) -> bool:
    """Whether a stack writes expectations in its Metadata (vpclint.expect reads them)."""
    bodies = [stack.resolver.metadata]
    bodies.extend(
        body.get("Metadata") for body in stack.resolver.resources.values() if isinstance(body, dict)
    )
    return any(
        isinstance(body, dict)
        and isinstance(body.get("vpclint"), dict)
        and "expect" in body["vpclint"]
        for body in bodies
    )
