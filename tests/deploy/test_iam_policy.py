"""The function's IAM policy: only the actions the code uses, only on this stage's tables,
their indexes, the image prefixes of its bucket, its own log group and the stack's cursor
key; plus writing X-Ray traces, the one grant that IAM cannot narrow to a resource."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.client import BaseClient
from chalice.test import Client
from cloudformation import (
    DEPLOYED_STAGES,
    allows,
    as_list,
    bucket_arn,
    function_log_group,
    log_group_arn,
    media_bucket_name,
    policy_file,
    resolve,
    table_arn,
    tables_by_name,
)
from shopping_tour import shop_a_little

# What each DynamoDB call needs from IAM. A transaction is authorised item by item.
ITEM_ACTIONS = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
}
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def function_policies(template: dict[str, Any]) -> list[dict[str, Any]]:
    role = template["Resources"]["ApiHandlerRole"]["Properties"]
    return [policy["PolicyDocument"] for policy in role["Policies"]]


# The stack's secret that signs page cursors (deploy/resources.json).
CURSOR_SECRET = "CursorSecret"

# X-Ray has no resource-level permissions: tracing is granted on "*", and only that.
TRACING_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def is_tracing(statement: dict[str, Any]) -> bool:
    return set(as_list(statement["Action"])) <= TRACING_ACTIONS


def granted_resources(policy: dict[str, Any], stage: str) -> set[str]:
    return {
        resolve(resource, stage)
        for statement in policy["Statement"]
        if not is_tracing(statement)
        for resource in as_list(statement["Resource"])
    }


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_only_tracing_is_granted_on_every_resource(stage: str) -> None:
    for statement in policy_file(stage)["Statement"]:
        if "*" in as_list(statement["Resource"]):
            assert is_tracing(statement), statement


def test_the_function_role_carries_the_prod_policy_file_and_nothing_else(
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["ApiHandlerRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    assert function_policies(template) == [policy_file("prod")]


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_no_statement_grants_a_wildcard_action_or_uses_a_negation(stage: str) -> None:
    for statement in policy_file(stage)["Statement"]:
        assert statement["Effect"] == "Allow"
        assert not {"NotAction", "NotResource", "Principal"} & set(statement)
        for action in as_list(statement["Action"]):
            assert "*" not in action, statement


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_policy_names_only_this_stages_tables_indexes_image_prefixes_and_log_group(
    template: dict[str, Any], stage: str
) -> None:
    tables = [table_arn(name) for name in tables_by_name(template, stage)]
    bucket = bucket_arn(media_bucket_name(template, stage))
    allowed = {
        *tables,
        *(f"{table}/index/*" for table in tables),
        f"{bucket}/categories/*",
        f"{bucket}/products/*",
        log_group_arn(function_log_group(template, stage)) + ":*",
        f"<{CURSOR_SECRET}>",
    }
    assert granted_resources(policy_file(stage), stage) - allowed == set()


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_policy_reaches_every_table_of_the_stage(template: dict[str, Any], stage: str) -> None:
    policy = policy_file(stage)
    for name in tables_by_name(template, stage):
        assert allows(policy, "dynamodb:GetItem", table_arn(name), stage), name


def _needed_permissions(operation: str, params: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(IAM action, table or index name | bucket/key) for one recorded API call."""
    if operation in ITEM_ACTIONS - {"BatchGetItem", "BatchWriteItem"}:
        index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
        yield f"dynamodb:{operation}", params["TableName"] + index
    elif operation in ("BatchGetItem", "BatchWriteItem"):
        for table in params["RequestItems"]:
            yield f"dynamodb:{operation}", table
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        for item in params["TransactItems"]:
            for kind, request in item.items():
                yield f"dynamodb:{TRANSACT_ACTIONS[kind]}", request["TableName"]
    elif operation in ("PutObject", "DeleteObject", "GetObject"):
        yield f"s3:{operation}", f"{params['Bucket']}/{params['Key']}"
    elif operation == "GetSecretValue":
        yield f"secretsmanager:{operation}", params["SecretId"]
    else:
        yield f"unexpected call: {operation}", ""


def _as_deployed_arn(target: str, template: dict[str, Any], stage: str) -> str:
    """The test stage's name of a table, object or secret, renamed to the deployed stage's
    ARN (the cursor secret's as the template's reference to it)."""
    if target.startswith("arn:aws:secretsmanager:"):
        return f"<{CURSOR_SECRET}>"
    if target.startswith("shop-test-media/"):
        return bucket_arn(media_bucket_name(template, stage)) + target.removeprefix(
            "shop-test-media"
        )
    return table_arn(target.replace("shop-test-", f"shop-{stage}-", 1))


@contextlib.contextmanager
def recorded_calls() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    make_api_call = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append((operation, params))
        return make_api_call(client, operation, params)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(BaseClient, "_make_api_call", recording)
        yield calls


@contextlib.contextmanager
def cursor_secret_of_a_stack(emulator: Any) -> Iterator[None]:
    """The cursor key read from Secrets Manager, as deployed stages do (the test stage
    otherwise takes it from CURSOR_SECRET)."""
    import boto3

    from chalicelib.config import get_settings
    from chalicelib.store.cursor_keys import forget_cursor_keys

    secrets = boto3.client("secretsmanager", endpoint_url=emulator.url, region_name="us-east-1")
    name = f"cursor-key-{uuid.uuid4().hex}"
    arn = secrets.create_secret(Name=name, SecretString=uuid.uuid4().hex * 2)["ARN"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(get_settings(), "cursor_secret_arn", arn)
        forget_cursor_keys()
        try:
            yield
        finally:
            forget_cursor_keys()
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


@pytest.fixture(scope="module")
def needed_while_shopping(emulator: Any) -> set[tuple[str, str]]:
    """(IAM action, table, index, object or secret) of every AWS call the tour makes, on
    empty tables. One tour for the module: what it calls does not depend on the stage
    whose policy is checked."""
    from emptied import empty_store

    from app import app

    empty_store(emulator)
    with (
        cursor_secret_of_a_stack(emulator),
        recorded_calls() as calls,
        Client(app, stage_name="test") as client,
    ):
        shop_a_little(client)
    made = {operation for operation, _ in calls}
    assert {"TransactWriteItems", "BatchGetItem", "Query", "PutObject", "DeleteObject"} <= made
    assert "GetSecretValue" in made
    return {
        needed for operation, params in calls for needed in _needed_permissions(operation, params)
    }


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_policy_allows_every_call_the_api_makes_while_shopping(
    needed_while_shopping: set[tuple[str, str]], template: dict[str, Any], stage: str
) -> None:
    policy = policy_file(stage)
    denied = {
        (action, target)
        for action, target in needed_while_shopping
        if not allows(policy, action, _as_deployed_arn(target, template, stage), stage)
    }
    assert denied == set()


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_policy_grants_no_data_action_that_shopping_does_not_use(
    needed_while_shopping: set[tuple[str, str]], stage: str
) -> None:
    granted = {
        action
        for statement in policy_file(stage)["Statement"]
        for action in as_list(statement["Action"])
        if not action.startswith("logs:") and action not in TRACING_ACTIONS
    }
    assert granted - {action for action, _ in needed_while_shopping} == set()
