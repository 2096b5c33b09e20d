"""Workloads users deploy in their subnets: Lambda functions, ECS services, Auto Scaling groups,
EKS, databases, caches and file systems; where each sits, what guards it, what it calls, and
`reach` from and to each."""

from __future__ import annotations

import textwrap

import pytest

from vpclint.builder import build_network
from vpclint.loader import parse
from vpclint.model import Instance, Network, SecurityGroup, Workload
from vpclint.model.workloads import ContainerService
from vpclint.reach import REACHABLE, UNKNOWN, UNREACHABLE, reach
from vpclint.reach.answer import NO_ROUTE, SG_RULES
from vpclint.resolver import Resolver
from vpclint.values import Unknown

# A VPC with public subnets (internet gateway), private ones (a NAT gateway) and isolated ones
# (no way out), in two zones each.
BASE = """\
Parameters:
  Unset: {Type: String}
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}
  IGW:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref VPC, InternetGatewayId: !Ref IGW}
  PublicSubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a,
                 MapPublicIpOnLaunch: true}
  PublicSubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1b,
                 MapPublicIpOnLaunch: true}
  PublicTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  PublicRoute:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties: {RouteTableId: !Ref PublicTable, DestinationCidrBlock: 0.0.0.0/0,
                 GatewayId: !Ref IGW}
  PublicAssociationA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnetA, RouteTableId: !Ref PublicTable}
  PublicAssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnetB, RouteTableId: !Ref PublicTable}
  Eip:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  NAT:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref PublicSubnetA, AllocationId: !GetAtt Eip.AllocationId}
  PrivateSubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1a}
  PrivateSubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.3.0/24, AvailabilityZone: us-east-1b}
  PrivateTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateTable, DestinationCidrBlock: 0.0.0.0/0,
                 NatGatewayId: !Ref NAT}
  PrivateAssociationA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnetA, RouteTableId: !Ref PrivateTable}
  PrivateAssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnetB, RouteTableId: !Ref PrivateTable}
  IsolatedSubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.4.0/24, AvailabilityZone: us-east-1a}
  IsolatedSubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.5.0/24, AvailabilityZone: us-east-1b}
  IsolatedTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  IsolatedAssociationA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref IsolatedSubnetA, RouteTableId: !Ref IsolatedTable}
  IsolatedAssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref IsolatedSubnetB, RouteTableId: !Ref IsolatedTable}
  AppGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: !Ref VPC}
  EndpointGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref VPC
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}
"""


def network(extra: str = "", **parameters: str) -> Network:
    text = BASE + textwrap.indent(textwrap.dedent(extra), "  ")
    return build_network(Resolver(parse(text), parameters=parameters))


def workload(net: Network, name: str) -> Workload:
    found = net.find(name)
    assert isinstance(found, Workload), found
    assert found in net.workloads
    return found


def names(items: object) -> list[str] | object:
    if not isinstance(items, list):
        return items
    return [getattr(item, "logical_id", item) for item in items]


def group(net: Network, name: str) -> SecurityGroup:
    found = net.find(name)
    assert isinstance(found, SecurityGroup)
    return found


# -- Lambda -------------------------------------------------------------------------------------

LAMBDA_ROLE = """
    FunctionRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                       Action: sts:AssumeRole}]
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
          - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess
        Policies:
          - PolicyName: app
            PolicyDocument:
              Statement:
                - {Effect: Allow, Action: [dynamodb:PutItem, dynamodb:GetItem], Resource: "*"}
                - {Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents],
                   Resource: "*"}
                - {Effect: Allow, Action: [sqs:ReceiveMessage, sqs:DeleteMessage], Resource: "*"}
                - {Effect: Deny, Action: sns:Publish, Resource: "*"}
    Function:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: python3.12
        Handler: index.handler
        Code: {ZipFile: "def handler(e, c): pass"}
        Role: !GetAtt FunctionRole.Arn
        VpcConfig:
          SubnetIds: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB]
          SecurityGroupIds: [!Ref AppGroup]
"""

