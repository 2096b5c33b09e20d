"""vpclint.resolver: intrinsic functions evaluated, or Unknown with a reason, never a crash."""

from __future__ import annotations

import base64
from textwrap import dedent
from typing import Any

import pytest

from vpclint.loader import parse
from vpclint.nodes import Mark
from vpclint.regions import AVAILABILITY_ZONES
from vpclint.resolver import Resolver, cidr_blocks
from vpclint.values import NO_VALUE, UNKNOWN_PART, ResourceRef, Unknown, alternatives

# The shape of widdix vpc-2azs, the AWS "Managed NAT" sample and the VpcWizard module, cut down.
NETWORK = """\
    AWSTemplateFormatVersion: 2010-09-09
    Parameters:
      VpcCidr:
        Type: String
        Default: 10.0.0.0/16
      ClassB:
        Type: Number
        Default: 0
      EnvironmentName:
        Type: String
        Default: prod
      Subnets:
        Type: CommaDelimitedList
        Default: ' subnet-1 ,subnet-2,  subnet-3'
      PrivateSubnetIds:
        Type: List<AWS::EC2::Subnet::Id>
        Default: subnet-a, subnet-b
      LatestAmi:
        Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
        Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      NatGatewayOn:
        Type: String
        Default: true
      KeyName:
        Type: AWS::EC2::KeyPair::KeyName
    Mappings:
      SubnetConfig:
        VPC:
          CIDR: 10.0.0.0/16
        Public0:
          CIDR: 10.0.0.0/24
      RegionMap:
        us-east-1:
          AMI: ami-0aaa
        eu-west-1:
          AMI: ami-0bbb
    Resources:
      VPC:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: !Ref VpcCidr
          EnableDnsSupport: true
      Subnet:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref VPC
          AvailabilityZone: !Select [0, !GetAZs '']
          CidrBlock: !Select [0, !Cidr [!GetAtt VPC.CidrBlock, 6, 8]]
      SG:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: web
          VpcId: !Ref VPC
      NatGateway:
        Type: AWS::EC2::NatGateway
        Properties:
          SubnetId: !Ref Subnet
      PoolVpc:
        Type: AWS::EC2::VPC
        Properties:
          Ipv4IpamPoolId: ipam-pool-1
          Ipv4NetmaskLength: 20
"""


def resolver(template: str = NETWORK, **options: Any) -> Resolver:
    return Resolver(parse(dedent(template)) or {}, **options)


def evaluate(expression: str, template: str = NETWORK, **options: Any) -> Any:
    """The resolved value of one YAML expression, against a template."""
    return resolver(template, **options).resolve(parse(f"value: {expression}\n")["value"])


def unknown(value: Any) -> Unknown:
    assert isinstance(value, Unknown), f"expected Unknown, got {value!r}"
    assert value.reason
    return value


# -- Fn::Cidr ---------------------------------------------------------------------------------


def test_select_of_cidr_of_vpc_cidr_from_parameter_default() -> None:
    assert evaluate("!Select [0, !Cidr [!GetAtt VPC.CidrBlock, 6, 8]]") == "10.0.0.0/24"
    assert evaluate("!Select [5, !Cidr [!GetAtt VPC.CidrBlock, 6, 8]]") == "10.0.5.0/24"
    assert resolver().properties("Subnet")["CidrBlock"] == "10.0.0.0/24"


def test_cidr_follows_a_parameter_override() -> None:
    value = evaluate(
        "!Select [1, !Cidr [!GetAtt VPC.CidrBlock, 6, 8]]", parameters={"VpcCidr": "172.16.0.0/16"}
    )
    assert value == "172.16.1.0/24"


