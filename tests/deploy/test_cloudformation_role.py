"""The roles of deploy/bootstrap.json, above all the one CloudFormation creates, updates and
deletes the stage's stack with: it must allow every call the resource handlers of the
stack's resource types make, or a deploy fails halfway and rolls back.

Each resource type's provider schema lists the IAM actions its handlers call
(``handlers.<create|read|update|delete>.permissions``); cfn-lint ships those schemas and,
in ``AdditionalSpecs/Policies.json``, IAM's catalog of actions (the Service Authorization
Reference): which actions exist and which can be scoped to a resource.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from collections import defaultdict
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import cfnlint
from cloudformation import (
    PLACEHOLDER,
    PROJECT_ROOT,
    PSEUDO_PARAMETERS,
    TOOLS,
    as_list,
    bucket_arn,
    resolve,
    table_arn,
)

BOOTSTRAP = PROJECT_ROOT / "deploy" / "bootstrap.json"
BUILD = PROJECT_ROOT / "build"
ROLE = "CloudFormationExecutionRole"
CFN_LINT_DATA = Path(cfnlint.__file__).parent / "data"
# The handlers' schemas are the same in every commercial region; us-east-1 has every type.
SCHEMA_REGION = "us-east-1"
# CloudFormation calls these handlers in stack operations (``list`` only for resource
# discovery, which a deploy never does).
HANDLERS = ("create", "read", "update", "delete")

# The resource types of the deployed stack: chalice's template with deploy/resources.json
# merged in, after aws-sam-translator turned its AWS::Serverless::* resources into plain
# CloudFormation (the function becomes a function, a version, the ``live`` alias, an invoke
# permission; the API a REST API, a deployment, a stage). This list is the requirement;
# templates found under build/ add whatever types they contain (``built_templates``).
STACK_RESOURCE_TYPES = (
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::CachePolicy",
    "AWS::CloudFront::OriginRequestPolicy",
    "AWS::IAM::Role",
    "AWS::Lambda::Function",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::Logs::MetricFilter",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGateway::BasePathMapping",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::CloudWatch::Alarm",
    "AWS::SecretsManager::Secret",
)

# Handler permissions that name an API operation, not an IAM action (IAM's catalog does not
# know them, and a policy naming them grants nothing): IAM authorises the call with the
# action on the right, which the role grants instead.
AUTHORISED_BY = {
    "s3:DeleteBucketAnalyticsConfiguration": "s3:PutAnalyticsConfiguration",
    "s3:DeleteBucketCors": "s3:PutBucketCORS",
    "s3:DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "s3:DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "s3:DeleteBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "s3:DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "s3:PutBucketReplication": "s3:PutReplicationConfiguration",
    "s3:PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "s3:GetObjectMetadata": "s3:GetObject",  # HeadObject
    "cloudfront:CreateDistributionWithTags": "cloudfront:CreateDistribution",
}
# Handler permissions deliberately left out of the role, and why. Everything else a handler
# lists is granted, optional features included: that is what makes the first deploy work.
NOT_GRANTED = {
    "s3:REST.PUT.OBJECT": (
        "AWS::Logs::LogGroup (log delivery to S3) lists the operation name S3's server access "
        "logs record for an upload; it is not an IAM action (s3:PutObject authorises uploads)"
    ),
    "lambda:AssociateRuntimeAlias": (
        "AWS::Lambda::Function calls it only for RuntimeConfig (customer-managed runtimes), "
        "which the function does not use; IAM's catalog in cfn-lint does not know it yet, so "
        "granting it would be a lint warning (W3037)"
    ),
}
# The one statement whose Resource is "*": actions IAM cannot scope to a resource.
UNSCOPED_STATEMENT = "ActionsWithoutResourceLevelPermissions"

# IAM quotas, in characters without white space: each customer managed policy, all inline
# policies of a role together, and managed policies attached to a role (the default quota).
MANAGED_POLICY_LIMIT = 6144
INLINE_POLICIES_LIMIT = 10240
ATTACHED_POLICIES_LIMIT = 10
# The longest values the placeholders can take, to measure a policy as IAM will.
LONGEST = {
    "AWS::Partition": "aws-us-gov",
    "AWS::Region": "us-isof-south-1",
    "AWS::AccountId": "123456789012",
    "Stage": "s" * 16,  # the Stage parameter's AllowedPattern
}


# --- reading the templates and the schemas -------------------------------------------------


@functools.cache
def bootstrap() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(BOOTSTRAP.read_text())
    return loaded


def attached_policies(template: dict[str, Any], role: str) -> dict[str, dict[str, Any]]:
    """Every policy document the role gets, by name: inline, managed policies of the template
    listed in ManagedPolicyArns, and policy resources that name the role."""
    resources = template["Resources"]
    properties = resources[role]["Properties"]
    documents = {
        f"{role}.Policies.{policy['PolicyName']}": policy["PolicyDocument"]
        for policy in properties.get("Policies", [])
    }
    for reference in properties.get("ManagedPolicyArns", []):
        name = reference.get("Ref") if isinstance(reference, dict) else None
        assert name in resources, f"{role} attaches {reference!r}, which this test cannot read"
        documents[name] = resources[name]["Properties"]["PolicyDocument"]
    for name, resource in resources.items():
        if resource["Type"] in (
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::RolePolicy",
        ):
            roles = [
                *resource["Properties"].get("Roles", []),
                resource["Properties"].get("RoleName"),
            ]
            if {"Ref": role} in roles:
                documents[name] = resource["Properties"]["PolicyDocument"]
    return documents


def statements(template: dict[str, Any], role: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, statement)
        for name, document in attached_policies(template, role).items()
        for statement in as_list(document["Statement"])
    ]


@functools.cache
def schema(resource_type: str) -> dict[str, Any]:
    schemas = CFN_LINT_DATA / "schemas"
    index = json.loads((schemas / "providers" / f"{SCHEMA_REGION}.json").read_text())
    assert resource_type in index, (
        f"cfn-lint has no provider schema for {resource_type} in {SCHEMA_REGION}"
    )
    loaded: dict[str, Any] = json.loads(
        (schemas / "resources" / f"{index[resource_type]}.json").read_text()
    )
    return loaded


def handler_permissions(resource_type: str) -> set[str]:
    handlers = schema(resource_type).get("handlers", {})
    return {
        action
        for handler in HANDLERS
        for action in handlers.get(handler, {}).get("permissions", [])
    }


@functools.cache
def iam_catalog() -> dict[str, dict[str, Any]]:
    """IAM's actions by lower-case ``service:action``, each with its resource types."""
    services = json.loads((CFN_LINT_DATA / "AdditionalSpecs" / "Policies.json").read_text())
    return {
        f"{service.lower()}:{action}": entry
        for service, spec in services.items()
        for action, entry in spec.get("Actions", {}).items()
    }