DYNAMODB_ENDPOINT = """
    DynamoEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref VPC
        ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
        RouteTableIds: [!Ref IsolatedTable]
"""


def test_lambda_function_placement_groups_and_needs_from_its_role() -> None:
    net = network(LAMBDA_ROLE)
    function = workload(net, "Function")
    assert function.kind == "Lambda function"
    assert names(function.subnets) == ["IsolatedSubnetA", "IsolatedSubnetB"]
    assert names(function.security_groups) == ["AppGroup"]
    assert (function.public_ip, function.spread, function.starts_connections) == (False, True, True)
    assert function in group(net, "AppGroup").members
    assert function in net.find("IsolatedSubnetB").workloads  # type: ignore[union-attr]
    # Logs and network interfaces are the Lambda service's work, the queue its poller's:
    # only S3 (the managed policy) and DynamoDB (the inline policy) are the function's calls.
    assert function.needs == {
        "dynamodb": "role FunctionRole allows dynamodb:PutItem",
        "s3": "managed policy AmazonS3ReadOnlyAccess allows s3:Get*",
    }
    assert function.needs_unknown is None
    assert function.iam_actions[:2] == ["dynamodb:PutItem", "dynamodb:GetItem"]  # type: ignore[index]


def test_lambda_reaches_dynamodb_through_a_gateway_endpoint() -> None:
    net = network(LAMBDA_ROLE + DYNAMODB_ENDPOINT)
    answer = reach(net, "Function", "dynamodb")
    assert (answer.verdict, answer.code, answer.via) == (
        REACHABLE,
        None,
        "gateway endpoint DynamoEndpoint",
    )
    # S3 has no endpoint, and the isolated subnets no route out: from either subnet.
    s3 = reach(net, "Function", "s3")
    assert (s3.verdict, s3.codes) == (UNREACHABLE, [NO_ROUTE])
    assert s3.scope == "from subnet IsolatedSubnetA"
    assert s3.blocks[0].component == "IsolatedTable"


def test_lambda_needs_when_the_role_is_outside_or_allows_everything() -> None:
    outside = network(
        LAMBDA_ROLE.replace("Role: !GetAtt FunctionRole.Arn", "Role: arn:aws:iam::1:role/x")
    )
    function = workload(outside, "Function")
    assert function.needs == {}
    assert isinstance(function.needs_unknown, Unknown)
    assert function.needs_unknown.reason == "the role of Function is outside the template"
    assert isinstance(function.iam_policies, Unknown)
    star = network(LAMBDA_ROLE.replace("[dynamodb:PutItem, dynamodb:GetItem]", '"*"'))
    starred = workload(star, "Function")
    assert starred.needs == {"s3": "managed policy AmazonS3ReadOnlyAccess allows s3:Get*"}
    assert "allows every action" in starred.needs_unknown.reason  # type: ignore[union-attr]


SAM_FUNCTION = """
    Queue:
      Type: AWS::SQS::Queue
    Function:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Handler: index.handler
        InlineCode: "def handler(e, c): pass"
        Policies:
          - DynamoDBCrudPolicy: {TableName: table}
          - SQSSendMessagePolicy: {QueueName: !GetAtt Queue.QueueName}
          - SQSPollerPolicy: {QueueName: !GetAtt Queue.QueueName}
          - AWSSecretsManagerGetSecretValuePolicy: {SecretArn: arn}
          - AmazonSNSFullAccess
          - Statement: [{Effect: Allow, Action: states:StartExecution, Resource: "*"}]
        Events:
          FromQueue: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
        VpcConfig:
          SubnetIds: [!Ref PrivateSubnetA]
          SecurityGroupIds: [!Ref AppGroup]
"""