def test_cidr_vpc_wizard_shape() -> None:
    # modules/VpcWizard: !Select [64, !Cidr [ !Ref CidrBlock, 255, 8 ]]
    assert evaluate("!Select [64, !Cidr [!Ref VpcCidr, 255, 8]]") == "10.0.64.0/24"
    assert evaluate("!Select [254, !Cidr [!Ref VpcCidr, 255, 8]]") == "10.0.254.0/24"
    assert isinstance(evaluate("!Select [255, !Cidr [!Ref VpcCidr, 255, 8]]"), Unknown)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # The example of the AWS documentation: six /27 blocks (32 - 5 host bits).
        (
            "!Cidr ['192.168.0.0/24', 6, 5]",
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27",
            ],
        ),
        ("!Cidr [10.0.0.0/16, 3, 12]", ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]),
        ("!Cidr [10.0.0.0/16, 1, 16]", ["10.0.0.0/16"]),
        ("!Cidr [10.0.0.0/24, 2, 7]", ["10.0.0.0/25", "10.0.0.128/25"]),
        ("!Cidr ['10.0.0.0/16', '2', '8']", ["10.0.0.0/24", "10.0.1.0/24"]),
        (
            "!Cidr ['2001:db8:1234:1a00::/56', 3, 64]",
            ["2001:db8:1234:1a00::/64", "2001:db8:1234:1a01::/64", "2001:db8:1234:1a02::/64"],
        ),
    ],
)
def test_cidr_exact_semantics(expression: str, expected: list[str]) -> None:
    assert evaluate(expression) == expected


def test_cidr_all_256_blocks_of_an_ipv6_56() -> None:
    value = evaluate("!Cidr ['2001:db8::/56', 256, 64]")
    assert len(value) == 256
    assert value[0] == "2001:db8::/64"
    assert value[255] == "2001:db8:0:ff::/64"


def test_cidr_count_and_bits_from_parameters() -> None:
    template = """\
        Parameters:
          Cidr: {Type: String, Default: 10.20.0.0/16}
          Count: {Type: Number, Default: 4}
          Bits: {Type: Number, Default: 10}
    """
    value = evaluate("!Cidr [!Ref Cidr, !Ref Count, !Ref Bits]", template)
    assert value == ["10.20.0.0/22", "10.20.4.0/22", "10.20.8.0/22", "10.20.12.0/22"]


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("!Cidr [10.0.0.0/24, 3, 7]", "3 blocks of /25"),  # a /24 holds two /25
        ("!Cidr [10.0.0.0/24, 1, 9]", "9 host bits"),  # a /23 does not fit in a /24
        ("!Cidr [10.0.0.0/16, 0, 8]", "count 0"),
        ("!Cidr [10.0.0.0/16, 257, 8]", "count 257"),
        ("!Cidr [10.0.0.0/16, 2, 0]", "0 host bits"),
        ("!Cidr [not-a-cidr, 2, 8]", "not valid"),
        ("!Cidr [10.0.0.0/16, many, 8]", "not valid"),
        ("!Cidr [10.0.0.0/16, 2, 8.x]", "not valid"),
        ("!Cidr 10.0.0.0/16", "takes [block, count, bits]"),
        ("!Cidr [10.0.0.0/16, 2]", "takes [block, count, bits]"),
        ("!Cidr [!Ref VPC, 2, 8]", "not valid"),
    ],
)
def test_cidr_that_cannot_be_cut_is_unknown(expression: str, words: str) -> None:
    assert words in unknown(evaluate(expression)).reason


def test_cidr_of_an_unknown_block_is_unknown() -> None:
    # widdix: !Cidr [!Select [0, !GetAtt 'VPC.Ipv6CidrBlocks'], 4, 64]
    value = evaluate("!Select [0, !Cidr [!Select [0, !GetAtt 'VPC.Ipv6CidrBlocks'], 4, 64]]")
    assert "VPC.Ipv6CidrBlocks" in unknown(value).reason


def test_cidr_blocks_function() -> None:
    assert cidr_blocks("10.0.0.0/16", 2, 8) == ["10.0.0.0/24", "10.0.1.0/24"]
    assert isinstance(cidr_blocks("10.0.0.0/16", 2, 17), Unknown)


def test_cidr_of_ipv6_block_with_low_address_stays_ipv6() -> None:
    assert evaluate("!Cidr ['::/8', 2, 112]") == ["::/16", "1::/16"]


@pytest.mark.parametrize(
    "expression",
    [
        "!Cidr [10.0.0.0/16, [1], 8]",
        "!Cidr [10.0.0.0/16, null, 8]",
        "!Cidr [10.0.0.0/16, 2, {a: b}]",
        "!Cidr [10.0.0.0/16, !Ref VPC, 8]",
        "!Cidr [10.0.0.0/16, !Ref Subnets, 8]",
    ],
)
def test_cidr_with_non_scalar_count_or_bits_is_unknown(expression: str) -> None:
    unknown(evaluate(expression))


