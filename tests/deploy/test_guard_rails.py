"""The production guard rails of the template: one stage, throttling, reserved concurrency,
tracing, access logs, log retention, alarms, required origins, SnapStart on an alias, and
data that survives everything but a failed first creation. Each limit is a parameter
with a sane default."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudformation import PROJECT_ROOT, resources_of_type

from deploy.stack import transform

PARAMETERS = {"Stage": "prod", "AllowedOrigins": "https://shop.example.org"}


@pytest.fixture(scope="module")
def deployed(template: dict[str, Any]) -> dict[str, Any]:
    """The plain CloudFormation template `make deploy` sends for prod."""
    return transform(template, "s3://artifacts/shop-api-prod/code.zip", PARAMETERS, "eu-west-1")


def properties(template: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"][name]["Properties"]
    return found


def default(template: dict[str, Any], parameter: str) -> Any:
    return template["Parameters"][parameter]["Default"]


def test_the_api_has_exactly_one_stage_named_after_the_chalice_stage(
    deployed: dict[str, Any],
) -> None:
    """SAM would add a second public stage named `Stage` to the deployment."""
    stages = resources_of_type(deployed, "AWS::ApiGateway::Stage")
    assert [stage["Properties"]["StageName"] for stage in stages.values()] == ["prod"]
    for deployment in resources_of_type(deployed, "AWS::ApiGateway::Deployment").values():
        assert "StageName" not in deployment["Properties"]


def test_every_method_of_the_stage_is_throttled(
    template: dict[str, Any], deployed: dict[str, Any]
) -> None:
    (stage,) = resources_of_type(deployed, "AWS::ApiGateway::Stage").values()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurstLimit"}
    assert default(template, "ApiThrottleRateLimit") == 100
    assert default(template, "ApiThrottleBurstLimit") == 200


def test_the_function_has_reserved_concurrency_unless_set_to_zero(
    template: dict[str, Any],
) -> None:
    reserved = properties(template, "APIHandler")["ReservedConcurrentExecutions"]
    assert reserved == {
        "Fn::If": [
            "HasReservedConcurrency",
            {"Ref": "ReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert default(template, "ReservedConcurrency") == 50


def test_x_ray_tracing_is_active_on_the_function_and_the_stage(deployed: dict[str, Any]) -> None:
    assert properties(deployed, "APIHandler")["TracingConfig"] == {"Mode": "Active"}
    (stage,) = resources_of_type(deployed, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["TracingEnabled"] is True


def test_the_function_role_may_write_traces(template: dict[str, Any]) -> None:
    policy = json.loads((PROJECT_ROOT / ".chalice" / "policy-prod.json").read_text())
    actions = {
        action
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow"
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    assert {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} <= actions


def test_the_stage_writes_json_access_logs_with_the_request_id(deployed: dict[str, Any]) -> None:
    (stage,) = resources_of_type(deployed, "AWS::ApiGateway::Stage").values()
    setting = stage["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    line = json.loads(setting["Format"])
    assert line["request_id"] == "$context.requestId"
    assert {"status", "latency_ms", "path", "method"} <= set(line)


def test_both_log_groups_keep_logs_for_the_configured_days(template: dict[str, Any]) -> None:
    for name in ("APIHandlerLogGroup", "ApiAccessLogGroup"):
        assert properties(template, name)["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert default(template, "LogRetentionDays") == 30


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: alarm["Properties"]
        for name, alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
    }


def watched_metrics(alarm: dict[str, Any]) -> set[str]:
    if "MetricName" in alarm:
        return {alarm["MetricName"]}
    return {
        query["MetricStat"]["Metric"]["MetricName"]
        for query in alarm["Metrics"]
        if "MetricStat" in query
    }


def test_alarms_watch_errors_latency_throttles_and_storage_failures(
    template: dict[str, Any],
) -> None:
    watched = set().union(*(watched_metrics(alarm) for alarm in alarms(template).values()))
    assert watched == {
        "5XXError",
        "Latency",
        "Errors",
        "Throttles",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "StorageFailures",
    }
    latency = alarms(template)["ApiLatencyAlarm"]
    assert latency["ExtendedStatistic"] == "p99"
    assert latency["Threshold"] == {"Ref": "AlarmLatencyP99Ms"}
    assert alarms(template)["ApiServerErrorRateAlarm"]["Threshold"] == {
        "Ref": "AlarmServerErrorRate"
    }


def test_the_dynamodb_throttle_alarms_cover_every_table(template: dict[str, Any]) -> None:
    tables = set(resources_of_type(template, "AWS::DynamoDB::Table"))
    for kind in ("Read", "Write"):
        alarm = alarms(template)[f"DynamoDb{kind}ThrottlesAlarm"]
        watched = {
            query["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
            for query in alarm["Metrics"]
            if "MetricStat" in query
        }
        assert watched == tables
        # CloudWatch allows at most 10 metrics in an alarm's math expression.
        assert len(watched) <= 10


def test_the_api_alarms_watch_the_api_by_its_stage_name(template: dict[str, Any]) -> None:
    api = properties(template, "RestAPI")
    name = {"Fn::Sub": "shop-api-${Stage}"}
    assert api["Name"] == name and api["DefinitionBody"]["info"]["title"] == name
    for alarm in ("ApiServerErrorRateAlarm", "ApiLatencyAlarm"):
        dimensions = {d["Name"]: d["Value"] for d in alarms(template)[alarm]["Dimensions"]}
        assert dimensions == {"ApiName": name, "Stage": {"Ref": "Stage"}}


def test_every_alarm_notifies_the_alarm_topic(template: dict[str, Any]) -> None:
    for name, alarm in alarms(template).items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["OKActions"] == [{"Ref": "AlarmTopic"}], name


def test_the_alarm_topic_mails_the_address_given_as_a_parameter(template: dict[str, Any]) -> None:
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Properties"]["Protocol"] == "email"


def test_storage_failures_are_counted_from_the_functions_log_lines(
    template: dict[str, Any],
) -> None:
    metric_filter = properties(template, "StorageFailuresMetricFilter")
    assert metric_filter["LogGroupName"] == {"Ref": "APIHandlerLogGroup"}
    assert metric_filter["FilterPattern"] == "{ $.storage_error = * }"


def test_allowed_origins_are_a_required_parameter_of_a_deployed_stage(
    template: dict[str, Any],
) -> None:
    assert "Default" not in template["Parameters"]["AllowedOrigins"]
    variables = properties(template, "APIHandler")["Environment"]["Variables"]
    assert variables["CORS_ALLOWED_ORIGINS"] == {"Ref": "AllowedOrigins"}


def test_no_deployed_stage_carries_a_placeholder_origin() -> None:
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        assert "CORS_ALLOWED_ORIGINS" not in config["stages"][stage]["environment_variables"]


def test_the_function_runs_python_3_13_with_snapstart_on_published_versions(
    template: dict[str, Any], deployed: dict[str, Any]
) -> None:
    function = properties(template, "APIHandler")
    assert function["Runtime"] == "python3.13"
    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function["AutoPublishAlias"] == "live"
    # A change of configuration alone (an environment variable) publishes a new version too.
    assert function["AutoPublishAliasAllProperties"] is True
    assert resources_of_type(deployed, "AWS::Lambda::Version")
    assert list(resources_of_type(deployed, "AWS::Lambda::Alias")) == ["APIHandlerAliaslive"]


def test_api_gateway_calls_the_alias_not_the_latest_version(template: dict[str, Any]) -> None:
    paths = properties(template, "RestAPI")["DefinitionBody"]["paths"]
    uris = {
        operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        for operations in paths.values()
        for operation in operations.values()
    }
    assert uris == {
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        "${APIHandlerAliaslive}/invocations"
    }
    permission = properties(template, "APIHandlerInvokePermission")
    assert permission["FunctionName"] == {"Ref": "APIHandlerAliaslive"}


def test_tables_and_bucket_are_kept_except_when_their_stack_creation_fails(
    template: dict[str, Any],
) -> None:
    kept = {
        **resources_of_type(template, "AWS::DynamoDB::Table"),
        **resources_of_type(template, "AWS::S3::Bucket"),
    }
    assert len(kept) == 11
    for name, resource in kept.items():
        assert resource["DeletionPolicy"] == "RetainExceptOnCreate", name
        assert resource["UpdateReplacePolicy"] == "Retain", name


def test_tables_are_protected_against_deletion_once_created(template: dict[str, Any]) -> None:
    """`make deploy` creates a stack with protection off (so that a failed creation can
    remove its tables) and turns it on at once; the default is on."""
    assert default(template, "TableDeletionProtection") == "true"
    for name, table in resources_of_type(template, "AWS::DynamoDB::Table").items():
        assert table["Properties"]["DeletionProtectionEnabled"] == {
            "Fn::If": ["ProtectTables", True, False]
        }, name
