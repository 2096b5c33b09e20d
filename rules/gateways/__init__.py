"""Gateway and hybrid rules (VPC6xx): internet, VPN and transit gateways, flow logs."""