# -- Fn::GetAZs -------------------------------------------------------------------------------

US_EAST_1 = list(AVAILABILITY_ZONES["us-east-1"])


@pytest.mark.parametrize(
    "expression",
    ["!GetAZs ''", "!GetAZs", "{'Fn::GetAZs': null}", "!GetAZs {Ref: 'AWS::Region'}"],
)
def test_getazs_of_the_current_region(expression: str) -> None:
    assert evaluate(expression) == US_EAST_1
    assert evaluate(expression, region="eu-west-1") == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def test_getazs_json_null_form() -> None:
    # VPC_With_Managed_NAT_And_Private_Subnet.json: {"Fn::Select": [0, {"Fn::GetAZs": null}]}
    template = parse(
        '{"Resources": {"S": {"Type": "AWS::EC2::Subnet", "Properties": '
        '{"AvailabilityZone": {"Fn::Select": [1, {"Fn::GetAZs": null}]}}}}}'
    )
    assert Resolver(template, region="eu-west-1").properties("S") == {
        "AvailabilityZone": "eu-west-1b"
    }


def test_getazs_long_form_with_short_ref() -> None:
    data = parse("value:\n  Fn::GetAZs: !Ref AWS::Region\n")
    assert Resolver({}, region="eu-west-1").resolve(data["value"]) == [
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    ]


def test_getazs_literal_region() -> None:
    assert evaluate("!GetAZs eu-west-1") == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def test_getazs_of_the_resolver_region() -> None:
    assert evaluate("!GetAZs ''", region="ap-northeast-1") == [
        "ap-northeast-1a",
        "ap-northeast-1b",
        "ap-northeast-1c",
        "ap-northeast-1d",
    ]
    assert resolver(region="ap-northeast-1").properties("Subnet")["AvailabilityZone"] == (
        "ap-northeast-1a"
    )


def test_getazs_of_an_unknown_region_is_unknown() -> None:
    assert "mars-north-1" in unknown(evaluate("!GetAZs mars-north-1")).reason
    assert "mars-north-1" in unknown(evaluate("!GetAZs ''", region="mars-north-1")).reason
    assert isinstance(evaluate("!Select [0, !GetAZs '']", region="mars-north-1"), Unknown)


def test_getazs_of_unknowable_region_is_unknown() -> None:
    unknown(evaluate("!GetAZs {Ref: 'AWS::StackName'}"))
    unknown(evaluate("!GetAZs [a, b]"))


# -- Ref --------------------------------------------------------------------------------------


def test_ref_parameter_default() -> None:
    assert evaluate("!Ref VpcCidr") == "10.0.0.0/16"
    assert evaluate("!Ref EnvironmentName") == "prod"
    assert evaluate("!Ref ClassB") == 0


def test_ref_parameter_override() -> None:
    assert evaluate("!Ref VpcCidr", parameters={"VpcCidr": "10.9.0.0/16"}) == "10.9.0.0/16"
    assert evaluate("!Ref KeyName", parameters={"KeyName": "ops"}) == "ops"


def test_ref_parameter_without_default() -> None:
    value = unknown(evaluate("!Ref KeyName"))
    assert "KeyName" in value.reason
    assert value.mark == Mark(1, 8)


def test_ref_list_parameters() -> None:
    assert evaluate("!Ref Subnets") == ["subnet-1", "subnet-2", "subnet-3"]
    assert evaluate("!Ref PrivateSubnetIds") == ["subnet-a", "subnet-b"]
    overridden = evaluate("!Ref PrivateSubnetIds", parameters={"PrivateSubnetIds": "s-1 , s-2"})
    assert overridden == ["s-1", "s-2"]


def test_ref_ssm_parameter_is_unknown_even_with_default() -> None:
    assert "LatestAmi" in unknown(evaluate("!Ref LatestAmi")).reason


def test_ref_boolean_default_is_text() -> None:
    assert evaluate("!Ref NatGatewayOn") == "true"


def test_ref_resource() -> None:
    assert evaluate("!Ref VPC") == ResourceRef("VPC")
    assert resolver().properties("Subnet")["VpcId"] == ResourceRef("VPC")
    assert resolver().properties("NatGateway")["SubnetId"] == ResourceRef("Subnet")


