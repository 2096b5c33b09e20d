"""Rules about vpclint itself (VPC0xx): suppressions."""
