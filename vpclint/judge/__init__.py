"""The packet semantics: what security groups, network ACLs and route tables let through.

The only place these questions are answered; the rules and `vpclint reach` both ask here. Every
judgement names the rule, entry or route that decided it, so all of them explain themselves the
same way. Sources: Amazon VPC User Guide, "Control traffic to your AWS resources using security
groups", "Control subnet traffic with network access control lists", "Configure route tables"
and "Transit gateway route tables" (docs.aws.amazon.com/vpc/latest/userguide/, /vpc/latest/tgw/).
"""