def test_ref_undefined_is_unknown() -> None:
    assert "Nope" in unknown(evaluate("!Ref Nope")).reason


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("us-east-1", "aws", "amazonaws.com"),
        ("eu-west-1", "aws", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
    ],
)
def test_pseudo_parameters(region: str, partition: str, suffix: str) -> None:
    assert evaluate("!Ref AWS::Region", region=region) == region
    assert evaluate("!Ref AWS::Partition", region=region) == partition
    assert evaluate("!Ref AWS::URLSuffix", region=region) == suffix


def test_default_region_is_us_east_1() -> None:
    assert evaluate("!Ref AWS::Region") == "us-east-1"


@pytest.mark.parametrize(
    "name", ["AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"]
)
def test_deploy_time_pseudo_parameters_are_unknown(name: str) -> None:
    assert name in unknown(evaluate(f"!Ref {name}")).reason


def test_novalue_removes_a_property_and_a_list_item() -> None:
    template = """\
        Conditions:
          IsPublic: !Equals [a, b]
        Resources:
          Subnet:
            Type: AWS::EC2::Subnet
            Properties:
              MapPublicIpOnLaunch: !If [IsPublic, true, !Ref AWS::NoValue]
              Ipv6CidrBlock: !Ref AWS::NoValue
              Tags:
                - !If [IsPublic, {Key: Tier, Value: public}, !Ref AWS::NoValue]
                - Key: Name
                  Value: web
                - !Ref AWS::NoValue
    """
    properties = resolver(template).properties("Subnet")
    assert properties == {"Tags": [{"Key": "Name", "Value": "web"}]}
    assert properties["Tags"].item_marks == [Mark(11, 11)]
    assert evaluate("!Ref AWS::NoValue") is NO_VALUE


# -- Fn::Sub ----------------------------------------------------------------------------------


def test_sub_pseudo_parameters_and_parameters() -> None:
    assert evaluate("!Sub '10.${ClassB}.0.0/16'") == "10.0.0.0/16"
    assert evaluate("!Sub '10.${ClassB}.0.0/16'", parameters={"ClassB": "42"}) == "10.42.0.0/16"
    assert evaluate("!Sub 'com.amazonaws.${AWS::Region}.s3'", region="eu-west-1") == (
        "com.amazonaws.eu-west-1.s3"
    )
    assert evaluate("!Sub 'arn:${AWS::Partition}:s3:::b'", region="cn-north-1") == (
        "arn:aws-cn:s3:::b"
    )


def test_sub_resource_attribute() -> None:
    assert evaluate("!Sub 'vpc ${VPC.CidrBlock}'") == "vpc 10.0.0.0/16"
    assert evaluate("!Sub '${Subnet.AvailabilityZone}'") == "us-east-1a"


def test_sub_literal() -> None:
    assert evaluate("!Sub '${!Literal}-${AWS::Region}'") == "${Literal}-us-east-1"


def test_sub_list_form() -> None:
    value = evaluate(
        "!Sub ['${Env}-${AWS::Region}-${Cidr}', {Env: !Ref EnvironmentName, "
        "Cidr: !GetAtt VPC.CidrBlock}]"
    )
    assert value == "prod-us-east-1-10.0.0.0/16"
    # A variable shadows a parameter of the same name.
    assert evaluate("!Sub ['${VpcCidr}', {VpcCidr: other}]") == "other"


def test_sub_with_unknown_part_keeps_known_text() -> None:
    value = unknown(evaluate("!Sub '${AWS::StackName}-private-${AWS::Region}'"))
    assert value.text == f"{UNKNOWN_PART}-private-us-east-1"
    assert "AWS::StackName" in value.reason
    vpc = unknown(evaluate("!Sub 'id-${VPC}-${KeyName}'"))
    assert vpc.text == f"id-{UNKNOWN_PART}-{UNKNOWN_PART}"


def test_sub_list_form_with_unknown_variable() -> None:
    value = unknown(evaluate("!Sub ['${Name}-subnet', {Name: !ImportValue net-name}]"))
    assert value.text == f"{UNKNOWN_PART}-subnet"
    assert "net-name" in value.reason


def test_sub_without_variables() -> None:
    assert evaluate("!Sub plain") == "plain"


