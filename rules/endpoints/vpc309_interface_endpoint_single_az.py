"""An interface VPC endpoint sits in one Availability Zone while its VPC's workloads span several.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` whose `SubnetIds` all lie in one Availability Zone
while the workloads of its VPC (instances and network interfaces placed in the VPC's subnets;
endpoints, NAT gateways and load balancers do not count) sit in subnets of two or more zones.
Zones are compared by known `AvailabilityZone` name (written, or worked out from
`!Select [n, !GetAZs ""]`) or by `AvailabilityZoneId`.

The rule stays silent when any of the endpoint's subnets is outside the template, has an
unknown zone or none given, or sits under an undecided `Condition`; workloads and subnets
under an undecided `Condition` are not counted. Two subnets of the endpoint in the same zone
are VPC308's finding, not this one's.

## Why it matters
Clients in the other zones reach the endpoint across zones: every request pays inter-AZ data
transfer, and when the endpoint's zone fails, the service is gone for the whole VPC even though
the workloads were spread across zones to survive exactly that.

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetA]   # the instances run in PrivateSubnetA and PrivateSubnetB
```

## Fix
Name one subnet in each zone where clients run: `SubnetIds: [!Ref PrivateSubnetA,
!Ref PrivateSubnetB]`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    LoadBalancer,
    NatGateway,
    Network,
    Resource,
    Subnet,
    VpcEndpoint,
)

ID = "VPC309"
NAME = "interface-endpoint-single-az"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        vpc, subnets = endpoint.vpc, endpoint.subnets
        if vpc is None or not isinstance(subnets, list) or not subnets:
            continue
        if not all(isinstance(s, Subnet) and s.certain and s.zone for s in subnets):
            continue
        if len({id(subnet) for subnet in subnets}) != 1:
            continue  # several subnets: in several zones, or VPC308's mistake
        home: Subnet = subnets[0]  # type: ignore[assignment]
        home_zone = home.zone
        if home_zone is None:
            continue
        # Zones where workloads run, of the same kind (name or ID) as the endpoint's zone.
        zones: dict[str, list[Resource]] = {}
        for subnet in vpc.subnets:
            zone = subnet.zone
            if not subnet.certain or zone is None or zone[0] != home_zone[0]:
                continue
            clients = [w for w in subnet.workloads if w.certain and _is_client(w)]
            if clients:
                zones.setdefault(zone[1], []).extend(clients)
        if len(zones) < 2:
            continue
        elsewhere = [(zone, ws) for zone, ws in sorted(zones.items()) if zone != home_zone[1]]
        examples = ", ".join(f"{zone} ({ws[0].logical_id})" for zone, ws in elsewhere[:3])
        service = f" ({endpoint.service})" if endpoint.service else ""
        yield Problem(
            endpoint,
            f"Interface endpoint {endpoint.logical_id}{service} has a subnet only in "
            f"{home_zone[1]} ({home.logical_id}), while workloads of VPC {vpc.logical_id} also "
            f"run in {examples}; add a subnet in each of those zones to SubnetIds.",
        )


def _is_client(workload: Resource) -> bool:
    return not isinstance(workload, (VpcEndpoint, NatGateway, LoadBalancer))
