"""An ECS service on Fargate logs with awslogs but cannot reach CloudWatch Logs.

## What it does
For every ECS service or task set whose tasks run on AWS Fargate in the `awsvpc` network mode
and whose task definition (in the template) has a container with the `awslogs` log driver
(sending to the stack's region, at the default endpoint), walks HTTPS (TCP 443) from the tasks'
subnets to the `logs` service, as `vpclint reach` does: through a NAT gateway, a public IP and
an internet gateway, or a `logs` interface endpoint found by private DNS, past security groups
and network ACLs both ways. A task may start in any of the subnets, so each one must get
through. Reports the service with every component that blocks the way. Silent when the tasks
run on EC2 (the container instance's Docker daemon sends the logs), when the launch type or
the path depends on something vpclint cannot know, and for resources under an undecided
`Condition`.

## Why it matters
On Fargate the `awslogs` driver sends the containers' output to CloudWatch Logs from the task's
own network interface. With no way there, the task fails to start (a `DockerTimeoutError`, or
"unable to transition start timeout"), and a service that deployed cleanly never runs.

Sources: AWS Knowledge Center, "ecs-fargate-docker-timeout-error"
(https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error): tasks in a private
subnet without NAT need the CloudWatch Logs endpoint for `awslogs`; "Amazon ECS task networking
options for Fargate"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html);
"Using the awslogs log driver"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).

## Example
```yaml
TaskDefinition:
  Type: AWS::ECS::TaskDefinition
  Properties:
    RequiresCompatibilities: [FARGATE]
    NetworkMode: awsvpc
    ContainerDefinitions:
      - Name: web
        Image: public.ecr.aws/nginx/nginx:latest
        LogConfiguration:
          LogDriver: awslogs          # the subnets have no NAT and no logs endpoint
          Options: {awslogs-group: web, awslogs-region: !Ref AWS::Region,
                    awslogs-stream-prefix: web}
```

## Fix
What the message names: route the subnets through a NAT gateway in a public subnet, or add an
interface endpoint for `com.amazonaws.REGION.logs` with private DNS on and TCP 443 allowed in
from the tasks; allow TCP 443 out in the tasks' security groups.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.reach import UNREACHABLE, reach

ID = "VPC706"
NAME = "ecs-logs-unreachable"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for service in network.fargate_services:
        if not service.awslogs:
            continue
        answer = reach(network, service.key, "logs", port=443)
        if answer.verdict != UNREACHABLE:
            continue
        containers = ", ".join(service.awslogs)
        yield Problem(
            service,
            f"{service.kind} {service.logical_id} runs on Fargate and logs with the awslogs "
            f"driver ({containers}), but its tasks cannot reach CloudWatch Logs on TCP 443 "
            f"{answer.reasons}.",
        )