# -- Fn::Join, Fn::Split, Fn::Select ----------------------------------------------------------


def test_join() -> None:
    assert evaluate("!Join ['', ['arn:', !Ref 'AWS::Partition', ':s3:::b']]") == "arn:aws:s3:::b"
    assert evaluate("!Join ['.', [10, 0, 0, 0]]") == "10.0.0.0"
    assert evaluate("!Join [',', !GetAZs eu-west-1]") == "eu-west-1a,eu-west-1b,eu-west-1c"
    assert evaluate("!Join [',', !Ref Subnets]") == "subnet-1,subnet-2,subnet-3"
    assert evaluate("!Join ['-', [a, !Ref 'AWS::NoValue', b]]") == "a-b"
    assert evaluate("!Join ['-', []]") == ""


def test_join_with_unknown_item_keeps_known_text() -> None:
    # The Managed NAT sample: !Join ['', [!Ref 'AWS::StackName', '-public-', !GetAZs ...]]
    value = unknown(
        evaluate("!Join ['', [!Ref 'AWS::StackName', '-public-', !Ref EnvironmentName]]")
    )
    assert value.text == f"{UNKNOWN_PART}-public-prod"


def test_split() -> None:
    assert evaluate("!Split [',', 'a,b,,c']") == ["a", "b", "", "c"]
    assert evaluate("!Select [1, !Split [',', !Join [',', [x, y]]]]") == "y"
    assert evaluate("!Split ['|', abc]") == ["abc"]
    unknown(evaluate("!Split [',', !Ref KeyName]"))


def test_select() -> None:
    assert evaluate("!Select [2, [a, b, c]]") == "c"
    assert evaluate("!Select ['1', [a, b, c]]") == "b"
    assert evaluate("!Select [!Ref ClassB, !Ref Subnets]") == "subnet-1"


@pytest.mark.parametrize("index", ["3", "-1"])
def test_select_out_of_range(index: str) -> None:
    assert "out of range" in unknown(evaluate(f"!Select [{index}, [a, b, c]]")).reason


def test_select_from_unknown_list() -> None:
    assert "KeyName" in unknown(evaluate("!Select [0, !Split [',', !Ref KeyName]]")).reason


# -- Fn::FindInMap, Fn::Base64, Fn::ImportValue -----------------------------------------------


def test_find_in_map() -> None:
    assert evaluate("!FindInMap [SubnetConfig, Public0, CIDR]") == "10.0.0.0/24"
    assert evaluate("!FindInMap [RegionMap, !Ref 'AWS::Region', AMI]") == "ami-0aaa"
    assert evaluate("!FindInMap [RegionMap, !Ref 'AWS::Region', AMI]", region="eu-west-1") == (
        "ami-0bbb"
    )
    assert resolver().resolve(parse(dedent(NETWORK))["Mappings"]["SubnetConfig"]["VPC"]) == {
        "CIDR": "10.0.0.0/16"
    }


@pytest.mark.parametrize(
    "expression",
    [
        "!FindInMap [RegionMap, !Ref 'AWS::Region', AMI]",
        "!FindInMap [RegionMap, us-east-1, Nope]",
        "!FindInMap [Nope, us-east-1, AMI]",
    ],
)
def test_find_in_map_missing_key(expression: str) -> None:
    value = unknown(evaluate(expression, region="ap-south-1"))
    assert "does not exist" in value.reason


def test_find_in_map_unknown_key() -> None:
    assert "KeyName" in unknown(evaluate("!FindInMap [RegionMap, !Ref KeyName, AMI]")).reason


def test_base64_encodes() -> None:
    assert evaluate("!Base64 '#!/bin/bash'") == base64.b64encode(b"#!/bin/bash").decode()


def test_base64_of_unknown_is_unknown() -> None:
    unknown(evaluate("!Base64 {Ref: 'AWS::StackName'}"))
    unknown(evaluate("!Base64 [a, b]"))


def test_import_value_is_unknown() -> None:
    value = unknown(evaluate("!ImportValue {'Fn::Sub': '${EnvironmentName}-VpcId'}"))
    assert "prod-VpcId" in value.reason
    partly = unknown(evaluate("!ImportValue {'Fn::Sub': '${AWS::StackName}-VpcId'}"))
    assert "-VpcId" in partly.reason
    assert UNKNOWN_PART not in partly.reason


