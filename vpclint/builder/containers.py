"""ECS services and task sets: the interfaces of awsvpc tasks, and what a Fargate task's own
interface calls before its containers start (Amazon ECR, S3, CloudWatch Logs, Secrets Manager,
Systems Manager)."""

from __future__ import annotations

import re
from typing import Any

from vpclint.builder.core import Builder, Constructor, first_subnet, named_id, text_of
from vpclint.builder.iam import Needs
from vpclint.model import Resource, Subnet
from vpclint.model.workloads import ContainerService
from vpclint.resolver import Resolver
from vpclint.values import UNKNOWN_PART, Unknown

# An image in Amazon ECR: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPOSITORY (with
# UNKNOWN_PART where a Fn::Sub part is not known).
_ECR_IMAGE = re.compile(
    rf"^(?:\d{{12}}|{UNKNOWN_PART})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+|{UNKNOWN_PART})"
    rf"\.amazonaws\.com(?:\.cn)?/"
)
# Registries on the internet: Docker Hub (an image named without a registry), Amazon ECR
# Public, and the other public registries.
_INTERNET_REGISTRIES = frozenset(
    {
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "public.ecr.aws",
        "ghcr.io",
        "quay.io",
        "gcr.io",
        "registry.k8s.io",
        "mcr.microsoft.com",
        "registry.gitlab.com",
    }
)
_REPOSITORY_URI = re.compile(r"^\$\{([A-Za-z0-9]+)\.RepositoryUri\}")
_FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


def container_service(b: Builder, base: Resource) -> None:
    """An ECS service or task set. With `NetworkConfiguration` its tasks use the awsvpc network
    mode: one interface per task in one of the subnets, behind the groups (the VPC's default
    group when none is named), with a public IP only when AssignPublicIp is ENABLED. Without
    it, the tasks use their container instance's network, or the template is not known."""
    props = base.properties
    config = props.get("NetworkConfiguration")
    if config is None:
        b.register(base)
        mode = _task_network_mode(b, props.get("TaskDefinition"))
        if mode != "known":
            b.unmodelled.append(base)  # its task definition may use awsvpc
        return
    kind = "ECS task set" if base.type == "AWS::ECS::TaskSet" else "ECS service"
    made = b.make(ContainerService, base, kind=kind)
    b.network.workloads.append(made)

    def wire() -> None:
        awsvpc = None
        if isinstance(config, dict):
            awsvpc = config.get("AwsvpcConfiguration", config.get("AwsVpcConfiguration"))
        if isinstance(awsvpc, dict):
            made.subnets = b.refer_all(awsvpc.get("Subnets"), Subnet)
            made.security_groups = b.placed_groups(
                awsvpc.get("SecurityGroups"), first_subnet(made.subnets)
            )
            public = awsvpc.get("AssignPublicIp", "DISABLED")
            if isinstance(public, Unknown):
                made.public_ip = public
            else:
                made.public_ip = str(public).upper() == "ENABLED"
        else:
            unknown = (
                awsvpc
                if isinstance(awsvpc, Unknown)
                else Unknown("the service's AwsvpcConfiguration is not readable")
            )
            made.subnets, made.security_groups, made.public_ip = unknown, unknown, unknown
        b.place_workload(made)
        _container_needs(b, made)

    b.wiring.append(wire)


def _task_definition(b: Builder, value: Any) -> tuple[Resolver, str] | None:
    return b.same_stack(value, "AWS::ECS::TaskDefinition")


def _task_network_mode(b: Builder, value: Any) -> str:
    """ "known" when the template's task definition uses a mode other than awsvpc, so that
    its tasks hold no address of their own; "awsvpc" or "unknown" otherwise."""
    found = _task_definition(b, value)
    if found is None:
        return "unknown"
    mode = found[0].properties(found[1]).get("NetworkMode", "bridge")
    if isinstance(mode, str) and mode != "awsvpc":
        return "known"
    return "awsvpc" if mode == "awsvpc" else "unknown"


