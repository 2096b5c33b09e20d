"""The packet semantics: what security groups, network ACLs and route tables let through.

The only place these questions are answered; the rules and `vpclint reach` both ask here. Every
judgement names the rule, entry or route that decided it, so all of them explain themselves the
same way. `flows` (flows, peers, ephemeral ports, verdicts), `addresses` (blocks cut into
pieces judged alike, the internet's addresses), `security_groups`, `network_acls`, `routes`
(VPC, edge and transit gateway route tables), and `connections` (the connections the
workloads of a network start and accept, and the network ACLs each crosses).

Sources: Amazon VPC User Guide, "Control traffic to your AWS resources using security groups",
"Control subnet traffic with network access control lists", "Configure route tables"; Amazon
VPC Transit Gateways, "Transit gateway route tables" (docs.aws.amazon.com/vpc/latest/userguide/
and /vpc/latest/tgw/).
"""
