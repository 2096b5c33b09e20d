"""Generate valid VPC templates of a given size, for the scaling benchmark.

    python benchmarks/generate.py 1000 > vpc-1000.yaml
    python benchmarks/generate.py --same-block 10000 > same-block.yaml

Each block of twelve resources is a subnet with its route table, association and default route,
a security group with inline and standalone rules, an instance and (every other block) an
interface endpoint; a VPC (with its internet gateway and attachment) holds up to 250 blocks.
"""

from __future__ import annotations

import sys

BLOCKS_PER_VPC = 250


def template(resources: int) -> str:
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:"]
    count = 0
    block = 0
    while count < resources:
        vpc_index, index = divmod(block, BLOCKS_PER_VPC)
        vpc = f"Vpc{vpc_index}"
        if index == 0:
            lines += [
                f"  {vpc}:",
                "    Type: AWS::EC2::VPC",
                f"    Properties: {{CidrBlock: 10.{vpc_index % 250}.0.0/16}}",
                f"  {vpc}Igw:",
                "    Type: AWS::EC2::InternetGateway",
                f"  {vpc}IgwAttachment:",
                "    Type: AWS::EC2::VPCGatewayAttachment",
                f"    Properties: {{VpcId: !Ref {vpc}, InternetGatewayId: !Ref {vpc}Igw}}",
            ]
            count += 3
        name = f"{vpc}App{index}"
        third, fourth = divmod(index, 16)
        lines += [
            f"  {name}Subnet:",
            "    Type: AWS::EC2::Subnet",
            "    Properties:",
            f"      VpcId: !Ref {vpc}",
            f"      CidrBlock: 10.{vpc_index % 250}.{third}.{fourth * 16}/28",
            f"      AvailabilityZone: !Select [{index % 3}, !GetAZs '']",
            f"      Tags: [{{Key: Name, Value: !Sub '${{AWS::StackName}}-public-{index}'}}]",
            f"  {name}RouteTable:",
            "    Type: AWS::EC2::RouteTable",
            f"    Properties: {{VpcId: !Ref {vpc}}}",
            f"  {name}Association:",
            "    Type: AWS::EC2::SubnetRouteTableAssociation",
            f"    Properties: {{SubnetId: !Ref {name}Subnet, RouteTableId: !Ref {name}RouteTable}}",
            f"  {name}DefaultRoute:",
            "    Type: AWS::EC2::Route",
            f"    DependsOn: {vpc}IgwAttachment",
            "    Properties:",
            f"      RouteTableId: !Ref {name}RouteTable",
            "      DestinationCidrBlock: 0.0.0.0/0",
            f"      GatewayId: !Ref {vpc}Igw",
            f"  {name}SecurityGroup:",
            "    Type: AWS::EC2::SecurityGroup",
            "    Properties:",
            f"      GroupDescription: app {index}",
            f"      VpcId: !Ref {vpc}",
            "      SecurityGroupIngress:",
            "        - {IpProtocol: tcp, FromPort: 443, ToPort: 443,",
            f"           CidrIp: !GetAtt {vpc}.CidrBlock}}",
            "        - {IpProtocol: tcp, FromPort: 8080, ToPort: 8089, CidrIp: 10.0.0.0/8}",
            f"  {name}IngressFromSelf:",
            "    Type: AWS::EC2::SecurityGroupIngress",
            "    Properties:",
            f"      GroupId: !Ref {name}SecurityGroup",
            "      IpProtocol: -1",
            f"      SourceSecurityGroupId: !GetAtt {name}SecurityGroup.GroupId",
            f"  {name}EgressHttps:",
            "    Type: AWS::EC2::SecurityGroupEgress",
            "    Properties:",
            f"      GroupId: !Ref {name}SecurityGroup",
            "      IpProtocol: tcp",
            "      FromPort: 443",
            "      ToPort: 443",
            "      CidrIp: 0.0.0.0/0",
            f"  {name}Instance:",
            "    Type: AWS::EC2::Instance",
            "    Properties:",
            "      ImageId: ami-0123456789abcdef0",
            "      InstanceType: t3.micro",
            f"      SubnetId: !Ref {name}Subnet",
            f"      SecurityGroupIds: [!Ref {name}SecurityGroup]",
            f"  {name}Eip:",
            "    Type: AWS::EC2::EIP",
            f"    DependsOn: {vpc}IgwAttachment",
            f"    Properties: {{Domain: vpc, InstanceId: !Ref {name}Instance}}",
            f"  {name}FlowLogGroup:",
            "    Type: AWS::Logs::LogGroup",
        ]
        count += 10
        if index % 2 == 0:
            lines += [
                f"  {name}Endpoint:",
                "    Type: AWS::EC2::VPCEndpoint",
                "    Properties:",
                "      VpcEndpointType: Interface",
                f"      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.svc{index}",
                f"      VpcId: !Ref {vpc}",
                f"      SubnetIds: [!Ref {name}Subnet]",
                f"      SecurityGroupIds: [!Ref {name}SecurityGroup]",
            ]
            count += 1
        block += 1
    return "\n".join(lines) + "\n"


def same_block(subnets: int) -> str:
    """One VPC whose subnets all have the same block: the worst case for overlap checking, which
    must stay near-linear (every subnet overlaps every other one)."""
    lines = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Resources:",
        "  Vpc:",
        "    Type: AWS::EC2::VPC",
        "    Properties: {CidrBlock: 10.0.0.0/16}",
    ]
    for index in range(subnets):
        lines += [
            f"  Subnet{index}:",
            "    Type: AWS::EC2::Subnet",
            "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--same-block"]:
        sys.stdout.write(same_block(int(arguments[1]) if len(arguments) > 1 else 10_000))
    else:
        sys.stdout.write(template(int(arguments[0]) if arguments else 1000))
