"""A nested stack's template is not loaded, so its part of the network is not checked.

## What it does
vpclint loads the template of each `AWS::CloudFormation::Stack` (`TemplateURL`) and each SAM
`AWS::Serverless::Application` (`Location`) when it is a local file, as it is before
`aws cloudformation package` uploads it, and builds it into the parent's network with the
parameters the parent passes (a CDK nested stack is found through its `aws:asset:path`
metadata). This rule reports the nested stacks it could not load: a template at an S3 or HTTPS
address, an application of the Serverless Application Repository, a local file that is missing
or cannot be read, a template that nests itself, nesting deeper than ten levels. It is
information: the parent is checked, the child is not.

## Why it matters
Most real VPC designs are a parent and nested stacks; when the VPC lives in a child vpclint
cannot read, every rule about the parent's workloads stays silent, and a clean result would
hide it.

## Example
```yaml
Network:
  Type: AWS::CloudFormation::Stack
  Properties:
    TemplateURL: https://my-bucket.s3.amazonaws.com/network.yaml
```

## Fix
Lint the templates before they are packaged: point `TemplateURL` at the local file
(`TemplateURL: network/vpc.yaml`) in the source and let `aws cloudformation package` upload it,
or lint the child template on its own with the parameters the parent passes.

Source: AWS CloudFormation User Guide, "Embed stacks within other stacks using nested stacks"
and "aws cloudformation package"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC002"
NAME = "nested-stack-not-loaded"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    for unseen in network.unseen:
        if unseen.kind == "nested-stack":
            yield Problem(
                unseen.subject,
                f"Nested stack {unseen.subject.logical_id} is not checked: {unseen.reason}; lint "
                "the template of a local TemplateURL (before packaging) to see its network.",
            )
