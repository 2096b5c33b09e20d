"""Security group and network ACL rules (VPC4xx)."""