def is_iam_action(action: str) -> bool:
    return action.lower() in iam_catalog()


def iam_actions(pattern: str) -> list[str]:
    """The IAM actions an Action entry (``*`` and ``?`` are wildcards) stands for."""
    pattern = pattern.lower()
    if "*" not in pattern and "?" not in pattern:
        return [pattern] if pattern in iam_catalog() else []
    return [action for action in iam_catalog() if fnmatchcase(action, pattern)]


def has_resource_level_permissions(action: str) -> bool:
    return bool(iam_catalog()[action.lower()].get("Resources"))


def _sam_to_cloudformation(template: dict[str, Any], path: Path) -> dict[str, Any]:
    """What the deploy does offline: aws-sam-translator's transform. The code's local path
    stands for the S3 location ``aws cloudformation package`` would upload it to."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:  # the stack names no AWS managed policy by name
        def load(self) -> dict[str, str]:
            return {}

    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function":
            code = properties.get("CodeUri")
            if isinstance(code, str) and not code.startswith("s3://"):
                properties["CodeUri"] = "s3://artifact-bucket/deployment.zip"
    try:
        transformed: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    except Exception as error:
        raise AssertionError(
            f"{path.relative_to(PROJECT_ROOT)} is a SAM template that aws-sam-translator "
            f"cannot transform ({error}); rebuild it, or delete build/"
        ) from error
    return transformed


@functools.cache
def built_templates() -> dict[str, dict[str, Any]]:
    """Stack templates that a build left under build/ (``make package``, ``make
    template-lint``), as CloudFormation deploys them: transformed ones as they are, SAM ones
    transformed here when aws-sam-translator is installed. None is needed: the test then
    checks STACK_RESOURCE_TYPES only."""
    found: dict[str, dict[str, Any]] = {}
    if not BUILD.is_dir():
        return found
    for path in sorted(BUILD.rglob("*.json")):
        try:
            template = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            continue
        if "AWS::Serverless-2016-10-31" in as_list(template.get("Transform", [])):
            try:
                import samtranslator  # noqa: F401
            except ImportError:
                continue
            template = _sam_to_cloudformation(template, path)
        found[str(path.relative_to(PROJECT_ROOT))] = template
    return found


def stack_resource_types() -> dict[str, list[str]]:
    """Each resource type to check, with where it comes from."""
    sources: dict[str, list[str]] = defaultdict(list)
    for resource_type in STACK_RESOURCE_TYPES:
        sources[resource_type].append("STACK_RESOURCE_TYPES")
    for path, template in built_templates().items():
        for resource in template["Resources"].values():
            if path not in sources[resource["Type"]]:
                sources[resource["Type"]].append(path)
    return dict(sources)


# --- what a policy allows ------------------------------------------------------------------


def _matches(patterns: Any, action: str) -> bool:
    # IAM compares actions case-insensitively; ``*`` and ``?`` are wildcards, as in fnmatch.
    return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in as_list(patterns))


def allows(template: dict[str, Any], role: str, action: str) -> bool:
    """Whether some Allow statement of the role names ``action`` and no unconditional
    Deny on every resource takes it back."""
    granted = denied = False
    for _, statement in statements(template, role):
        if not _matches(statement.get("Action", []), action):
            continue
        if statement["Effect"] == "Allow":
            granted = True
        elif statement.get("Resource") == "*" and "Condition" not in statement:
            denied = True
    return granted and not denied


def _longest(value: Any) -> str:
    """A Resource or Fn::Sub value with every placeholder at its longest."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        return PLACEHOLDER.sub(lambda m: LONGEST.get(m.group(1), "x" * 84), value["Fn::Sub"])
    if isinstance(value, dict) and ("Fn::GetAtt" in value or "Ref" in value):
        return "x" * 84  # an ARN: the artifact bucket's is at most 20 + 63 characters
    if isinstance(value, list):
        return json.dumps([_longest(item) for item in value])
    if isinstance(value, dict):
        return json.dumps({key: _longest(item) for key, item in value.items()})
    return json.dumps(value)