def _on_fargate(props: Any, task: Any) -> bool | Unknown:
    """Whether the tasks run on Fargate: the launch type, the capacity providers, or a task
    definition that only Fargate can run."""
    version = props.get("PlatformVersion", "LATEST")
    if version != "LATEST" and not (
        isinstance(version, str) and re.match(r"^1\.([4-9]|\d\d)\.", version)
    ):
        # Before platform version 1.4.0 a Fargate-managed interface pulled the images and sent
        # the logs, not the task's own.
        return Unknown(f"platform version {version} may pull through another interface")
    launch = props.get("LaunchType")
    if isinstance(launch, str):
        return launch.upper() == "FARGATE"
    if isinstance(launch, Unknown):
        return launch
    strategy = props.get("CapacityProviderStrategy")
    if isinstance(strategy, list) and strategy:
        names = [
            item.get("CapacityProvider") if isinstance(item, dict) else None for item in strategy
        ]
        if all(isinstance(n, str) and n in _FARGATE_PROVIDERS for n in names):
            return True
        if all(isinstance(n, str) and n not in _FARGATE_PROVIDERS for n in names):
            return False
        return Unknown("its capacity providers mix Fargate and others")
    compatibilities = task.get("RequiresCompatibilities") if isinstance(task, dict) else None
    if compatibilities == ["FARGATE"]:
        return True
    return Unknown("whether its tasks run on Fargate depends on the cluster's capacity providers")


def _container_needs(b: Builder, made: ContainerService) -> None:
    """What a Fargate task's own interface calls before the containers start: Amazon ECR and
    S3 for images in ECR, CloudWatch Logs for the awslogs driver, Secrets Manager and Systems
    Manager for secrets. ("Amazon ECS task networking options for Fargate",
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html;
    https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error.)"""
    props = made.properties
    found = _task_definition(b, props.get("TaskDefinition"))
    task = found[0].properties(found[1]) if found is not None else None
    made.task_definition = found[1] if found is not None else None
    made.fargate = _on_fargate(props, task)
    needs = Needs(set(), set())
    if found is None:
        needs.miss(f"the task definition of {made.logical_id} is not in the template")
    else:
        needs.miss(f"what the containers of {made.logical_id} call is not known")
    if made.fargate is not True:
        # On EC2 the container instance pulls images and sends logs through its own interface.
        made.needs, made.needs_unknown = {}, needs.unknown
        if found is not None:
            _read_containers(b, made, found, Needs(set(), set()))  # what it would need
        return
    if found is not None:
        _read_containers(b, made, found, needs)
    made.needs, made.needs_unknown = needs.found, needs.unknown


def _read_containers(
    b: Builder, made: ContainerService, found: tuple[Resolver, str], needs: Needs
) -> None:
    resolver, task_id = found
    containers = resolver.properties(task_id).get("ContainerDefinitions")
    body = resolver.resources.get(task_id)
    raw_props = body.get("Properties") if isinstance(body, dict) else None
    raw_containers = raw_props.get("ContainerDefinitions") if isinstance(raw_props, dict) else None
    if not isinstance(containers, list):
        needs.miss(f"the containers of task definition {task_id} are not known")
        return
    if not isinstance(raw_containers, list) or len(raw_containers) != len(containers):
        raw_containers = None  # an item removed by AWS::NoValue: the written ones do not line up
    region = resolver.region
    for index, container in enumerate(containers):
        if not isinstance(container, dict):
            needs.miss(f"a container of task definition {task_id} is not readable")
            continue
        name = container.get("Name")
        name = name if isinstance(name, str) else f"#{index + 1}"
        raw = raw_containers[index] if isinstance(raw_containers, list) else None
        raw_image = raw.get("Image") if isinstance(raw, dict) else None
        where = _registry(resolver, container.get("Image"), raw_image)
        if where == "ecr":
            made.ecr_images.append(name)
            needs.add("ecr.api", f"container {name}'s image is in Amazon ECR")
            needs.add("ecr.dkr", f"container {name}'s image is in Amazon ECR")
            needs.add("s3", f"Amazon ECR keeps the layers of container {name}'s image in S3")
        elif where == "internet":
            made.public_images.append(name)  # it needs the internet, not an AWS service
        elif where == "elsewhere":
            # Another region's ECR (or the stack's region is not the one vpclint assumes).
            needs.miss(f"container {name}'s image is in the ECR of another region")
        else:
            needs.miss(f"where container {name}'s image comes from is not known")
        log = container.get("LogConfiguration")
        driver = log.get("LogDriver") if isinstance(log, dict) else None
        if driver == "awslogs":
            options = log.get("Options") if isinstance(log, dict) else None
            log_region = options.get("awslogs-region") if isinstance(options, dict) else None
            if log_region in (None, region) and not (
                isinstance(options, dict) and "awslogs-endpoint" in options
            ):
                made.awslogs.append(name)
                needs.add("logs", f"container {name} logs with the awslogs driver")
            else:
                needs.miss(f"container {name} sends its logs to another region or endpoint")
        elif isinstance(driver, Unknown):
            needs.miss(f"the log driver of container {name} is not known")
        secrets: list[Any] = []
        for found_secrets in (
            container.get("Secrets"),
            log.get("SecretOptions") if isinstance(log, dict) else None,
        ):
            if isinstance(found_secrets, list):
                secrets.extend(found_secrets)
            elif found_secrets is not None:
                needs.miss(f"the secrets of container {name} are not known")
        raw_secrets = raw.get("Secrets") if isinstance(raw, dict) else None
        written = container.get("Secrets")
        if not isinstance(raw_secrets, list) or not isinstance(written, list):
            raw_secrets = []
        elif len(raw_secrets) != len(written):
            raw_secrets = []  # an item removed by AWS::NoValue: they do not line up
        for number, secret in enumerate(secrets):
            value = secret.get("ValueFrom") if isinstance(secret, dict) else None
            raw_secret = raw_secrets[number] if number < len(raw_secrets) else None
            raw_value = raw_secret.get("ValueFrom") if isinstance(raw_secret, dict) else None
            service = _secret_service(resolver, value, raw_value, region)
            if service is None:
                needs.miss(f"where a secret of container {name} comes from is not known")
            else:
                needs.add(service, f"container {name} takes a secret from {service}")
        credentials = container.get("RepositoryCredentials")
        if isinstance(credentials, dict) and "CredentialsParameter" in credentials:
            needs.add("secretsmanager", f"container {name}'s registry credentials")


