"""Load balancers (Application, Network, Gateway and Classic), their listeners, and target
groups with their targets and the load balancers that forward to them."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, known
from vpclint.model import (
    LoadBalancer,
    LoadBalancerKind,
    Resource,
    Subnet,
    TargetGroup,
    normalize_port,
)
from vpclint.values import ResourceRef, Unknown


def load_balancer(b: Builder, base: Resource) -> None:
    props = base.properties
    classic = base.type == "AWS::ElasticLoadBalancing::LoadBalancer"
    kind: LoadBalancerKind | Unknown
    written = "classic" if classic else props.get("Type", "application")
    try:
        kind = written if isinstance(written, Unknown) else LoadBalancerKind(written)
    except ValueError:
        kind = Unknown(f"{written!r} is not a load balancer type")
    made = b.make(LoadBalancer, base, kind=kind, scheme=props.get("Scheme", "internet-facing"))
    b.network.load_balancers.append(made)
    if classic:
        listeners = props.get("Listeners")
        for listener in listeners if isinstance(listeners, list) else []:
            if isinstance(listener, dict):
                made.listener_ports.append(_port(listener.get("LoadBalancerPort")))

    def wire() -> None:
        subnets = props.get("Subnets")
        mappings = props.get("SubnetMappings")
        if subnets is None and isinstance(mappings, list):
            subnets = [m.get("SubnetId") if isinstance(m, dict) else m for m in mappings]
        if subnets is None and isinstance(mappings, Unknown):
            subnets = mappings
        made.subnets = (
            b.refer_all(subnets, Subnet)
            if subnets is not None
            else Unknown("the load balancer names no subnets")
        )
        b.place(made, known(made.subnets, Subnet))
        if props.get("SecurityGroups", []) != []:
            made.security_groups = b.security_groups(props["SecurityGroups"])
        elif kind in (LoadBalancerKind.APPLICATION, LoadBalancerKind.CLASSIC):
            # Without groups an Application or Classic Load Balancer takes the default group.
            first = next(iter(known(made.subnets, Subnet)), None)
            made.security_groups = b.placed_groups(None, first)
        b.join_groups(made, made.security_groups or [])

    b.wiring.append(wire)


def _port(value: Any) -> int | Unknown:
    port = normalize_port(value)
    return port if port is not None else Unknown("the listener's port is not known")


def target_group(b: Builder, base: Resource) -> None:
    props = base.properties
    group = b.make(
        TargetGroup,
        base,
        port=normalize_port(props.get("Port")),
        protocol=props.get("Protocol"),
        target_type=props.get("TargetType", "instance"),
    )
    b.network.target_groups.append(group)

    def wire() -> None:
        targets = props.get("Targets") or []
        if isinstance(targets, Unknown):
            group.targets = [(targets, None)]
            return
        for target in targets if isinstance(targets, list) else []:
            if not isinstance(target, dict):
                continue
            value = target.get("Id")
            found = b.network.resources.get(value.key) if isinstance(value, ResourceRef) else None
            port = normalize_port(target.get("Port")) if "Port" in target else group.port
            group.targets.append((found or value, port))

    b.wiring.append(wire)


def listener(b: Builder, base: Resource) -> None:
    def wire() -> None:
        props = base.properties
        balancer = b.lookup(props.get("LoadBalancerArn"), LoadBalancer)
        if balancer is None or not base.certain:
            return
        balancer.listener_ports.append(_port(props.get("Port")))
        for group in _forwarded_groups(props.get("DefaultActions")):
            found = b.lookup(group, TargetGroup)
            if found is not None and balancer not in found.load_balancers:
                found.load_balancers.append(balancer)

    b.wiring.append(wire)


def _forwarded_groups(actions: Any) -> list[Any]:
    """The target groups a listener's actions forward to."""
    groups: list[Any] = []
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        if "TargetGroupArn" in action:
            groups.append(action["TargetGroupArn"])
        forward = action.get("ForwardConfig")
        if isinstance(forward, dict):
            for item in forward.get("TargetGroups") or []:
                if isinstance(item, dict):
                    groups.append(item.get("TargetGroupArn"))
    return groups


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer": load_balancer,
    "AWS::ElasticLoadBalancing::LoadBalancer": load_balancer,
    "AWS::ElasticLoadBalancingV2::TargetGroup": target_group,
    "AWS::ElasticLoadBalancingV2::Listener": listener,
}
