"""A custom resource is given route tables or network ACLs, and may change them.

## What it does
Reports each custom resource (`Custom::*` or `AWS::CloudFormation::CustomResource`) whose
properties name a route table, a network ACL or a transit gateway route table of the network.
What its code does is not in the template: it may add or replace routes, associate subnets,
or rewrite entries. vpclint then treats those route tables as not certain (reach answers
unknown through them) and the VPC's main route table as possibly changed, so that no answer
rests on a route that may not be there. It also reports a custom resource whose value is the
route table of a route, a subnet or gateway association or an endpoint
(`RouteTableId: !GetAtt Lookup.RouteTableId`): that table was made or looked up outside the
template, so what those routes and associations change is not analysed (and a subnet without
an association of its own may be the one associated). A route table from a nested stack's
output is analysed when the nested template is loaded (VPC002 reports one that is not). It is
information, not an error.

## Why it matters
Custom resources are a common way to do what CloudFormation cannot: a route to a Network
Firewall endpoint chosen by Availability Zone, an edge association, a change to the default
route table of a transit gateway. A linter that reports on the routes as written, while the
custom resource rewrites them at deploy time, would be confidently wrong.

## Example
```yaml
FirewallRoutes:
  Type: Custom::FirewallRoutes
  Properties:
    ServiceToken: !GetAtt RouteFunction.Arn
    RouteTableId: !Ref PrivateRouteTable
PeeringRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !GetAtt TableLookup.RouteTableId   # TableLookup: a Custom:: resource
    DestinationCidrBlock: 192.168.0.0/16
    VpcPeeringConnectionId: !Ref Peering
```

## Fix
Where CloudFormation can express it, write the route as an `AWS::EC2::Route` (for a firewall
endpoint: `VpcEndpointId` from `Fn::GetAtt Firewall.EndpointIds`). Otherwise suppress this
finding with the reason, on the custom resource.

Source: AWS CloudFormation User Guide, "Create custom provisioning logic with custom resources"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC003"
NAME = "custom-resource-changes-routing"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    for unseen in network.unseen:
        if unseen.kind == "custom-resource":
            reason = unseen.reason[0].upper() + unseen.reason[1:]
            yield Problem(
                unseen.subject,
                f"{reason}; answers that depend on them are left unknown.",
            )
