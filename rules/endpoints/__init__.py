"""Endpoint rules (VPC3xx): gateway and interface VPC endpoints."""