def test_sam_function_needs_from_its_policies_and_templates() -> None:
    net = network(SAM_FUNCTION)
    function = workload(net, "Function")
    assert function.needs == {
        "dynamodb": "SAM policy template DynamoDBCrudPolicy allows dynamodb:GetItem",
        "sqs": "SAM policy template SQSSendMessagePolicy allows sqs:SendMessage*",
        "secretsmanager": (
            "SAM policy template AWSSecretsManagerGetSecretValuePolicy allows "
            "secretsmanager:GetSecretValue"
        ),
        "sns": "managed policy AmazonSNSFullAccess allows sns:*",
        "states": "the role SAM makes for Function allows states:StartExecution",
    }
    assert function.needs_unknown is None
    # Through the NAT gateway, every one of them.
    for service in function.needs:
        answer = reach(net, "Function", service)
        assert (answer.verdict, answer.via) == (REACHABLE, "NAT gateway NAT → internet gateway IGW")


def test_sam_function_role_with_policies_attached_by_the_template() -> None:
    net = network(
        SAM_FUNCTION
        + """
    Extra:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: extra
        Roles: [!Ref FunctionRole]
        PolicyDocument:
          Statement: [{Effect: Allow, Action: kinesis:PutRecord, Resource: "*"},
                      {Effect: Allow, NotAction: iam:*, Resource: "*"}]
"""
    )
    function = workload(net, "Function")
    assert function.needs["kinesis-streams"] == (
        "the role SAM makes for Function allows kinesis:PutRecord"
    )
    # NotAction allows what it does not list: more than vpclint can name.
    assert "is not known" in function.needs_unknown.reason  # type: ignore[union-attr]


def test_sam_function_delivering_to_a_dead_letter_queue() -> None:
    net = network(
        SAM_FUNCTION.replace(
            "        Events:",
            "        DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Queue.Arn}\n        Events:",
        )
    )
    function = workload(net, "Function")
    assert "sqs" not in function.needs  # SendMessage may be Lambda delivering to the queue
    assert "destination Lambda delivers to" in function.needs_unknown.reason  # type: ignore[union-attr]


def test_lambda_wildcards_for_polled_queues_and_service_side_actions() -> None:
    role = LAMBDA_ROLE.replace(
        "[sqs:ReceiveMessage, sqs:DeleteMessage]", '["sqs:*", "kms:*", "ec2:Describe*"]'
    )
    polled = """
    Queue:
      Type: AWS::SQS::Queue
    Mapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: !GetAtt Function.Arn}
"""
    # sqs:* covers what the poller reads: with an event source mapping it may be only that.
    with_mapping = workload(network(role + polled), "Function")
    assert sorted(with_mapping.needs) == ["dynamodb", "s3"]
    assert with_mapping.needs_unknown is not None
    # Without one, the function calls SQS itself; kms:* and ec2:Describe* stay ambiguous.
    alone = workload(network(role), "Function")
    assert sorted(alone.needs) == ["dynamodb", "s3", "sqs"]


# -- ECS ----------------------------------------------------------------------------------------

ECS = """
    Repository:
      Type: AWS::ECR::Repository
    TaskDefinition:
      Type: AWS::ECS::TaskDefinition
      Properties:
        RequiresCompatibilities: [FARGATE]
        NetworkMode: awsvpc
        Cpu: "256"
        Memory: "512"
        ContainerDefinitions:
          - Name: web
            Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:1"
            LogConfiguration:
              LogDriver: awslogs
              Options: {awslogs-group: web, awslogs-region: !Ref AWS::Region,
                        awslogs-stream-prefix: web}
            Secrets:
              - {Name: TOKEN, ValueFrom: !Sub "arn:aws:secretsmanager:${AWS::Region}:1:secret:t"}
              - {Name: NAME, ValueFrom: /app/name}
          - Name: sidecar
            Image: !GetAtt Repository.RepositoryUri
          - Name: proxy
            Image: nginx:1.27
    Service:
      Type: AWS::ECS::Service
      Properties:
        Cluster: cluster
        LaunchType: FARGATE
        TaskDefinition: !Ref TaskDefinition
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB]
            SecurityGroups: [!Ref AppGroup]
"""