def policy_size(document: dict[str, Any]) -> int:
    return len(re.sub(r"\s", "", _longest(document)))


# --- the tests -----------------------------------------------------------------------------


def test_the_execution_role_allows_every_action_of_the_stacks_resource_handlers() -> None:
    template = bootstrap()
    sources = stack_resource_types()
    missing: dict[str, list[str]] = {}
    for resource_type in sorted(sources):
        needed = handler_permissions(resource_type) - NOT_GRANTED.keys()
        needed = {AUTHORISED_BY.get(action, action) for action in needed}
        lacking = sorted(action for action in needed if not allows(template, ROLE, action))
        if lacking:
            missing[resource_type] = lacking
    report = "\n".join(
        f"  {resource_type} ({', '.join(sources[resource_type])}):\n    " + "\n    ".join(actions)
        for resource_type, actions in missing.items()
    )
    assert not missing, (
        f"{ROLE} in deploy/bootstrap.json does not allow what these resource handlers call "
        f"(scope each action to the stage's resources, or add it to {UNSCOPED_STATEMENT} if "
        f"IAM cannot scope it):\n{report}"
    )


def test_the_handler_permissions_left_out_are_still_not_iam_actions() -> None:
    listed = set().union(*(handler_permissions(kind) for kind in stack_resource_types()))
    for action, authorised_by in AUTHORISED_BY.items():
        assert action in listed, f"no handler lists {action} any more: drop it from AUTHORISED_BY"
        assert not is_iam_action(action), (
            f"{action} is an IAM action now: grant it and drop it from AUTHORISED_BY"
        )
        assert is_iam_action(authorised_by), authorised_by
    for action in NOT_GRANTED:
        assert action in listed, f"no handler lists {action} any more: drop it from NOT_GRANTED"
        assert not is_iam_action(action), (
            f"{action} is an IAM action now: decide again whether {ROLE} needs it"
        )
        assert not allows(bootstrap(), ROLE, action), f"{ROLE} grants {action}, in NOT_GRANTED"


