"""The ends of a path: what a person names with --from and --to, and where it sits.

A resource of the network (anything with a placement: instances, interfaces, endpoints, load
balancers, NAT gateways, functions, containers, databases, or a subnet), "internet", an IPv4
address or CIDR block, or an AWS service ("s3", "ssm", "com.amazonaws.us-east-1.ecr.api").
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from vpclint.judge.flows import (
    ANY_CLIENT,
    LAMBDA_CLIENT,
    LOAD_BALANCER_CLIENT,
    NAT_GATEWAY_CLIENT,
    Ephemeral,
)
from vpclint.model import (
    AmbiguousName,
    IPNetwork,
    LoadBalancer,
    NatGateway,
    Network,
    Resource,
    Subnet,
    VpcEndpoint,
    Workload,
    placement_of,
    service_of,
)
from vpclint.reach.answer import ReachError
from vpclint.records import field, record
from vpclint.values import Unknown

INTERNET = "internet"
# A service as people write it: "s3", "ecr.api", "com.amazonaws.eu-west-1.ssm",
# "com.amazonaws.s3-global.accesspoint", "aws.sagemaker.us-east-1.notebook".
_SERVICE = r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$"
_SERVICE_PREFIXES = ("com.amazonaws.", "aws.")
_LOOKS_NUMERIC = r"^[0-9.:/]+$"  # patterns are compiled when first used


@record(eq=False)
class End:
    """One end of a path.

    A workload has `subnets` (and `spread`: True when it sits in all of them); an address or
    block has `block`; the internet has `internet`; a service has `service`.
    """

    name: str
    resource: Resource | None = None
    subnets: list[Subnet] = field(default_factory=list)
    groups: Any = None
    public_ip: bool | Unknown = False
    spread: bool = True
    elsewhere: Unknown | None = None
    block: IPNetwork | None = None
    internet: bool = False
    service: str | None = None
    client: Ephemeral = ANY_CLIENT


def end_of(network: Network, name: str, as_source: bool) -> End:
    """The end a name stands for; ReachError when it is none."""
    if name == INTERNET:
        return End("the internet", internet=True)
    try:
        resource = network.find(name)
    except AmbiguousName as error:
        raise ReachError(f"{error}; name one of them") from None
    if resource is not None:
        return _workload(name, resource)
    block = _block(name)
    if block is not None:
        if as_source:
            raise ReachError(f"{name!r}: a source must be a resource of the template or 'internet'")
        return End(str(block), block=block)
    if as_source:
        raise ReachError(
            f"there is no resource {name!r} in the template{_suggestion(network, name)}"
        )
    service = _service(name)
    if service is None:
        raise ReachError(
            f"{name!r} is not a resource of the template, an address or CIDR, an AWS service "
            f"(s3, ssm, com.amazonaws.REGION.ecr.api) or 'internet'{_suggestion(network, name)}"
        )
    return End(f"the {service} service", service=service)


def _workload(name: str, resource: Resource) -> End:
    if isinstance(resource, Subnet):
        return End(
            name,
            resource,
            [resource],
            None,
            resource.map_public_ip_on_launch,
        )
    placement = placement_of(resource)
    if placement is None:
        raise ReachError(f"{name} ({resource.type}) holds no address vpclint can place")
    return End(
        name,
        resource,
        placement.subnets,
        placement.groups,
        placement.public_ip,
        placement.spread,
        placement.elsewhere,
        client=_client(resource),
    )


def _client(resource: Resource) -> Ephemeral:
    if isinstance(resource, NatGateway):
        return NAT_GATEWAY_CLIENT
    if isinstance(resource, (LoadBalancer, VpcEndpoint)):
        return LOAD_BALANCER_CLIENT
    if isinstance(resource, Workload) and resource.kind == "Lambda function":
        return LAMBDA_CLIENT
    return ANY_CLIENT


def _block(name: str) -> IPNetwork | None:
    if not re.match(_LOOKS_NUMERIC, name):
        return None
    try:
        block = ipaddress.ip_network(name, strict=False)
    except ValueError:
        raise ReachError(f"{name!r} is not a valid IP address or CIDR block") from None
    return block


def _service(name: str) -> str | None:
    """The service a name stands for: "ecr.api" for com.amazonaws.us-east-1.ecr.api; a short
    name must be one vpclint knows, so that a misspelt resource is not taken for a service."""
    text = name.strip().lower()
    if not re.match(_SERVICE, text):
        return None
    if text.startswith(_SERVICE_PREFIXES):
        return service_of(text)
    return text if text in SERVICES else None


def _suggestion(network: Network, name: str) -> str:
    """ "; did you mean X?" for a name close to a resource's or a service's."""
    import difflib

    names = [r.logical_id for r in network.resources.values() if not r.implicit]
    close = difflib.get_close_matches(name, [*names, *sorted(SERVICES)], n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


# Services with interface or gateway endpoints that --to takes by their short name (AWS
# PrivateLink, "AWS services that integrate with AWS PrivateLink"); others are named in full,
# com.amazonaws.REGION.SERVICE.
SERVICES = frozenset(
    [
        "access-analyzer",
        "acm-pca",
        "airflow.api",
        "airflow.env",
        "airflow.ops",
        "apigateway",
        "appconfig",
        "appconfigdata",
        "application-autoscaling",
        "applicationinsights",
        "appmesh",
        "appmesh-envoy-management",
        "apprunner",
        "apprunner.requests",
        "appstream.api",
        "appstream.streaming",
        "appsync-api",
        "aps",
        "aps-workspaces",
        "athena",
        "auditmanager",
        "autoscaling",
        "autoscaling-plans",
        "backup",
        "backup-gateway",
        "batch",
        "bedrock",
        "bedrock-agent",
        "bedrock-agent-runtime",
        "bedrock-runtime",
        "braket",
        "cassandra",
        "cloudcontrolapi",
        "cloudformation",
        "cloudhsmv2",
        "cloudtrail",
        "codeartifact.api",
        "codeartifact.repositories",
        "codebuild",
        "codecommit",
        "codedeploy",
        "codedeploy-commands-secure",
        "codeguru-profiler",
        "codeguru-reviewer",
        "codepipeline",
        "codestar-connections.api",
        "comprehend",
        "comprehendmedical",
        "config",
        "databrew",
        "dataexchange",
        "datasync",
        "datazone",
        "devops-guru",
        "dms",
        "ds",
        "dynamodb",
        "ebs",
        "ec2",
        "ec2messages",
        "ecr.api",
        "ecr.dkr",
        "ecs",
        "ecs-agent",
        "ecs-telemetry",
        "eks",
        "eks-auth",
        "elasticache",
        "elasticbeanstalk",
        "elasticbeanstalk-health",
        "elasticfilesystem",
        "elasticloadbalancing",
        "elasticmapreduce",
        "email-smtp",
        "emr-containers",
        "emr-serverless",
        "es",
        "events",
        "execute-api",
        "finspace",
        "fis",
        "forecast",
        "frauddetector",
        "fsx",
        "git-codecommit",
        "glue",
        "grafana",
        "greengrass",
        "guardduty-data",
        "healthlake",
        "identitystore",
        "imagebuilder",
        "inspector2",
        "iot.credentials",
        "iot.data",
        "kafka",
        "kendra",
        "kinesis-firehose",
        "kinesis-streams",
        "kms",
        "lakeformation",
        "lambda",
        "license-manager",
        "logs",
        "m2",
        "macie2",
        "managedblockchain",
        "memory-db",
        "mgn",
        "monitoring",
        "mq",
        "network-firewall",
        "notebook",
        "omics",
        "organizations",
        "pipes",
        "polly",
        "private-networks",
        "profile",
        "proton",
        "qldb.session",
        "rds",
        "rds-data",
        "redshift",
        "redshift-data",
        "redshift-serverless",
        "rekognition",
        "resource-groups",
        "rolesanywhere",
        "route53resolver",
        "rum",
        "rum-dataplane",
        "s3",
        "s3-outposts",
        "s3express",
        "sagemaker.api",
        "sagemaker.featurestore-runtime",
        "sagemaker.runtime",
        "scheduler",
        "schemas",
        "secretsmanager",
        "securityhub",
        "servicecatalog",
        "servicediscovery",
        "servicediscovery-data",
        "signin",
        "sms",
        "sns",
        "sqs",
        "ssm",
        "ssm-contacts",
        "ssm-incidents",
        "ssmmessages",
        "states",
        "storagegateway",
        "sts",
        "swf",
        "synthetics",
        "textract",
        "transcribe",
        "transcribestreaming",
        "transfer",
        "transfer.server",
        "translate",
        "verifiedpermissions",
        "vpc-lattice",
        "workspaces",
        "xray",
    ]
)
