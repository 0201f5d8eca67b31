"""The image bucket behind CloudFront, the function's settings, and API Gateway's own
answers (unknown routes, its 4xx and 5xx) in the API's error shape with CORS headers."""

from __future__ import annotations

import json
from typing import Any

import pytest

CORS_HEADERS = {
    "gatewayresponse.header.Access-Control-Allow-Origin",
    "gatewayresponse.header.Access-Control-Allow-Credentials",
    "gatewayresponse.header.Vary",
}
API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29


def resource(template: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"][name]
    return found


def gateway_responses(template: dict[str, Any]) -> dict[str, Any]:
    definition = resource(template, "RestAPI")["Properties"]["DefinitionBody"]
    responses: dict[str, Any] = definition["x-amazon-apigateway-gateway-responses"]
    return responses


def test_the_image_bucket_blocks_every_kind_of_public_access(template: dict[str, Any]) -> None:
    block = resource(template, "MediaBucket")["Properties"]["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


def test_the_image_bucket_outlives_any_deploy_but_a_failed_first_one(
    template: dict[str, Any],
) -> None:
    bucket = resource(template, "MediaBucket")
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == (
        "RetainExceptOnCreate",
        "Retain",
    )


def test_only_this_stacks_distribution_may_read_the_image_prefixes(
    template: dict[str, Any],
) -> None:
    statements = resource(template, "MediaBucketPolicy")["Properties"]["PolicyDocument"]
    allowed = [s for s in statements["Statement"] if s["Effect"] == "Allow"]
    assert len(allowed) == 1
    (grant,) = allowed
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    assert grant["Resource"] == [
        {"Fn::Sub": "${MediaBucket.Arn}/categories/*"},
        {"Fn::Sub": "${MediaBucket.Arn}/products/*"},
    ]
    source = grant["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${MediaDistribution}")


def test_cloudfront_signs_its_reads_of_the_bucket_with_origin_access_control(
    template: dict[str, Any],
) -> None:
    config = resource(template, "MediaDistribution")["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["MediaBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["MediaOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    access = resource(template, "MediaOriginAccessControl")["Properties"]
    assert access["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def test_the_function_learns_its_bucket_and_media_base_url_from_the_stack(
    template: dict[str, Any],
) -> None:
    variables = resource(template, "APIHandler")["Properties"]["Environment"]["Variables"]
    assert variables["MEDIA_BUCKET"] == {"Ref": "MediaBucket"}
    assert variables["MEDIA_BASE_URL"] == {"Fn::Sub": "https://${MediaDistribution.DomainName}"}
    assert (variables["STAGE"], variables["TABLE_PREFIX"]) == ("prod", "shop-prod-")


def test_the_function_gives_up_before_api_gateway_does(template: dict[str, Any]) -> None:
    properties = resource(template, "APIHandler")["Properties"]
    assert properties["Timeout"] < API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS
    assert properties["Architectures"] == ["arm64"]


def test_the_function_logs_to_a_log_group_that_expires_old_lines(
    template: dict[str, Any],
) -> None:
    logs = resource(template, "APIHandlerLogGroup")["Properties"]
    assert logs["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${APIHandler}"}
    assert logs["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Parameters"]["LogRetentionDays"]["Default"] > 0


def test_an_unknown_route_is_a_404_with_the_contracts_body(template: dict[str, Any]) -> None:
    unknown = gateway_responses(template)["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown["statusCode"] == "404"
    assert json.loads(unknown["responseTemplates"]["application/json"]) == {"detail": "Not found."}


@pytest.mark.parametrize("kind", ["MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"])
def test_api_gateways_own_answers_carry_cors_headers_for_the_calling_origin(
    template: dict[str, Any], kind: str
) -> None:
    parameters = gateway_responses(template)[kind]["responseParameters"]
    assert set(parameters) >= CORS_HEADERS
    origin = parameters["gatewayresponse.header.Access-Control-Allow-Origin"]
    assert origin == "method.request.header.Origin"


@pytest.mark.parametrize("kind", ["DEFAULT_4XX", "DEFAULT_5XX"])
def test_api_gateways_own_errors_take_the_detail_shape(template: dict[str, Any], kind: str) -> None:
    body = gateway_responses(template)[kind]["responseTemplates"]["application/json"]
    assert body == '{"detail": $context.error.messageString}'