ECR_ENDPOINTS = """
    EcrApiEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcEndpointType: Interface
        VpcId: !Ref VPC
        ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.api
        PrivateDnsEnabled: true
        SubnetIds: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB]
        SecurityGroupIds: [!Ref EndpointGroup]
"""


def test_fargate_service_placement_and_needs() -> None:
    net = network(ECS)
    service = workload(net, "Service")
    assert isinstance(service, ContainerService)
    assert (service.kind, service.fargate, service.task_definition) == (
        "ECS service",
        True,
        "TaskDefinition",
    )
    assert names(service.subnets) == ["IsolatedSubnetA", "IsolatedSubnetB"]
    assert names(service.security_groups) == ["AppGroup"]
    assert (service.public_ip, service.spread) == (False, True)
    assert service.ecr_images == ["web", "sidecar"]
    assert service.public_images == ["proxy"]
    assert service.awslogs == ["web"]
    assert service.needs == {
        "ecr.api": "container web's image is in Amazon ECR",
        "ecr.dkr": "container web's image is in Amazon ECR",
        "s3": "Amazon ECR keeps the layers of container web's image in S3",
        "logs": "container web logs with the awslogs driver",
        "secretsmanager": "container web takes a secret from secretsmanager",
        "ssm": "container web takes a secret from ssm",
    }
    # What the application calls is never known.
    assert service.needs_unknown is not None


def test_fargate_service_reaches_ecr_api_through_an_interface_endpoint() -> None:
    net = network(ECS + ECR_ENDPOINTS)
    answer = reach(net, "Service", "ecr.api")
    assert (answer.verdict, answer.code, answer.via) == (
        REACHABLE,
        None,
        "interface endpoint EcrApiEndpoint",
    )
    blocked = reach(net, "Service", "ecr.dkr")
    assert (blocked.verdict, blocked.codes) == (UNREACHABLE, [NO_ROUTE])


def test_ecs_service_public_ip_default_group_and_launch_types() -> None:
    net = network(
        ECS.replace("SecurityGroups: [!Ref AppGroup]", "AssignPublicIp: ENABLED").replace(
            "[!Ref IsolatedSubnetA, !Ref IsolatedSubnetB]", "[!Ref PublicSubnetA]"
        )
    )
    service = workload(net, "Service")
    default = net.find("VPC").default_security_group  # type: ignore[union-attr]
    assert service.security_groups == [default]
    assert service in default.members
    assert service.public_ip is True
    assert reach(net, "Service", "internet").via == "internet gateway IGW"
    # On EC2 the container instance pulls images and sends logs: the task needs none of it.
    on_ec2 = workload(network(ECS.replace("LaunchType: FARGATE", "LaunchType: EC2")), "Service")
    assert (on_ec2.fargate, on_ec2.needs) == (False, {})  # type: ignore[union-attr]
    undecided = network(
        ECS.replace("LaunchType: FARGATE", "LaunchType: !Ref Unset").replace(
            "RequiresCompatibilities: [FARGATE]", "RequiresCompatibilities: [EC2, FARGATE]"
        )
    )
    assert isinstance(workload(undecided, "Service").fargate, Unknown)  # type: ignore[attr-defined]


def test_ecs_task_sets_platform_versions_and_other_regions() -> None:
    task_set = network(
        ECS.replace("Type: AWS::ECS::Service", "Type: AWS::ECS::TaskSet")
        .replace("AwsvpcConfiguration:", "AwsVpcConfiguration:")
        .replace("Cluster: cluster", "Cluster: cluster\n        Service: service")
    )
    found = workload(task_set, "Service")
    assert (found.kind, names(found.subnets)) == (
        "ECS task set",
        ["IsolatedSubnetA", "IsolatedSubnetB"],
    )
    assert "ecr.dkr" in found.needs
    # Before platform version 1.4.0 a Fargate-managed interface pulled the images.
    old = workload(
        network(
            ECS.replace(
                "LaunchType: FARGATE", "LaunchType: FARGATE\n        PlatformVersion: 1.3.0"
            )
        ),
        "Service",
    )
    assert isinstance(old.fargate, Unknown) and old.needs == {}  # type: ignore[attr-defined]
    # An image in another region's registry: not what the VPC's endpoints serve.
    elsewhere = workload(
        network(
            ECS.replace("dkr.ecr.${AWS::Region}.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com")
        ),
        "Service",
    )
    assert elsewhere.ecr_images == ["sidecar"]  # type: ignore[attr-defined]
    assert "ecr.api" in elsewhere.needs  # still needed for the sidecar