# -- Fn::GetAtt -------------------------------------------------------------------------------


def test_getatt_of_property_values() -> None:
    assert evaluate("!GetAtt VPC.CidrBlock") == "10.0.0.0/16"
    assert evaluate("!GetAtt [VPC, CidrBlock]") == "10.0.0.0/16"
    assert evaluate("!GetAtt Subnet.AvailabilityZone", region="eu-west-1") == "eu-west-1a"
    assert evaluate("!GetAtt Subnet.CidrBlock") == "10.0.0.0/24"
    assert evaluate("!GetAtt SG.VpcId") == ResourceRef("VPC")


def test_getatt_of_ids() -> None:
    assert evaluate("!GetAtt SG.GroupId") == ResourceRef("SG")
    assert evaluate("!GetAtt VPC.VpcId") == ResourceRef("VPC")
    assert evaluate("!GetAtt Subnet.SubnetId") == ResourceRef("Subnet")
    assert evaluate("!GetAtt VPC.DefaultSecurityGroup") == ResourceRef(
        "VPC", "DefaultSecurityGroup"
    )
    assert evaluate("!GetAtt VPC.DefaultNetworkAcl") == ResourceRef("VPC", "DefaultNetworkAcl")
    assert str(ResourceRef("VPC", "DefaultSecurityGroup")) == "VPC.DefaultSecurityGroup"


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("!GetAtt VPC.Ipv6CidrBlocks", "VPC.Ipv6CidrBlocks"),
        ("!GetAtt PoolVpc.CidrBlock", "PoolVpc.CidrBlock"),
        ("!GetAtt NatGateway.PrivateIp", "NatGateway.PrivateIp"),
        ("!GetAtt Missing.CidrBlock", "Missing"),
        ("{'Fn::GetAtt': [VPC]}", "Fn::GetAtt"),
        ("{'Fn::GetAtt': 5}", "Fn::GetAtt"),
        ("{'Fn::GetAtt': [{Ref: VPC}, CidrBlock]}", "Fn::GetAtt"),
    ],
)
def test_getatt_unknown(expression: str, words: str) -> None:
    assert words in unknown(evaluate(expression)).reason


# -- conditions -------------------------------------------------------------------------------

CONDITIONS = """\
    Parameters:
      Env: {Type: String, Default: prod}
      External: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      IsDev: !Not [!Condition IsProd]
      InUsEast1: !Equals [!Ref 'AWS::Region', us-east-1]
      ProdInUsEast1: !And [!Condition IsProd, !Condition InUsEast1]
      ProdOrUsEast1: !Or [!Condition IsProd, !Condition InUsEast1]
      HasExternal: !Not [!Equals [!Ref External, '']]
      OrTrueUnknown: !Or [!Condition HasExternal, !Condition IsProd]
      AndFalseUnknown: !And [!Condition HasExternal, !Condition IsDev]
      AndTrueUnknown: !And [!Condition IsProd, !Condition HasExternal]
      OrFalseUnknown: !Or [!Condition IsDev, !Condition HasExternal]
      NotUnknown: !Not [!Condition HasExternal]
      Missing: !Condition Nowhere
      Self: !Not [!Condition Self]
      LoopA: !And [!Condition IsProd, !Condition LoopB]
      LoopB: !Condition LoopA
      EqualsOne: !Equals [one]
      NotACondition: maybe
      NumberEquals: !Equals [!Ref 'AWS::NoValue', '']
    Resources:
      ProdOnly:
        Type: AWS::EC2::NatGateway
        Condition: IsProd
      ExternalOnly:
        Type: AWS::EC2::NatGateway
        Condition: HasExternal
      Always:
        Type: AWS::EC2::VPC
      Size:
        Type: AWS::EC2::Instance
        Properties:
          InstanceType: !If [IsProd, !If [InUsEast1, m5.large, m5.medium], t3.micro]
          SubnetId: !If [HasExternal, !Ref External, !Ref Always]
"""


