"""What a role lets a workload call: the managed policies and allowed actions of instance
profiles and roles (the template's own managed policies included), the role SAM makes for a
function (managed policies, SAM policy templates, inline statements), and the AWS service an
IAM action prefix calls (`IAM_SERVICES`), less what the Lambda service does with the role
itself. Builds no resource of its own."""

from __future__ import annotations

import fnmatch
from typing import Any

from vpclint.builder.core import Builder, named_id
from vpclint.model import Workload
from vpclint.resolver import Resolver
from vpclint.values import ResourceRef, Unknown

IamGrants = tuple[list[str] | Unknown, list[str] | Unknown]


def iam_of_profile(b: Builder, profile: Any) -> IamGrants:
    """Managed policy ARNs and inline actions of an instance profile's roles."""
    if profile is None:
        return [], []
    resolver = b.resolvers.get(profile.stack) if isinstance(profile, ResourceRef) else None
    if (
        resolver is None
        or resolver.resource_type(profile.logical_id) != "AWS::IAM::InstanceProfile"
    ):
        unknown = Unknown("the instance profile is outside the template")
        return unknown, unknown
    roles = resolver.properties(profile.logical_id).get("Roles")
    if not isinstance(roles, list) or not all(
        isinstance(r, ResourceRef) and r.stack == profile.stack for r in roles
    ):
        unknown = Unknown("a role of the instance profile is outside the template")
        return unknown, unknown
    return iam_of_roles(resolver, [role.logical_id for role in roles])


def iam_of_roles(resolver: Resolver, names: list[str]) -> IamGrants:
    """Managed policy ARNs and allowed actions of the template's roles `names`."""
    policies: list[str] = []
    actions: list[str] = []
    for logical_id in set(names):
        if resolver.resource_type(logical_id) != "AWS::IAM::Role":
            unknown = Unknown(f"role {logical_id} is not an AWS::IAM::Role of the template")
            return unknown, unknown
        props = resolver.properties(logical_id)
        arns, inline = props.get("ManagedPolicyArns") or [], props.get("Policies") or []
        if not isinstance(arns, list) or not isinstance(inline, list):
            unknown = Unknown(f"the policies of role {logical_id} are not known")
            return unknown, unknown
        for arn in arns:
            if (
                isinstance(arn, ResourceRef)
                and arn.stack == resolver.stack
                and resolver.resource_type(arn.logical_id) == "AWS::IAM::ManagedPolicy"
            ):
                # A managed policy of the template: what its document allows.
                document = resolver.properties(arn.logical_id).get("PolicyDocument")
                actions.extend(_actions(document))
                continue
            if not isinstance(arn, str):
                unknown = Unknown("a managed policy ARN of the role is not known")
                return unknown, unknown
            policies.append(arn)
        for policy in inline:
            document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
            actions.extend(_actions(document))
    # Policies attached from the other side: AWS::IAM::ManagedPolicy / Policy with Roles.
    for logical_id, body in resolver.resources.items():
        kind = body.get("Type") if isinstance(body, dict) else None
        if kind not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
            continue
        props = resolver.properties(logical_id)
        attached = props.get("Roles") or [props.get("RoleName")]
        if not isinstance(attached, list):
            attached = [attached]  # Unknown: it may name the role, and add nothing known
        if any(isinstance(r, ResourceRef) and r.logical_id in names for r in attached):
            actions.extend(_actions(props.get("PolicyDocument")))
    return policies, actions