def test_ecs_service_without_awsvpc_holds_no_address() -> None:
    net = network(
        """
        TaskDefinition:
          Type: AWS::ECS::TaskDefinition
          Properties:
            NetworkMode: bridge
            ContainerDefinitions: [{Name: web, Image: nginx, Memory: 128}]
        Service:
          Type: AWS::ECS::Service
          Properties: {Cluster: c, TaskDefinition: !Ref TaskDefinition}
        Elsewhere:
          Type: AWS::ECS::Service
          Properties: {Cluster: c, TaskDefinition: arn:aws:ecs:us-east-1:1:task-definition/t}
    """
    )
    assert net.workloads == []
    default = net.find("VPC").default_security_group  # type: ignore[union-attr]
    # A task definition outside the template may use awsvpc, in the default group.
    assert names(default.possible_members) == ["Elsewhere"]


# -- Auto Scaling groups ------------------------------------------------------------------------

ASG = """
    Role:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com},
                       Action: sts:AssumeRole}]
        ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]
    Profile:
      Type: AWS::IAM::InstanceProfile
      Properties: {Roles: [!Ref Role]}
    LaunchTemplate:
      Type: AWS::EC2::LaunchTemplate
      Properties:
        LaunchTemplateData:
          ImageId: ami-12345678
          SecurityGroupIds: [!Ref AppGroup]
          IamInstanceProfile: {Arn: !GetAtt Profile.Arn}
    AppGroupScaling:
      Type: AWS::AutoScaling::AutoScalingGroup
      Properties:
        MinSize: "1"
        MaxSize: "2"
        VPCZoneIdentifier: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
        LaunchTemplate:
          LaunchTemplateId: !Ref LaunchTemplate
          Version: !GetAtt LaunchTemplate.LatestVersionNumber
"""

DATABASE = """
    DbGroup:
      Type: AWS::EC2::SecurityGroup
      Properties:
        GroupDescription: db
        VpcId: !Ref VPC
        SecurityGroupIngress:
          - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !Ref AppGroup}
    DbSubnets:
      Type: AWS::RDS::DBSubnetGroup
      Properties:
        DBSubnetGroupDescription: db
        SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.t3.micro
        DBSubnetGroupName: !Ref DbSubnets
        VPCSecurityGroups: [!Ref DbGroup]
"""


def test_auto_scaling_group_from_a_launch_template() -> None:
    net = network(ASG)
    asg = workload(net, "AppGroupScaling")
    assert asg.kind == "Auto Scaling group"
    assert names(asg.subnets) == ["PrivateSubnetA", "PrivateSubnetB"]
    assert names(asg.security_groups) == ["AppGroup"]
    assert (asg.public_ip, asg.spread, asg.starts_connections) == (False, True, True)
    assert asg.iam_policies == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
    assert asg in group(net, "AppGroup").members
    assert asg.needs == {} and asg.needs_unknown is not None
    # The launch template holds no address of its own.
    assert not any(r.logical_id == "LaunchTemplate" for r in net.workloads)


