"""A Lambda function in a VPC cannot reach an AWS service its role lets it call.

## What it does
For every Lambda function (or SAM function) with `VpcConfig`, reads what its execution role
lets its code call: the template's `AWS::IAM::Role` named by `Role` (managed policy ARNs,
inline policies, policies attached to it), or for a SAM function without `Role` its
`Policies` (managed policy names and ARNs, SAM policy templates such as `DynamoDBCrudPolicy`,
inline statements). Each action's service (`dynamodb:PutItem` → `dynamodb`,
`kinesis:PutRecord` → `kinesis-streams`, `firehose:*` → `kinesis-firehose`, ...) is walked
with HTTPS (TCP 443) from every subnet of the function, as `vpclint reach` does: through a NAT
gateway, an interface endpoint found by private DNS, or a gateway endpoint for S3 and DynamoDB,
past security groups and network ACLs both ways. Reports the function once, naming each
service it cannot reach and every component that blocks it.

What the Lambda service does with the role is not counted: writing the function's logs (no
`logs:` permission counts), managing its network interfaces (`ec2:CreateNetworkInterface`,
...), reading the queues and streams of its event source mappings (`sqs:ReceiveMessage`,
`kinesis:GetRecords`, ...; a wildcard such as `sqs:*` counts only when no event source of that
service is in the template), delivering to its dead-letter queue and destinations, and KMS
calls other services make on its behalf (`kms:Decrypt`, `kms:GenerateDataKey`, ...). Silent
when the role is outside the template or allows `*`, for services vpclint does not map, when
the path depends on something vpclint cannot know, and for resources under an undecided
`Condition`.

## Why it matters
A function attached to a VPC has no internet access of its own: its calls to AWS services leave
through its subnets' routes. Without a NAT gateway or a VPC endpoint, the SDK call hangs until
the function times out, and nothing in the deployment says so.

Sources: AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon
VPC" and "Enable internet access for VPC-connected Lambda functions"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html); "Working with
AWS managed policies in the execution role"
(https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html): "When you use
an event source mapping to invoke your function, Lambda uses the execution role to read event
data"; "AWS SAM policy templates"
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html).

## Example
```yaml
Function:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
    Runtime: python3.12
    Policies:
      - DynamoDBCrudPolicy: {TableName: !Ref Table}
    VpcConfig:                 # the subnets route nowhere, and no DynamoDB endpoint
      SubnetIds: [!Ref IsolatedSubnet]
      SecurityGroupIds: [!Ref FunctionGroup]
```

## Fix
What the message names: add a gateway endpoint (S3, DynamoDB) on the subnets' route tables or
an interface endpoint with private DNS for the service, or route the subnets through a NAT
gateway; allow TCP 443 out of the function's security groups.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.reach import UNREACHABLE, ReachError, reach

ID = "VPC707"
NAME = "lambda-service-unreachable"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for function in network.workloads:
        if function.kind != "Lambda function" or not function.certain or not function.needs:
            continue
        failed = []
        for service, why in sorted(function.needs.items()):
            try:
                answer = reach(network, function.key, service, port=443)
            except ReachError:
                continue  # a service vpclint cannot walk to
            if answer.verdict == UNREACHABLE:
                failed.append((service, why, answer))
        if not failed:
            continue
        parts = [f"{service} ({why}) {answer.reasons}" for service, why, answer in failed]
        names = ", ".join(service for service, _, _ in failed)
        yield Problem(
            function,
            f"Lambda function {function.logical_id} may call {names} but cannot reach "
            f"{'it' if len(failed) == 1 else 'them'} on TCP 443 from its subnets: "
            f"{' / '.join(parts)}.",
        )