def test_the_execution_role_grants_no_service_wide_actions() -> None:
    wildcards = []
    for name, statement in statements(bootstrap(), ROLE):
        assert "NotAction" not in statement and "NotResource" not in statement, (name, statement)
        if statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            if action == "*" or action.endswith(":*"):
                wildcards.append(f"{name}/{statement.get('Sid')}: {action}")
    assert not wildcards, "grant named actions, not '*' or '<service>:*':\n  " + "\n  ".join(
        wildcards
    )


def test_only_actions_iam_cannot_scope_are_granted_on_every_resource() -> None:
    """An action IAM cannot scope to a resource matches no statement that names resources;
    every other action is granted on the stage's resources only."""
    wrong = []
    for name, statement in statements(bootstrap(), ROLE):
        if statement["Effect"] != "Allow":
            continue
        where = f"{name}/{statement.get('Sid')}"
        everywhere = statement["Resource"] == "*"
        if everywhere and statement.get("Sid") != UNSCOPED_STATEMENT:
            wrong.append(f"{where}: Resource '*' outside {UNSCOPED_STATEMENT}")
        for pattern in as_list(statement["Action"]):
            actions = iam_actions(pattern)
            if not actions:
                wrong.append(f"{where}: {pattern} names no IAM action")
            for action in actions:
                scoped = has_resource_level_permissions(action)
                if everywhere and scoped:
                    wrong.append(f"{where}: scope {action} to the stage's resources")
                if not everywhere and not scoped:
                    wrong.append(
                        f"{where}: IAM cannot scope {action} to a resource, so only "
                        f"{UNSCOPED_STATEMENT} (Resource '*') grants it"
                    )
    assert not wrong, "\n".join(wrong)


def test_deleting_data_is_limited_to_a_failed_first_creation_of_the_stage() -> None:
    """Tables and image bucket have DeletionPolicy RetainExceptOnCreate (and the tables
    deletion protection): CloudFormation deletes them only when the creation that made them
    rolls back, and only the stage's own ones."""
    stage = "prod"
    account, region = PSEUDO_PARAMETERS["AWS::AccountId"], PSEUDO_PARAMETERS["AWS::Region"]
    expected = {
        "dynamodb:DeleteTable": {table_arn(f"shop-{stage}-*")},
        "s3:DeleteBucket": {bucket_arn(f"shop-{stage}-media-{account}-{region}")},
    }
    template = bootstrap()
    for action, resources in expected.items():
        granted_on = {
            _resolve_getatt(resource, stage)
            for _, statement in statements(template, ROLE)
            if statement["Effect"] == "Allow" and _matches(statement["Action"], action)
            for resource in as_list(statement["Resource"])
        }
        assert granted_on >= resources, f"{action} is not allowed on {resources - granted_on}"
        service = action.split(":")[0]
        beyond = {
            arn for arn in granted_on - resources if arn == "*" or arn.split(":")[2] == service
        }
        assert not beyond, f"{action} reaches beyond the stage's own resources: {beyond}"
    assert not allows(template, ROLE, "dynamodb:DeleteBackup")
    assert any(
        statement["Effect"] == "Deny"
        and statement["Resource"] == "*"
        and _matches(statement["Action"], "dynamodb:DeleteBackup")
        for _, statement in statements(template, ROLE)
    ), "the explicit Deny of dynamodb:DeleteBackup is gone"