def test_auto_scaling_group_public_ip_from_interface_or_subnets() -> None:
    public = network(
        ASG.replace(
            "SecurityGroupIds: [!Ref AppGroup]",
            "NetworkInterfaces: [{DeviceIndex: 0, AssociatePublicIpAddress: true, "
            "Groups: [!Ref EndpointGroup]}]",
        )
    )
    asg = workload(public, "AppGroupScaling")
    assert (asg.public_ip, names(asg.security_groups)) == (True, ["EndpointGroup"])
    by_subnet = network(
        ASG.replace("!Ref PrivateSubnetA, !Ref PrivateSubnetB", "!Ref PublicSubnetA")
    )
    assert workload(by_subnet, "AppGroupScaling").public_ip is True
    mixed = network(
        ASG.replace(
            "!Ref PrivateSubnetA, !Ref PrivateSubnetB", "!Ref PublicSubnetA, !Ref PrivateSubnetA"
        )
    )
    assert isinstance(workload(mixed, "AppGroupScaling").public_ip, Unknown)


def test_auto_scaling_group_from_a_launch_configuration_or_outside() -> None:
    net = network(
        """
        Config:
          Type: AWS::AutoScaling::LaunchConfiguration
          Properties: {ImageId: ami-1, InstanceType: t3.micro, AssociatePublicIpAddress: false}
        FromConfig:
          Type: AWS::AutoScaling::AutoScalingGroup
          Properties:
            MinSize: "1"
            MaxSize: "1"
            VPCZoneIdentifier: [!Ref PublicSubnetA]
            LaunchConfigurationName: !Ref Config
        FromOutside:
          Type: AWS::AutoScaling::AutoScalingGroup
          Properties:
            MinSize: "1"
            MaxSize: "1"
            VPCZoneIdentifier: [!Ref PublicSubnetA]
            LaunchTemplate: {LaunchTemplateId: lt-0123456789abcdef0, Version: "1"}
    """
    )
    default = net.find("VPC").default_security_group  # type: ignore[union-attr]
    from_config = workload(net, "FromConfig")
    assert (from_config.security_groups, from_config.public_ip) == ([default], False)
    outside = workload(net, "FromOutside")
    assert isinstance(outside.security_groups, Unknown)
    assert outside in default.possible_members
    assert isinstance(outside.iam_policies, Unknown)


def test_asg_reaches_a_database_through_the_local_route() -> None:
    net = network(ASG + DATABASE)
    database = workload(net, "Database")
    assert (database.kind, database.spread, database.starts_connections) == (
        "RDS DB instance",
        False,
        False,
    )
    assert names(database.subnets) == ["PrivateSubnetA", "PrivateSubnetB"]
    assert names(database.security_groups) == ["DbGroup"]
    # A VPC with an internet gateway: whether the instance is public by default is not known.
    assert isinstance(database.public_ip, Unknown)
    answer = reach(net, "AppGroupScaling", "Database", port=5432)
    assert (answer.verdict, answer.code, answer.via) == (REACHABLE, None, "local route")
    # Not on another port, and not when the database's group does not admit the app's.
    other = reach(net, "AppGroupScaling", "Database", port=3306)
    assert (other.verdict, other.code) == (UNREACHABLE, SG_RULES)
    closed = network(
        ASG + DATABASE.replace("SourceSecurityGroupId: !Ref AppGroup", "CidrIp: 10.9.0.0/16")
    )
    denied = reach(closed, "AppGroupScaling", "Database", port=5432)
    assert (denied.verdict, denied.codes, denied.via) == (UNREACHABLE, [SG_RULES], "local route")
    assert denied.blocks[0].component == "Database"


