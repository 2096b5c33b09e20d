"""An ECS service on Fargate pulls a public image but its tasks cannot reach the internet.

## What it does
For every ECS service or task set whose tasks run on AWS Fargate in the `awsvpc` network mode
and whose task definition (in the template) runs an image from a public registry on the
internet (Docker Hub, which an image named without a registry comes from, such as `nginx:1.27`
or `amazon/amazon-ecs-sample`; Amazon ECR Public, `public.ecr.aws/...`; `ghcr.io`, `quay.io`,
`gcr.io`, `registry.k8s.io`, `mcr.microsoft.com`, `registry.gitlab.com`), walks HTTPS
(TCP 443) from the tasks' subnets to the internet, as `vpclint reach` does: a NAT gateway, or a
public IP (`AssignPublicIp: ENABLED`) and an internet gateway, past security groups and network
ACLs both ways. A task may start in any of the subnets, so each one must get through. Reports
the service with every component that blocks the way. Silent when the tasks run on EC2 (the
container instance pulls the images), when the image's registry, the launch type or the path
depends on something vpclint cannot know, and for resources under an undecided `Condition`.

## Why it matters
VPC endpoints do not help here: the Amazon ECR endpoints serve your own registry in your region,
not Docker Hub or other public registries. The task stops with `CannotPullContainerError` and
the service never reaches its desired count.

Sources: "Amazon ECS task networking options for Fargate"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html):
"For a task on Fargate to pull a container image, the task must have a route to the internet"
(a public IP in a public subnet, or a NAT gateway in a private one; VPC endpoints only for images
in Amazon ECR); "Amazon ECR interface VPC endpoints (AWS PrivateLink)"
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    TaskDefinition: !Ref TaskDefinition       # Image: nginx:1.27 (Docker Hub)
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PublicSubnet]           # but AssignPublicIp defaults to DISABLED
```

## Fix
What the message names: set `AssignPublicIp: ENABLED` for tasks in public subnets, or route
their subnets through a NAT gateway; or copy the image into your Amazon ECR (a pull through
cache rule) and reach it through the ECR endpoints.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.reach import UNREACHABLE, reach

ID = "VPC708"
NAME = "ecs-public-image-no-internet"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for service in network.fargate_services:
        if not service.public_images:
            continue
        answer = reach(network, service.key, "internet", port=443)
        if answer.verdict != UNREACHABLE:
            continue
        containers = ", ".join(service.public_images)
        yield Problem(
            service,
            f"{service.kind} {service.logical_id} runs on Fargate with images from a public "
            f"registry ({containers}), but its tasks cannot reach the internet on TCP 443 "
            f"{answer.reasons}.",
        )