def _registry(resolver: Resolver, image: Any, raw: Any) -> str | None:
    """Where an image comes from: "ecr" (the stack region's Amazon ECR), "elsewhere" (another
    region's), "internet" (a public registry), or None when not known."""
    named = named_id(raw)
    if named is None and isinstance(raw, dict) and set(raw) == {"Fn::Sub"}:
        text = raw["Fn::Sub"]
        text = text[0] if isinstance(text, list) and text else text
        match = _REPOSITORY_URI.match(text) if isinstance(text, str) else None
        named = match.group(1) if match else None
    elif named is not None and not (isinstance(raw, dict) and "Fn::GetAtt" in raw):
        named = None  # a Ref: a parameter or a resource's name, not a repository URI
    if named is not None and resolver.resource_type(named) == "AWS::ECR::Repository":
        return "ecr"  # `!GetAtt Repository.RepositoryUri`: the stack region's ECR
    text = text_of(image)
    if text is None:
        return None
    match = _ECR_IMAGE.match(text)
    if match:
        region = match.group(1)
        if region == UNKNOWN_PART:
            return None
        return "ecr" if region == resolver.region else "elsewhere"
    first, slash, _ = text.partition("/")
    if UNKNOWN_PART in first:
        return None
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        return "internet"  # no registry: Docker Hub
    return "internet" if first.lower() in _INTERNET_REGISTRIES else None


def _secret_service(resolver: Resolver, value: Any, raw: Any, region: str) -> str | None:
    """The service a container secret comes from: "secretsmanager" or "ssm" (a parameter's
    name, or an ARN in the stack's region); None when not known."""
    named = named_id(raw)
    kind = resolver.resource_type(named) if named else None
    if kind == "AWS::SecretsManager::Secret":
        return "secretsmanager"
    if kind == "AWS::SSM::Parameter":
        return "ssm"
    text = text_of(value)
    if text is None or text.startswith(UNKNOWN_PART):
        return None
    if text.startswith("arn:"):
        parts = text.split(":")
        if len(parts) < 4 or parts[2] not in ("secretsmanager", "ssm"):
            return None
        return parts[2] if parts[3] == region else None
    return "ssm" if UNKNOWN_PART not in text else None  # a parameter named in the same region


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::ECS::Service": container_service,
    "AWS::ECS::TaskSet": container_service,
}