def test_database_placement_cluster_default_vpc_and_outside_groups() -> None:
    net = network(
        DATABASE
        + """
    Cluster:
      Type: AWS::RDS::DBCluster
      Properties: {Engine: aurora-postgresql, DBSubnetGroupName: !Ref DbSubnets,
                   VpcSecurityGroupIds: [!Ref DbGroup]}
    Member:
      Type: AWS::RDS::DBInstance
      Properties: {Engine: aurora-postgresql, DBInstanceClass: db.r6g.large,
                   DBClusterIdentifier: !Ref Cluster, PubliclyAccessible: false}
    Lonely:
      Type: AWS::RDS::DBInstance
      Properties: {Engine: mysql, DBInstanceClass: db.t3.micro}
    Named:
      Type: AWS::RDS::DBInstance
      Properties: {Engine: mysql, DBInstanceClass: db.t3.micro, DBSubnetGroupName: other}
"""
    )
    cluster, member = workload(net, "Cluster"), workload(net, "Member")
    assert cluster.kind == "RDS DB cluster"
    assert names(member.subnets) == ["PrivateSubnetA", "PrivateSubnetB"]
    assert names(member.security_groups) == ["DbGroup"]
    assert member.public_ip is False
    lonely = workload(net, "Lonely")
    assert isinstance(lonely.subnets, Unknown)
    assert lonely.subnets.reason == "without a subnet group it sits in the default VPC"
    assert reach(net, "Lonely", "internet").verdict == UNKNOWN
    assert isinstance(workload(net, "Named").subnets, Unknown)


def test_database_default_public_ip_without_an_internet_gateway() -> None:
    text = BASE.split("  IGW:")[0] + textwrap.indent(
        textwrap.dedent(
            """
            Isolated:
              Type: AWS::EC2::Subnet
              Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.9.0/24}
            DbSubnets:
              Type: AWS::RDS::DBSubnetGroup
              Properties: {DBSubnetGroupDescription: db, SubnetIds: [!Ref Isolated]}
            Database:
              Type: AWS::RDS::DBInstance
              Properties: {Engine: mysql, DBInstanceClass: db.t3.micro,
                           DBSubnetGroupName: !Ref DbSubnets}
            """
        ),
        "  ",
    )
    net = build_network(Resolver(parse(text)))
    database = workload(net, "Database")
    assert database.public_ip is False
    default = net.find("VPC").default_security_group  # type: ignore[union-attr]
    assert database.security_groups == [default]


def test_caches_and_mount_targets() -> None:
    net = network(
        """
        CacheSubnets:
          Type: AWS::ElastiCache::SubnetGroup
          Properties: {Description: cache, SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]}
        Cache:
          Type: AWS::ElastiCache::CacheCluster
          Properties: {Engine: redis, CacheNodeType: cache.t3.micro, NumCacheNodes: 1,
                       CacheSubnetGroupName: !Ref CacheSubnets,
                       VpcSecurityGroupIds: [!Ref AppGroup]}
        Replicas:
          Type: AWS::ElastiCache::ReplicationGroup
          Properties: {ReplicationGroupDescription: r, CacheSubnetGroupName: !Ref CacheSubnets,
                       SecurityGroupIds: [!Ref AppGroup]}
        Serverless:
          Type: AWS::ElastiCache::ServerlessCache
          Properties: {Engine: valkey, ServerlessCacheName: s,
                       SubnetIds: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB]}
        FileSystem:
          Type: AWS::EFS::FileSystem
        MountTarget:
          Type: AWS::EFS::MountTarget
          Properties: {FileSystemId: !Ref FileSystem, SubnetId: !Ref PrivateSubnetB,
                       SecurityGroups: [!Ref AppGroup]}
    """
    )
    default = net.find("VPC").default_security_group  # type: ignore[union-attr]
    expected = {
        "Cache": ("ElastiCache cluster", ["PrivateSubnetA", "PrivateSubnetB"], ["AppGroup"]),
        "Replicas": (
            "ElastiCache replication group",
            ["PrivateSubnetA", "PrivateSubnetB"],
            ["AppGroup"],
        ),
        "Serverless": (
            "ElastiCache serverless cache",
            ["IsolatedSubnetA", "IsolatedSubnetB"],
            [default.logical_id],
        ),
        "MountTarget": ("EFS mount target", ["PrivateSubnetB"], ["AppGroup"]),
    }
    for name, (kind, subnets, groups) in expected.items():
        found = workload(net, name)
        assert (found.kind, names(found.subnets), names(found.security_groups)) == (
            kind,
            subnets,
            groups,
        ), name
        assert (found.public_ip, found.starts_connections) == (False, False)
    assert workload(net, "MountTarget").spread is True
    assert workload(net, "Cache").spread is False