def _actions(document: Any) -> list[str]:
    """The actions a policy document allows (Unknown ones as "?")."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            found.append("?")  # everything but some actions: what it allows is not listed
        action = statement.get("Action")
        for item in action if isinstance(action, list) else [action]:
            if item is not None:
                found.append(item if isinstance(item, str) else "?")
    return found


# -- what a role lets a function call ------------------------------------------------------------

# The AWS service (the endpoint `com.amazonaws.REGION.<service>`) that calls with an IAM action
# prefix go to. Prefixes not listed (iam, xray, route53, ...) are not followed, and neither is
# `logs`: the Lambda service writes a function's logs, and roles carry more log permissions
# (DescribeLogStreams, ...) than the three it uses far more often than code that reads logs.
IAM_SERVICES = {
    "athena": "athena",
    "cloudformation": "cloudformation",
    "cloudwatch": "monitoring",
    "codepipeline": "codepipeline",
    "comprehend": "comprehend",
    "dynamodb": "dynamodb",
    "ec2": "ec2",
    "ecr": "ecr.api",
    "ecs": "ecs",
    "eks": "eks",
    "elasticfilesystem": "elasticfilesystem",
    "events": "events",
    "firehose": "kinesis-firehose",
    "glue": "glue",
    "kinesis": "kinesis-streams",
    "kms": "kms",
    "lambda": "lambda",
    "polly": "polly",
    "rds-data": "rds-data",
    "redshift-data": "redshift-data",
    "rekognition": "rekognition",
    "s3": "s3",
    "scheduler": "scheduler",
    "secretsmanager": "secretsmanager",
    "sns": "sns",
    "sqs": "sqs",
    "ssm": "ssm",
    "states": "states",
    "sts": "sts",
    "textract": "textract",
    "translate": "translate",
}
# Actions the Lambda service performs with the function's role, not the function's code:
# writing its logs, managing its network interfaces, and (for other services that use the role
# on the caller's behalf) KMS operations. "Lambda execution role", "AWSLambdaVPCAccessExecution
# Role" (https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html).
_SERVICE_SIDE = {
    "ec2": frozenset(
        {
            "createnetworkinterface",
            "describenetworkinterfaces",
            "deletenetworkinterface",
            "detachnetworkinterface",
            "assignprivateipaddresses",
            "unassignprivateipaddresses",
            "describesubnets",
            "describesecuritygroups",
            "describevpcs",
        }
    ),
    "kms": frozenset(
        {
            "decrypt",
            "encrypt",
            "generatedatakey",
            "generatedatakeywithoutplaintext",
            "reencryptfrom",
            "reencryptto",
            "describekey",
            "creategrant",
        }
    ),
}
# What an event source mapping reads with the function's role: "When you use an event source
# mapping to invoke your function, Lambda uses the execution role to read event data" (same
# page). Lambda polls; the function's interfaces do not.
_POLLER = {
    "sqs": frozenset(
        {
            "receivemessage",
            "deletemessage",
            "deletemessagebatch",
            "getqueueattributes",
            "changemessagevisibility",
            "changemessagevisibilitybatch",
        }
    ),
    "kinesis": frozenset(
        {
            "getrecords",
            "getsharditerator",
            "describestream",
            "describestreamsummary",
            "describestreamconsumer",
            "describelimits",
            "listshards",
            "liststreams",
            "liststreamconsumers",
            "subscribetoshard",
        }
    ),
    "dynamodb": frozenset({"getrecords", "getsharditerator", "describestream", "liststreams"}),
}
# AWS managed policies that only grant what the Lambda service does for the function.
_LAMBDA_SERVICE_POLICIES = frozenset(
    {
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSLambdaENIManagementAccess",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaKinesisExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaMSKExecutionRole",
        "AWSXRayDaemonWriteAccess",
        "AWSXrayWriteOnlyAccess",
        "CloudWatchLambdaInsightsExecutionRolePolicy",
    }
)
# AWS managed policies by what they allow (the services' actions only).
_MANAGED_POLICY_ACTIONS = {
    "AmazonS3FullAccess": ("s3:*",),
    "AmazonS3ReadOnlyAccess": ("s3:Get*", "s3:List*"),
    "AWSLambdaExecute": ("s3:GetObject", "s3:PutObject"),
    "AmazonDynamoDBFullAccess": ("dynamodb:*",),
    "AmazonDynamoDBReadOnlyAccess": ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"),
    "AmazonSQSFullAccess": ("sqs:*",),
    "AmazonSQSReadOnlyAccess": ("sqs:GetQueueUrl", "sqs:ListQueues"),
    "AmazonSNSFullAccess": ("sns:*",),
    "AmazonSNSReadOnlyAccess": ("sns:Get*", "sns:List*"),
    "SecretsManagerReadWrite": ("secretsmanager:*",),
    "AmazonSSMReadOnlyAccess": ("ssm:Describe*", "ssm:Get*", "ssm:List*"),
    "AmazonSSMFullAccess": ("ssm:*",),
    "AWSStepFunctionsFullAccess": ("states:*",),
    "AmazonKinesisFullAccess": ("kinesis:*",),
    "AmazonKinesisReadOnlyAccess": ("kinesis:Get*", "kinesis:List*", "kinesis:Describe*"),
    "AmazonKinesisFirehoseFullAccess": ("firehose:*",),
    "AmazonEventBridgeFullAccess": ("events:*",),
    "CloudWatchFullAccess": ("cloudwatch:*",),
    "AWSLambda_FullAccess": ("lambda:*",),
    "AWSLambdaRole": ("lambda:InvokeFunction",),
    "AmazonEC2ReadOnlyAccess": ("ec2:Describe*",),
    "AmazonEC2FullAccess": ("ec2:*",),
    "AmazonRDSDataFullAccess": ("rds-data:*",),
    "AmazonAthenaFullAccess": ("athena:*",),
}
_DYNAMODB_READ = ("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem")
_DYNAMODB_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")
_S3_READ = ("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion")
_SSM_READ = ("ssm:DescribeParameters", "ssm:GetParameters", "ssm:GetParameter")
# SAM policy templates by the actions they grant (samtranslator/policy_templates_data/
# policy_templates.json; "AWS SAM policy templates",
# https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html).
SAM_POLICY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "AMIDescribePolicy": ("ec2:DescribeImages",),
    "AWSSecretsManagerGetSecretValuePolicy": ("secretsmanager:GetSecretValue",),
    "AWSSecretsManagerRotationPolicy": (
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    ),
    "AthenaQueryPolicy": ("athena:StartQueryExecution", "athena:GetQueryResults"),
    "CloudFormationDescribeStacksPolicy": ("cloudformation:DescribeStacks",),
    "CloudWatchDashboardPolicy": ("cloudwatch:GetDashboard", "cloudwatch:PutDashboard"),
    "CloudWatchDescribeAlarmHistoryPolicy": ("cloudwatch:DescribeAlarmHistory",),
    "CloudWatchPutMetricPolicy": ("cloudwatch:PutMetricData",),
    "CodePipelineLambdaExecutionPolicy": (
        "codepipeline:PutJobSuccessResult",
        "codepipeline:PutJobFailureResult",
    ),
    "CodePipelineReadOnlyPolicy": ("codepipeline:ListPipelineExecutions",),
    "ComprehendBasicAccessPolicy": ("comprehend:DetectEntities",),
    "DynamoDBBackupFullAccessPolicy": ("dynamodb:CreateBackup", "dynamodb:DescribeBackup"),
    "DynamoDBCrudPolicy": (*_DYNAMODB_READ, *_DYNAMODB_WRITE, "dynamodb:DeleteItem"),
    "DynamoDBReadPolicy": _DYNAMODB_READ,
    "DynamoDBReconfigurePolicy": ("dynamodb:UpdateTable",),
    "DynamoDBRestoreFromBackupPolicy": ("dynamodb:RestoreTableFromBackup",),
    "DynamoDBStreamReadPolicy": (
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ),
    "DynamoDBWritePolicy": _DYNAMODB_WRITE,
    "EC2CopyImagePolicy": ("ec2:CopyImage",),
    "EC2DescribePolicy": ("ec2:DescribeRegions", "ec2:DescribeInstances"),
    "EKSDescribePolicy": ("eks:DescribeCluster", "eks:ListClusters"),
    "EventBridgePutEventsPolicy": ("events:PutEvents",),
    "FilterLogEventsPolicy": ("logs:FilterLogEvents",),
    "FirehoseCrudPolicy": ("firehose:PutRecord", "firehose:PutRecordBatch"),
    "FirehoseWritePolicy": ("firehose:PutRecord", "firehose:PutRecordBatch"),
    "KinesisCrudPolicy": ("kinesis:PutRecord", "kinesis:PutRecords", "kinesis:CreateStream"),
    "KinesisStreamReadPolicy": (
        "kinesis:ListStreams",
        "kinesis:DescribeLimits",
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
    ),
    "KMSDecryptPolicy": ("kms:Decrypt",),
    "KMSEncryptPolicy": ("kms:Encrypt",),
    "LambdaInvokePolicy": ("lambda:InvokeFunction",),
    "PollyFullAccessPolicy": ("polly:SynthesizeSpeech", "polly:PutLexicon"),
    "RekognitionDetectOnlyPolicy": ("rekognition:DetectFaces", "rekognition:DetectLabels"),
    "RekognitionFacesManagementPolicy": ("rekognition:IndexFaces", "rekognition:SearchFaces"),
    "RekognitionFacesPolicy": ("rekognition:CompareFaces", "rekognition:DetectFaces"),
    "RekognitionLabelsPolicy": ("rekognition:DetectLabels",),
    "RekognitionNoDataAccessPolicy": ("rekognition:CompareFaces", "rekognition:DetectFaces"),
    "RekognitionReadPolicy": ("rekognition:ListFaces", "rekognition:SearchFaces"),
    "RekognitionWriteOnlyAccessPolicy": ("rekognition:CreateCollection",),
    "S3CrudPolicy": (*_S3_READ, "s3:PutObject", "s3:DeleteObject"),
    "S3FullAccessPolicy": (*_S3_READ, "s3:PutObject", "s3:DeleteObject"),
    "S3ReadPolicy": _S3_READ,
    "S3WritePolicy": ("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"),
    "SNSCrudPolicy": ("sns:CreateTopic", "sns:Publish", "sns:Subscribe"),
    "SNSPublishMessagePolicy": ("sns:Publish",),
    "SQSPollerPolicy": (
        "sqs:ChangeMessageVisibility",
        "sqs:ChangeMessageVisibilityBatch",
        "sqs:DeleteMessage",
        "sqs:DeleteMessageBatch",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    ),
    "SQSSendMessagePolicy": ("sqs:SendMessage*",),
    "SSMParameterReadPolicy": (*_SSM_READ, "ssm:GetParametersByPath"),
    "SSMParameterWithSlashPrefixReadPolicy": (*_SSM_READ, "ssm:GetParametersByPath"),
    "StepFunctionsExecutionPolicy": ("states:StartExecution",),
    "TextractDetectAnalyzePolicy": ("textract:DetectDocumentText", "textract:AnalyzeDocument"),
    "TextractGetResultPolicy": ("textract:GetDocumentTextDetection",),
    "TextractPolicy": ("textract:*",),
    "VPCAccessPolicy": (
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DetachNetworkInterface",
    ),
}


class Needs:
    """The services a workload is found to call, and why some may be missing."""

    def __init__(self, polled: set[str], delivered: set[str]) -> None:
        self.found: dict[str, str] = {}
        self.unknown: Unknown | None = None
        self.polled = polled  # services Lambda polls for the function (event source mappings)
        self.delivered = delivered  # services Lambda delivers to for the function

    def add(self, service: str, why: str) -> None:
        self.found.setdefault(service, why)

    def miss(self, reason: str) -> None:
        if self.unknown is None:
            self.unknown = Unknown(reason)

    def actions(self, actions: Any, who: str) -> None:
        if isinstance(actions, Unknown):
            self.miss(actions.reason)
            return
        for action in actions:
            self.action(action, who)

    def action(self, action: Any, who: str) -> None:
        if not isinstance(action, str) or action == "?":
            self.miss(f"an action {who} allows is not known")
            return
        prefix, _, name = action.lower().partition(":")
        if prefix == "*" or action == "*":
            self.miss(f"{who} allows every action, so what the function calls is not known")
            return
        service = IAM_SERVICES.get(prefix)
        if service is None or not name:
            return
        pattern = any(c in name for c in "*?")
        if _covers(name, _SERVICE_SIDE.get(prefix, frozenset())):
            if pattern:
                self.miss(f"{action} may be for what Lambda does itself")
            return
        polled = _POLLER.get(prefix, frozenset())
        if not pattern and name in polled:
            return  # what an event source mapping reads
        if pattern and _covers(name, polled) and service in self.polled:
            self.miss(f"{action} may be for the event source Lambda polls")
            return
        if service in self.delivered:
            self.miss(f"{action} may be for the destination Lambda delivers to")
            return
        self.add(service, f"{who} allows {action}")

    def policies(self, arns: Any, who: str) -> None:
        if isinstance(arns, Unknown):
            self.miss(arns.reason)
            return
        for arn in arns:
            name = arn.rsplit("/", 1)[-1]
            managed = ":iam::aws:policy/" in arn
            if managed and name in _LAMBDA_SERVICE_POLICIES:
                continue
            if managed and name in _MANAGED_POLICY_ACTIONS:
                self.actions(_MANAGED_POLICY_ACTIONS[name], f"managed policy {name}")
            else:
                self.miss(f"what policy {name} of {who} allows is not known")


def _covers(pattern: str, names: frozenset[str]) -> bool:
    """Whether an action name (or a pattern: "get*") covers one of `names`."""
    if not any(c in pattern for c in "*?"):
        return pattern in names
    return any(fnmatch.fnmatchcase(name, pattern) for name in names)


def sam_role(b: Builder, made: Workload, needs: Needs) -> IamGrants:
    """The role SAM creates for a function without `Role`: the basic execution policy (and the
    VPC access one), then `Policies` (managed policy names or ARNs, policy templates, inline
    statements), and policies the template attaches to `<Function>Role`."""
    resolver = b.resolver_of(made)
    policies: list[str] = []
    actions: list[str] = []
    written = made.properties.get("Policies")
    if isinstance(written, Unknown):
        return written, written
    items = written if isinstance(written, list) else [] if written is None else [written]
    for item in items:
        if isinstance(item, str):
            arn = item if item.startswith("arn:") else f"arn:aws:iam::aws:policy/{item}"
            policies.append(arn)
        elif isinstance(item, dict) and "Statement" in item:
            actions.extend(_actions(item))
        elif isinstance(item, dict) and len(item) == 1:
            ((name, _),) = item.items()
            if name in SAM_POLICY_TEMPLATES:
                needs.actions(SAM_POLICY_TEMPLATES[name], f"SAM policy template {name}")
            else:
                needs.miss(f"SAM policy template {name} is not one vpclint knows")
        else:
            found = b.same_stack(item, "AWS::IAM::ManagedPolicy")
            if found is not None:
                actions.extend(_actions(found[0].properties(found[1]).get("PolicyDocument")))
            else:
                needs.miss(f"a policy of {made.logical_id} is not known")
    # Policies the template attaches to the role SAM names <Function>Role.
    role_name = f"{made.logical_id}Role"
    for logical_id, body in resolver.resources.items():
        kind = body.get("Type") if isinstance(body, dict) else None
        if kind not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
            continue
        raw = body.get("Properties") if isinstance(body, dict) else None
        roles = raw.get("Roles") if isinstance(raw, dict) else None
        named = [named_id(r) for r in roles] if isinstance(roles, list) else []
        if role_name in named or (
            isinstance(raw, dict) and named_id(raw.get("RoleName")) == role_name
        ):
            actions.extend(_actions(resolver.properties(logical_id).get("PolicyDocument")))
    if (
        any(
            isinstance(body, dict) and body.get("Type") == "AWS::Serverless::Connector"
            for body in resolver.resources.values()
        )
        or "Connectors" in made.properties
    ):
        needs.miss("SAM connectors may add policies to the role")
    return policies, actions
