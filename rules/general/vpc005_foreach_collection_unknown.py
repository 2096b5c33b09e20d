"""A `Fn::ForEach` loop is not expanded: its collection cannot be known before deployment.

## What it does
vpclint expands `Fn::ForEach` loops (`Transform: AWS::LanguageExtensions`) as CloudFormation
does, with the collection from a literal list, a parameter's default or `--parameter`, or a
mapping. This rule reports each loop it could not expand: a collection from a parameter without
default, or one that is not a list of strings; a malformed loop; loops nested deeper than five
levels or generating more than 10,000 keys. The resources such a loop would make are not in the
network, and rules about them stay silent. It is information, not an error.

## Why it matters
Loops write whole VPCs: per-zone subnets, NAT gateways, route tables. A loop vpclint cannot
expand leaves those out of the check; saying so keeps a clean result honest.

## Example
```yaml
Parameters:
  Zones: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Subnets:
    - Zone
    - !Ref Zones
    - Subnet${Zone}: {Type: AWS::EC2::Subnet, Properties: {...}}
```

## Fix
Give the parameter a default, or pass its value: `vpclint check --parameter Zones=a,b`.

Source: AWS CloudFormation Template Reference, "Fn::ForEach"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC005"
NAME = "foreach-collection-unknown"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    for unseen in network.unseen:
        if unseen.kind == "foreach":
            yield Problem(
                unseen.subject,
                f"A Fn::ForEach loop is not expanded ({unseen.reason}), so the resources it "
                "makes are not checked; give its collection a value (a parameter default, or "
                "--parameter).",
                mark=unseen.mark,
            )