@pytest.mark.parametrize(
    ("name", "default", "dev", "eu"),
    [
        ("IsProd", True, False, True),
        ("IsDev", False, True, False),
        ("InUsEast1", True, True, False),
        ("ProdInUsEast1", True, False, False),
        ("ProdOrUsEast1", True, True, True),
    ],
)
def test_conditions(name: str, default: bool, dev: bool, eu: bool) -> None:
    assert resolver(CONDITIONS).condition(name) is default
    assert resolver(CONDITIONS, parameters={"Env": "dev"}).condition(name) is dev
    assert resolver(CONDITIONS, region="eu-west-1").condition(name) is eu


def test_condition_from_override_of_parameter_without_default() -> None:
    assert resolver(CONDITIONS, parameters={"External": "subnet-9"}).condition("HasExternal")
    assert resolver(CONDITIONS, parameters={"External": ""}).condition("HasExternal") is False


def test_three_valued_logic() -> None:
    r = resolver(CONDITIONS)
    assert isinstance(r.condition("HasExternal"), Unknown)
    assert r.condition("OrTrueUnknown") is True
    assert r.condition("AndFalseUnknown") is False
    assert isinstance(r.condition("AndTrueUnknown"), Unknown)
    assert isinstance(r.condition("OrFalseUnknown"), Unknown)
    assert isinstance(r.condition("NotUnknown"), Unknown)
    assert "External" in r.condition("AndTrueUnknown").reason


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Nowhere", "no condition named Nowhere"),
        ("Missing", "no condition named Nowhere"),
        ("Self", "Self refers to itself"),
        ("LoopA", "refers to itself"),
        ("LoopB", "refers to itself"),
        ("EqualsOne", "two values"),
        ("NotACondition", "not a condition"),
    ],
)
def test_undecidable_conditions(name: str, words: str) -> None:
    assert words in unknown(resolver(CONDITIONS).condition(name)).reason


def test_condition_name_must_be_text() -> None:
    unknown(resolver(CONDITIONS).condition(5))


def test_nested_if() -> None:
    assert resolver(CONDITIONS).properties("Size")["InstanceType"] == "m5.large"
    assert resolver(CONDITIONS, region="eu-west-1").properties("Size")["InstanceType"] == (
        "m5.medium"
    )
    dev = resolver(CONDITIONS, parameters={"Env": "dev"})
    assert dev.properties("Size")["InstanceType"] == "t3.micro"


def test_if_with_undecided_condition_keeps_both_branches() -> None:
    value = unknown(resolver(CONDITIONS).properties("Size")["SubnetId"])
    assert "HasExternal" in value.reason
    assert len(value.options) == 2
    assert isinstance(value.options[0], Unknown)
    assert "External" in value.options[0].reason
    assert value.options[1] == ResourceRef("Always")
    assert alternatives(value) == [ResourceRef("Always")]
    decided = resolver(CONDITIONS, parameters={"External": "subnet-9"})
    assert decided.properties("Size")["SubnetId"] == "subnet-9"


def test_if_options_are_resolved() -> None:
    value = unknown(evaluate("!If [HasExternal, !Sub '${Env}-a', !Select [1, [x, y]]]", CONDITIONS))
    assert value.options == ("prod-a", "y")
    assert alternatives(value) == ["prod-a", "y"]


def test_if_with_missing_condition_or_bad_shape() -> None:
    assert "Nowhere" in unknown(evaluate("!If [Nowhere, a, b]", CONDITIONS)).reason
    unknown(evaluate("!If [IsProd, a]", CONDITIONS))
    unknown(evaluate("!If IsProd", CONDITIONS))


def test_resource_condition() -> None:
    r = resolver(CONDITIONS)
    assert r.resource_condition("ProdOnly") is True
    assert r.resource_condition("Always") is True
    assert r.resource_condition("NotThere") is True
    assert isinstance(r.resource_condition("ExternalOnly"), Unknown)
    assert resolver(CONDITIONS, parameters={"Env": "dev"}).resource_condition("ProdOnly") is False


def test_condition_functions_in_json_long_form() -> None:
    template = parse(
        '{"Conditions": {"A": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},'
        ' "B": {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "A"}]}]}}}'
    )
    assert Resolver(template).condition("A") is True
    assert Resolver(template).condition("B") is False
    assert Resolver(template, region="eu-west-1").condition("A") is False


# -- Unknown instead of a crash ---------------------------------------------------------------

