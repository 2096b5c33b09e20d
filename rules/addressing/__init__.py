"""Addressing rules (VPC2xx): VPC and subnet blocks, overlaps, capacity, Fn::Cidr."""
