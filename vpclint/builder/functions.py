"""Lambda and SAM functions in a VPC: their interfaces, and what their role lets their code
call, less the queues and streams Lambda polls and the destinations it delivers to for them."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, named_id, text_of
from vpclint.builder.iam import Needs, iam_of_roles, sam_role
from vpclint.model import Resource, Subnet, Workload
from vpclint.values import Unknown

# Event sources Lambda polls (the function's role reads them, its interfaces do not), by the
# type SAM gives the event and the service of the queue or stream.
_POLLED_EVENTS = {"SQS": "sqs", "Kinesis": "kinesis-streams", "DynamoDB": "dynamodb"}
_POLLED_BY_SERVICE = {"sqs": "sqs", "kinesis": "kinesis-streams", "dynamodb": "dynamodb"}
_POLLED_TYPES = {
    "AWS::SQS::Queue": "sqs",
    "AWS::Kinesis::Stream": "kinesis-streams",
    "AWS::DynamoDB::Table": "dynamodb",
    "AWS::Serverless::SimpleTable": "dynamodb",
}
# Where Lambda itself delivers a function's results or failed events (dead-letter queues and
# destinations), with the function's role.
_DELIVERY_TYPES = {
    "AWS::SQS::Queue": "sqs",
    "AWS::SNS::Topic": "sns",
    "AWS::Lambda::Function": "lambda",
    "AWS::Serverless::Function": "lambda",
    "AWS::Events::EventBus": "events",
    "AWS::S3::Bucket": "s3",
}
_DELIVERY_SERVICES = frozenset({"sqs", "sns", "lambda", "events", "s3"})
_SAM_DESTINATIONS = {
    "SQS": "sqs",
    "SNS": "sns",
    "Lambda": "lambda",
    "EventBridge": "events",
    "S3Bucket": "s3",
}


def function(b: Builder, base: Resource) -> None:
    """A Lambda function (or a SAM function) with `VpcConfig`: its interfaces sit in every
    subnet it names, behind its security groups, with no public address; it needs what its
    role lets its code call."""
    config = base.properties.get("VpcConfig")
    if config is None:
        b.register(base)  # not in a VPC: it holds no address of the template's networks
        return
    made = b.make(Workload, base, kind="Lambda function")
    b.network.workloads.append(made)

    def wire() -> None:
        if isinstance(config, dict):
            made.subnets = b.refer_all(config.get("SubnetIds"), Subnet)
            made.security_groups = b.security_groups(config.get("SecurityGroupIds", []))
        else:
            unknown = (
                config if isinstance(config, Unknown) else Unknown("VpcConfig is not readable")
            )
            made.subnets, made.security_groups = unknown, unknown
        b.place_workload(made)
        _lambda_needs(b, made)

    b.wiring.append(wire)


def _lambda_needs(b: Builder, made: Workload) -> None:
    """What a function's role lets it call from its interfaces: `needs`, and the role's
    grants in `iam_policies` / `iam_actions`."""
    resolver = b.resolver_of(made)
    needs = Needs(_polled(b, made), _delivered(b, made))
    written = b.raw(made, "Role")
    if made.type == "AWS::Serverless::Function" and written is None:
        policies, actions = sam_role(b, made, needs)
        who = f"the role SAM makes for {made.logical_id}"
    else:
        role = named_id(written)
        if role is not None and resolver.resource_type(role) == "AWS::IAM::Role":
            policies, actions = iam_of_roles(resolver, [role])
            who = f"role {role}"
        else:
            unknown = Unknown(f"the role of {made.logical_id} is outside the template")
            policies, actions = unknown, unknown
            who = "its role"
    made.iam_policies, made.iam_actions = policies, actions
    needs.policies(policies, who)
    needs.actions(actions, who)
    made.needs, made.needs_unknown = needs.found, needs.unknown


def _polled(b: Builder, made: Workload) -> set[str]:
    """The services whose queues and streams Lambda polls for the function."""
    resolver = b.resolver_of(made)
    found: set[str] = set()
    events = made.properties.get("Events")
    for event in events.values() if isinstance(events, dict) else []:
        kind = event.get("Type") if isinstance(event, dict) else None
        if isinstance(kind, str) and kind in _POLLED_EVENTS:
            found.add(_POLLED_EVENTS[kind])
        elif not isinstance(kind, str):
            found.update(_POLLED_EVENTS.values())
    for logical_id, body in resolver.resources.items():
        if not isinstance(body, dict) or body.get("Type") != "AWS::Lambda::EventSourceMapping":
            continue
        raw = body.get("Properties")
        if not isinstance(raw, dict) or named_id(raw.get("FunctionName")) != made.logical_id:
            continue
        source = raw.get("EventSourceArn")
        service = _POLLED_TYPES.get(resolver.resource_type(named_id(source) or "") or "")
        if service is None:
            text = text_of(resolver.properties(logical_id).get("EventSourceArn"))
            parts = text.split(":") if text else []
            service = _POLLED_BY_SERVICE.get(parts[2]) if len(parts) > 2 else None
        if service is not None:
            found.add(service)
        else:
            found.update(_POLLED_EVENTS.values())
    return found


def _delivered(b: Builder, made: Workload) -> set[str]:
    """The services Lambda delivers the function's results or failed events to: its
    dead-letter queue and the destinations of its asynchronous invocations and event source
    mappings."""
    resolver = b.resolver_of(made)
    targets: list[Any] = [b.raw(made, "DeadLetterConfig", "TargetArn")]
    found: set[str] = set()
    queue = made.properties.get("DeadLetterQueue")  # SAM: {Type: SQS|SNS, TargetArn}
    if isinstance(queue, dict):
        kind = queue.get("Type")
        found.update([_SAM_DESTINATIONS[kind]] if kind in ("SQS", "SNS") else ["sqs", "sns"])
    config = made.properties.get("EventInvokeConfig")  # SAM
    destinations = config.get("DestinationConfig") if isinstance(config, dict) else None
    for outcome in destinations.values() if isinstance(destinations, dict) else []:
        kind = outcome.get("Type") if isinstance(outcome, dict) else None
        if isinstance(kind, str) and kind in _SAM_DESTINATIONS:
            found.add(_SAM_DESTINATIONS[kind])
        else:
            found.update(_DELIVERY_SERVICES)
    for body in resolver.resources.values():
        kind = body.get("Type") if isinstance(body, dict) else None
        if kind not in ("AWS::Lambda::EventInvokeConfig", "AWS::Lambda::EventSourceMapping"):
            continue
        raw = body.get("Properties")
        if not isinstance(raw, dict) or named_id(raw.get("FunctionName")) != made.logical_id:
            continue
        config = raw.get("DestinationConfig")
        for outcome in config.values() if isinstance(config, dict) else []:
            targets.append(outcome.get("Destination") if isinstance(outcome, dict) else outcome)
    for target in targets:
        if target is None:
            continue
        service = _DELIVERY_TYPES.get(resolver.resource_type(named_id(target) or "") or "")
        if service is None and isinstance(target, str) and target.count(":") > 2:
            service = target.split(":")[2]
        if service in _DELIVERY_SERVICES:
            found.add(service)
        else:
            found.update(_DELIVERY_SERVICES)
    return found


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::Lambda::Function": function,
    "AWS::Serverless::Function": function,
}
