"""GET /api/: the API root lists the absolute URL of every resource, as Django REST
Framework's DefaultRouter does."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

RESOURCES = {"categories", "products", "ratings", "cart", "orders", "users", "auth"}


def proxy_event(path: str, resource: str, stage: str, headers: dict[str, str]) -> dict[str, Any]:
    """The event API Gateway sends for a GET on a deployed stage: the resource path is the
    route, the context's path carries the stage prefix."""
    return {
        "resource": resource,
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": "GET",
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def test_the_root_names_every_resource_the_schema_and_the_docs(api):
    reply = api.get("/api/")
    assert reply.status == 200
    assert set(reply.body) == RESOURCES | {"schema", "docs"}


def test_the_root_gives_absolute_urls_under_api(api):
    urls = api.get("/api/").body
    assert all(url.startswith("http://localhost/api/") for url in urls.values()), urls
    assert urls["products"] == "http://localhost/api/products/"
    assert urls["schema"] == "http://localhost/api/schema/"
    assert urls["docs"] == "http://localhost/api/docs/"


@pytest.mark.parametrize("name", sorted(RESOURCES | {"schema", "docs"}))
def test_every_url_of_the_root_leads_to_a_route(api, name):
    """Anonymous, some answer 401 (the cart, orders) or 405 (login wants POST): never 404."""
    url = api.get("/api/").body[name]
    reply = api.client.http.get(urlsplit(url).path)
    assert reply.status_code != 404, (url, reply.body)


def test_the_root_works_without_its_trailing_slash(api):
    assert api.get("/api").body == api.get("/api/").body


def test_the_root_builds_urls_from_the_host_and_forwarded_protocol(api):
    headers = {"Host": "shop.example.com", "X-Forwarded-Proto": "https"}
    urls = api.get("/api/", headers=headers).body
    assert urls["categories"] == "https://shop.example.com/api/categories/"


def test_behind_a_deployed_stage_the_urls_keep_its_prefix(api):
    from app import app

    host = "abc123.execute-api.eu-west-1.amazonaws.com"
    event = proxy_event("/api/", "/api", "prod", {"Host": host, "X-Forwarded-Proto": "https"})
    response = app(event, None)
    assert response["statusCode"] == 200
    urls = json.loads(response["body"])
    assert urls["orders"] == f"https://{host}/prod/api/orders/"


def test_the_root_is_a_public_operation_of_the_openapi_document(api):
    operation = api.get("/api/schema/").body["paths"]["/api/"]["get"]
    assert operation["security"] == []
