"""A network resource imports a value that no checked template exports.

## What it does
Reports each `Fn::ImportValue` in the properties of a resource vpclint models (a subnet's
`VpcId`, an instance's `SubnetId`, a security group rule's peer, ...) whose export name matches
no `Export` of the templates checked together, once per export name and template. vpclint links
templates given together (files, a folder, a CDK app): an import whose export is found resolves
to the exporting stack's resources; one that is not found stays unknown, and rules about what
it names stay silent. It is information, not an error.

## Why it matters
The usual split is a network stack and app stacks that import its subnets and VPC. Checked
alone, an app stack's network is unknown, and a pass means nothing; checked with the network
stack, a defect visible only when both are seen together (an instance in an imported private
subnet with no way to Systems Manager) is found.

## Example
```yaml
AppServer:
  Type: AWS::EC2::Instance
  Properties:
    SubnetId: !ImportValue network-PrivateSubnetA
```

## Fix
Check the exporting template together with this one (`vpclint check network.yaml app.yaml`,
or the folder that holds both). An export named after the stack
(`!Sub "${AWS::StackName}-PrivateSubnetA"`) is matched with the file's stem as stack name;
give another with `--stack-name network.yaml=prod-network` or `stacks` in the configuration,
and pass parameters the import name needs with `--parameter`.

Source: AWS CloudFormation User Guide, "Get exported outputs from a deployed CloudFormation
stack" and "Fn::ImportValue"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC004"
NAME = "import-without-export"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    for unseen in network.unseen:
        if unseen.kind == "import":
            yield Problem(
                unseen.subject,
                f"{unseen.reason[0].upper()}{unseen.reason[1:]}; check the template that exports "
                "it together with this one.",
                mark=unseen.mark,
            )
