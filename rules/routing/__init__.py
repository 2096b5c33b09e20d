"""Routing rules (VPC1xx): route tables, their routes and the gateways they reach."""