BAD = [
    "!Select [x, [a, b]]",
    "!Select [0, abc]",
    "!Select [0]",
    "!Select [{a: b}, [a]]",
    "!Join [',', abc]",
    "!Join 'abc'",
    "!Join [[a], [b]]",
    "!Join [',', [[a], b]]",
    "!Split [',', [a]]",
    "!Split ['', abc]",
    "!Split abc",
    "!Cidr garbage",
    "!Cidr [garbage, x, y]",
    "!FindInMap notalist",
    "!FindInMap [a]",
    "!FindInMap [RegionMap, [a], AMI]",
    "!GetAZs {a: b}",
    "!If notalist",
    "!Ref [a]",
    "!Ref {a: b}",
    "!Base64 {a: b}",
    "!Sub [a, b, c]",
    "!Sub [a, notamap]",
    "!Sub [[a], {}]",
    "!GetAtt Missing.Attr",
    "!GetAtt VPC",
    "!ImportValue [a]",
    "!Rain::Embed file.sh",
    "!Transform {Name: 'AWS::Include'}",
    "{'Fn::Sub': 5}",
    "{'Fn::Length': x}",
]


@pytest.mark.parametrize("expression", BAD)
def test_wrong_arguments_give_unknown(expression: str) -> None:
    unknown(evaluate(expression))


def test_sub_with_a_number_from_json() -> None:
    data = parse('{"v": {"Fn::Sub": 5}}')
    assert "Fn::Sub" in unknown(Resolver({}).resolve(data["v"])).reason


def test_unknown_function_names_itself() -> None:
    assert "Fn::Rain::Embed" in unknown(evaluate("!Rain::Embed file.sh")).reason


def test_unknown_carries_the_mark_of_the_call() -> None:
    resolved = Resolver({}).resolve(parse("a:\n  b: !Select [9, [x]]\n"))
    assert resolved.value_marks["a"] == Mark(2, 3)
    assert unknown(resolved["a"]["b"]).mark == Mark(2, 6)


def test_circular_getatt_between_two_resources() -> None:
    template = """\
        Resources:
          A:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: !GetAtt B.CidrBlock
          B:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: !GetAtt A.CidrBlock
          C:
            Type: AWS::EC2::Subnet
            Properties:
              CidrBlock: !Select [0, !Cidr [!GetAtt C.CidrBlock, 2, 8]]
    """
    r = resolver(template)
    assert "refers to itself" in unknown(r.properties("A")["CidrBlock"]).reason
    assert "refers to itself" in unknown(r.properties("B")["CidrBlock"]).reason
    assert "refers to itself" in unknown(r.properties("C")["CidrBlock"]).reason
    assert "refers to itself" in unknown(evaluate("!GetAtt A.CidrBlock", template)).reason


def test_malformed_sections_do_not_crash() -> None:
    r = Resolver(parse("Parameters: [a]\nMappings: x\nConditions: 5\nResources: [b]\n"))
    assert isinstance(r.resolve(parse("v: !Ref a\n")["v"]), Unknown)
    assert isinstance(r.condition("a"), Unknown)
    assert r.properties("b") == {}
    assert r.resource_condition("b") is True
    assert r.resource_type("b") is None
    junk = Resolver(parse("Parameters: {P: [x]}\nResources: {R: {Type: 5, Properties: 3}}\n"))
    assert "P" in unknown(junk.resolve(parse("v: !Ref P\n")["v"])).reason
    assert junk.properties("R") == {}
    assert junk.resource_type("R") is None


# -- the Availability Zone table --------------------------------------------------------------


def test_availability_zones_match_cfn_lint() -> None:
    from cfnlint.helpers import AVAILABILITY_ZONES as CFN_LINT_ZONES

    hint = "vpclint/regions.py is out of date with cfn-lint: update vpclint/regions.py"
    ours = {region: list(zones) for region, zones in AVAILABILITY_ZONES.items()}
    theirs = {region: list(zones) for region, zones in CFN_LINT_ZONES.items()}
    assert set(ours) == set(theirs), (
        f"{hint} (regions only in vpclint: {sorted(set(ours) - set(theirs))}, "
        f"only in cfn-lint: {sorted(set(theirs) - set(ours))})"
    )
    differing = sorted(region for region in ours if ours[region] != theirs[region])
    assert not differing, f"{hint} (zones differ in {differing})"
