"""Part of the template is made by a transform or macro that vpclint does not expand.

## What it does
Reports each transform named in the template's `Transform` section other than the ones vpclint
expands itself (`AWS::LanguageExtensions`, whose `Fn::ForEach` loops it expands, and
`AWS::Serverless-2016-10-31`, whose `Globals` it applies and whose functions and applications
it models), and each `Fn::Transform` (an `AWS::Include` snippet or a macro) in the template.
CloudFormation runs these before it creates anything, so what they generate (resources,
properties, whole sections) is not in the text vpclint reads. It is information: nothing is
wrong, but the network vpclint checked may not be the whole network.

## Why it matters
A clean result must mean "checked and clean". A macro can add the route that makes a subnet
public, or the security group rule that opens a port; a check that passes without saying it
did not see them is worse than no check.

## Example
```yaml
Transform: [AWS::Serverless-2016-10-31, MyCompany::NetworkMacro]
```

## Fix
Lint the template as CloudFormation will process it: the processed template of a deployed
stack (`aws cloudformation get-template --template-stage Processed`), or the output of the
macro's tooling. If the transform adds nothing to the network, suppress this finding with
`Metadata: {vpclint: {ignore: [VPC001], reason: ...}}` at the top of the template.

Source: AWS CloudFormation User Guide, "Transform section" and "Fn::Transform"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-section-structure.html).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC001"
NAME = "transform-not-expanded"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    for unseen in network.unseen:
        if unseen.kind == "transform":
            yield Problem(
                unseen.subject,
                f"{unseen.reason[0].upper()}{unseen.reason[1:]}; rules about the resources it "
                "makes stay silent.",
                mark=unseen.mark,
            )
