"""Absolute URLs (next-page links, the API root, the schema's server) name the host and
path the client used: API Gateway's own URL, a custom domain, or the CloudFront
distribution, whose viewer-request function passes the client's host as X-Forwarded-Host."""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib.api.http import absolute_url


def request(headers: dict[str, str], path: str, stage: str = "dev") -> Request:
    event: dict[str, Any] = {
        "multiValueQueryStringParameters": None,
        "headers": headers,
        "pathParameters": None,
        "requestContext": {
            "httpMethod": "GET",
            "resourcePath": "/api/products",
            "path": path,
            "stage": stage,
        },
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
    }
    return Request(event)


def test_a_request_to_api_gateways_url_links_to_that_url_with_its_stage():
    host = "abc123.execute-api.eu-west-1.amazonaws.com"
    sent = request({"host": host, "x-forwarded-proto": "https"}, "/dev/api/products/")

    assert absolute_url(sent, {"cursor": "c"}) == f"https://{host}/dev/api/products/?cursor=c"


def test_a_request_through_cloudfront_links_to_the_clients_host_without_the_stage():
    sent = request(
        {
            "host": "abc123.execute-api.eu-west-1.amazonaws.com",
            "x-forwarded-proto": "https",
            "x-forwarded-host": "shop.example.com",
        },
        "/dev/api/products/",
    )

    assert absolute_url(sent, {"cursor": "c"}) == "https://shop.example.com/api/products/?cursor=c"


def test_a_stage_named_like_a_path_segment_is_removed_only_as_the_prefix():
    sent = request(
        {"host": "internal", "x-forwarded-host": "shop.example.com"}, "/api/api/products/", "api"
    )

    assert absolute_url(sent, {}) == "http://shop.example.com/api/products/?"