# -- EKS ----------------------------------------------------------------------------------------


def test_eks_cluster_and_node_group_have_a_group_the_template_cannot_see() -> None:
    net = network(
        """
        NodeRole:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument: {Statement: []}
            ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy]
        Cluster:
          Type: AWS::EKS::Cluster
          Properties:
            RoleArn: arn:aws:iam::1:role/eks
            ResourcesVpcConfig:
              SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
              SecurityGroupIds: [!Ref AppGroup]
        Nodes:
          Type: AWS::EKS::Nodegroup
          Properties:
            ClusterName: !Ref Cluster
            NodeRole: !GetAtt NodeRole.Arn
            Subnets: [!Ref PublicSubnetA, !Ref PublicSubnetB]
    """
    )
    cluster, nodes = workload(net, "Cluster"), workload(net, "Nodes")
    assert (cluster.kind, cluster.spread, cluster.starts_connections) == (
        "EKS cluster",
        False,
        False,
    )
    assert names(cluster.security_groups)[0] == "AppGroup"  # type: ignore[index]
    assert isinstance(cluster.security_groups[1], Unknown)  # type: ignore[index]
    assert isinstance(nodes.security_groups[0], Unknown)  # type: ignore[index]
    assert (nodes.public_ip, nodes.starts_connections) == (True, True)
    assert nodes.iam_policies == ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]
    # The nodes' egress rules are not known: neither is their way out.
    assert reach(net, "Nodes", "internet").verdict == UNKNOWN


# -- instances from launch templates ------------------------------------------------------------


def test_instance_takes_its_launch_templates_groups_and_profile() -> None:
    net = network(
        ASG
        + """
    FromTemplate:
      Type: AWS::EC2::Instance
      Properties:
        SubnetId: !Ref PrivateSubnetA
        LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: "1"}
"""
    )
    instance = net.find("FromTemplate")
    assert isinstance(instance, Instance)
    assert names(instance.security_groups) == ["AppGroup"]
    assert instance.iam_policies == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]


EVERYTHING = (
    LAMBDA_ROLE
    + ECS
    + ASG
    + DATABASE
    + """
    FileSystem:
      Type: AWS::EFS::FileSystem
    MountTarget:
      Type: AWS::EFS::MountTarget
      Properties: {FileSystemId: !Ref FileSystem, SubnetId: !Ref PrivateSubnetB,
                   SecurityGroups: [!Ref AppGroup]}
"""
)


@pytest.mark.parametrize(
    ("source", "destination", "port", "verdict", "code"),
    [
        ("Function", "Database", 5432, REACHABLE, None),
        ("Service", "Database", 5432, REACHABLE, None),
        ("AppGroupScaling", "Database", 5432, REACHABLE, None),
        ("MountTarget", "Database", 5432, REACHABLE, None),
        ("Database", "MountTarget", 2049, UNREACHABLE, SG_RULES),
        ("Function", "Service", 8080, UNREACHABLE, SG_RULES),
        ("Service", "internet", 443, UNREACHABLE, NO_ROUTE),
        ("AppGroupScaling", "internet", 443, REACHABLE, None),
    ],
)
def test_every_workload_is_a_source_and_a_destination(
    source: str, destination: str, port: int, verdict: str, code: str | None
) -> None:
    net = network(EVERYTHING)
    answer = reach(net, source, destination, port=port)
    assert (answer.verdict, answer.code) == (verdict, code)
    if verdict == REACHABLE and destination != "internet":
        assert answer.via == "local route"
    for name in (source, destination):
        found = net.find(name)
        if isinstance(found, Workload):
            for subnet in found.placement().subnets:  # type: ignore[union-attr]
                assert found in subnet.workloads
