"""The sample templates: the clean ones lint clean, each broken one shows exactly its rule."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support import SAMPLES, line_of

from vpclint.cli import cli

CLEAN = [
    "dual-stack-two-ipv6-blocks.yaml",  # AWS's ::/0 entries of the default ACL exist once
    "private-subnet-ssm-s3-endpoints.yaml",
    "two-az-public-private-nat.yaml",
]
# file → the findings it must give, as (rule, logical ID the finding points at)
BROKEN = {
    "broken-vpc101-private-subnet-routes-to-igw.yaml": [("VPC101", "PublicDefaultRoute")],
    # Without route tables the endpoint leaves the instance no way to S3 (VPC702).
    "broken-vpc301-gateway-endpoint-without-route-tables.yaml": [
        ("VPC301", "S3VPCEndpoint"),
        ("VPC702", "MyEC2Instance"),
    ],
    # The instance's own group on the endpoint blocks Session Manager (VPC701).
    "broken-vpc303-endpoint-sg-blocks-https.yaml": [
        ("VPC303", "VPCEndpointSSM"),
        ("VPC701", "MyEC2Instance"),
    ],
    "broken-addressing-subnet-outside-vpc-and-overlap.yaml": [
        ("VPC202", "PrivateSubnetB"),
        ("VPC201", "DatabaseSubnetA"),
    ],
    "broken-gateways-vpn-gateway-not-attached.yaml": [
        ("VPC601", "InternetGateway"),
        ("VPC602", "OfficeRoutePropagation"),
    ],
    # Without DNS hostnames the endpoints are not used: the instance is cut off (VPC701).
    "broken-endpoints-ssm-private-dns.yaml": [
        ("VPC304", "SsmEndpoint"),
        ("VPC305", "SsmEndpoint"),
        ("VPC304", "Ec2MessagesEndpoint"),
        ("VPC701", "ManagedInstance"),
    ],
    "broken-placement-alb-private-subnets-db-one-az.yaml": [
        ("VPC501", "WebLoadBalancer"),
        ("VPC504", "DatabaseSubnetGroup"),
    ],
    "broken-routing-nat-gateway-in-private-subnet.yaml": [("VPC104", "NatGatewayB")],
    "broken-security-ssh-bastion-nacl.yaml": [
        ("VPC406", "PublicNetworkAcl"),
        ("VPC401", "BastionSshIngress"),
    ],
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_every_sample_is_covered() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.yaml")) == sorted([*CLEAN, *BROKEN])


@pytest.mark.parametrize("name", CLEAN)
def test_clean_sample_lints_clean(name: str) -> None:
    code, output = run("check", str(SAMPLES / name))
    assert code == 0, output
    assert "1 file checked, 0 errors, 0 warnings, 0 info." in output


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_sample_reports_exactly_its_findings(name: str) -> None:
    path = SAMPLES / name
    code, output = run("check", "--format", "json", str(path))
    assert code == 1, output
    findings = json.loads(output)["files"][0]["findings"]
    assert [(f["rule"], f["resource"], f["line"], f["column"]) for f in findings] == [
        (rule, resource, line_of(path, f"  {resource}:"), 3) for rule, resource in BROKEN[name]
    ]