def test_the_execution_roles_policies_fit_iam_quotas() -> None:
    template = bootstrap()
    properties = template["Resources"][ROLE]["Properties"]
    documents = attached_policies(template, ROLE)
    inline = {name: doc for name, doc in documents.items() if name.startswith(f"{ROLE}.")}
    managed = {name: doc for name, doc in documents.items() if name not in inline}
    assert len(properties.get("ManagedPolicyArns", [])) <= ATTACHED_POLICIES_LIMIT
    assert sum(policy_size(doc) for doc in inline.values()) <= INLINE_POLICIES_LIMIT
    too_large = {
        name: policy_size(doc)
        for name, doc in managed.items()
        if policy_size(doc) > MANAGED_POLICY_LIMIT
    }
    assert not too_large, f"IAM refuses managed policies over {MANAGED_POLICY_LIMIT}: {too_large}"


def test_the_deploy_role_changes_only_its_stack_and_needs_no_transform() -> None:
    """The template is transformed before the deploy: no CreateChangeSet on
    AWS::Serverless-2016-10-31. CI (deploy/stack.py) uploads the code and the template, runs
    change sets on the stage's stack and hands CloudFormation the execution role; it deletes
    the stack only after a failed first creation (ROLLBACK_COMPLETE), and reads the Lambda
    concurrency quota before asking for a reservation."""
    template = bootstrap()
    granted = defaultdict(set)
    for _, statement in statements(template, "DeployRole"):
        assert statement["Effect"] == "Allow", statement
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                granted[action].add(_resolve_getatt(resource, "dev"))
    stack = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-api-dev/*"
    bucket = "<ArtifactBucket.Arn>"
    assert granted == {
        "cloudformation:CreateChangeSet": {stack},
        "cloudformation:DescribeChangeSet": {stack},
        "cloudformation:ExecuteChangeSet": {stack},
        "cloudformation:DeleteChangeSet": {stack},
        "cloudformation:DescribeStacks": {stack},
        "cloudformation:DescribeStackEvents": {stack},
        "cloudformation:GetTemplate": {stack},
        "cloudformation:GetTemplateSummary": {stack},
        "cloudformation:TagResource": {stack},
        "cloudformation:DeleteStack": {stack},
        "lambda:GetFunctionConcurrency": {
            "arn:aws:lambda:eu-west-1:123456789012:function:shop-api-dev"
        },
        "lambda:GetAccountSettings": {"*"},
        "s3:PutObject": {f"{bucket}/*"},
        "s3:GetObject": {f"{bucket}/*"},
        "s3:ListBucket": {bucket},
        "s3:GetBucketLocation": {bucket},
        "iam:PassRole": {f"<{ROLE}.Arn>"},
    }, dict(granted)
    (pass_role,) = [
        statement
        for _, statement in statements(template, "DeployRole")
        if statement["Action"] == "iam:PassRole"
    ]
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}
    }


def _resolve_getatt(value: Any, stage: str) -> str:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    return resolve(value, stage)


def test_api_gateway_gets_a_cloudwatch_logs_role_unless_the_account_has_one() -> None:
    """Access logging of a REST API stage needs the account's (per region) API Gateway
    setting CloudWatchRoleArn; one bootstrap stack per account and region creates it."""
    template = bootstrap()
    parameter = template["Parameters"]["CreateApiGatewayLoggingRole"]
    assert parameter["Default"] == "true"
    assert sorted(parameter["AllowedValues"]) == ["false", "true"]
    (condition,) = [
        name
        for name, value in template["Conditions"].items()
        if value == {"Fn::Equals": [{"Ref": "CreateApiGatewayLoggingRole"}, "true"]}
    ]
    resources = template["Resources"]
    (account,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Account"]
    assert account["Condition"] == condition
    role_name = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    role = resources[role_name]
    assert role["Condition"] == condition
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    assert [_resolve_getatt(arn, "dev") for arn in role["Properties"]["ManagedPolicyArns"]] == [
        "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    ]
    assert "Policies" not in role["Properties"]
    assert any(
        output.get("Condition") == condition
        and output["Value"] == {"Fn::GetAtt": [role_name, "Arn"]}
        for output in template["Outputs"].values()
    )


def test_the_bootstrap_template_lints_clean() -> None:
    result = subprocess.run(
        [str(TOOLS / "cfn-lint"), str(BOOTSTRAP)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
