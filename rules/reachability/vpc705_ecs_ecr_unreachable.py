"""An ECS service on Fargate cannot reach Amazon ECR and S3 to pull its images.

## What it does
For every ECS service or task set whose tasks run on AWS Fargate in the `awsvpc` network mode
and whose task definition (in the template) runs an image from Amazon ECR of the stack's region
(`ACCOUNT.dkr.ecr.REGION.amazonaws.com/...`, `!GetAtt Repository.RepositoryUri`, or a `!Sub`
whose known text says so), walks HTTPS (TCP 443) from the tasks' subnets to `ecr.api`,
`ecr.dkr` and `s3`, as `vpclint reach` does: through a NAT gateway, a public IP and an internet
gateway, interface endpoints found by private DNS, or the S3 gateway endpoint, past security
groups and network ACLs both ways. A task may start in any of the subnets, so each one must
get through. Reports the service once, naming every service it cannot reach and every
component that blocks it. Silent when the tasks run on EC2 (the container instance pulls the
images, through its own interface), when the launch type, the image or the path depends on
something vpclint cannot know, and for resources under an undecided `Condition`.

## Why it matters
The task never starts: it stops with `CannotPullContainerError` or times out in `PENDING`
("unable to transition start timeout after wait 3m0s"), and the template deployed without a
complaint. For a task on Fargate to pull an image it needs a route to the internet (a public IP
in a public subnet, or a NAT gateway), or interface endpoints for Amazon ECR: `ecr.api` for the
authorization token and manifests, `ecr.dkr` for the registry, and a way to S3, because Amazon
ECR keeps the image layers there and hands out pre-signed S3 URLs for them
(`GetDownloadUrlForLayer`).

Sources: "Amazon ECS task networking options for Fargate"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html);
"Amazon ECR interface VPC endpoints (AWS PrivateLink)"
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html); Amazon ECR API
Reference, "GetDownloadUrlForLayer"
(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html);
AWS Knowledge Center, "ecs-fargate-docker-timeout-error"
(https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error).

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    TaskDefinition: !Ref TaskDefinition   # image: !GetAtt Repository.RepositoryUri
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref IsolatedSubnet]     # no NAT gateway, and no ecr.dkr endpoint
```

## Fix
What the message names: route the subnets through a NAT gateway in a public subnet, or add
interface endpoints for `ecr.api` and `ecr.dkr` (private DNS on, TCP 443 allowed in from the
tasks) and an S3 gateway endpoint on the subnets' route tables; allow TCP 443 out in the tasks'
security groups (to the S3 prefix list for the gateway endpoint).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.reach import UNREACHABLE, reach

ID = "VPC705"
NAME = "ecs-ecr-unreachable"
SEVERITY = "error"

SERVICES = ("ecr.api", "ecr.dkr", "s3")


def check(network: Network) -> Iterator[Problem]:
    for service in network.fargate_services:
        if not service.ecr_images:
            continue
        failed = []
        for target in SERVICES:
            answer = reach(network, service.key, target, port=443)
            if answer.verdict == UNREACHABLE:
                failed.append((target, answer))
        if not failed:
            continue
        containers = ", ".join(service.ecr_images)
        names = ", ".join(target for target, _ in failed)
        yield Problem(
            service,
            f"{service.kind} {service.logical_id} runs on Fargate with images from Amazon ECR "
            f"({containers}) but its tasks cannot reach {names} on TCP 443, so they cannot pull "
            f"their images: "
            + " / ".join(f"{target} {answer.reasons}" for target, answer in failed)
            + ".",
        )
