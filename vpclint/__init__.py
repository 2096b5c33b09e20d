"""vpclint: lint the network an AWS CloudFormation template builds."""

__version__ = "0.1.0"
