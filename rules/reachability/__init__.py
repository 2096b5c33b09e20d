"""Reachability rules (VPC7xx): built on paths walked through the network."""
