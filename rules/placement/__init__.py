"""Placement rules (VPC5xx): load balancers, subnet groups and public addresses."""
