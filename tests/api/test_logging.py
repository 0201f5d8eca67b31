"""Structured logs: every line is a JSON object carrying the id of its request, errors
included, and no token or password is ever written."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from log_capture import LogLines


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "shop.access"]


def test_every_request_writes_one_json_line_with_its_own_request_id(
    api: Any, log_lines: LogLines
) -> None:
    api.get("/api/health/")
    api.get("/api/categories/")
    first, second = access_lines(log_lines())
    assert (first["method"], first["path"], first["status"]) == ("GET", "/api/health/", 200)
    assert first["request_id"] and second["request_id"]
    assert first["request_id"] != second["request_id"]


def test_an_unexpected_error_is_logged_as_json_with_the_request_id_of_its_request(
    api: Any, log_lines: LogLines, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("the database adapter fell over")

    monkeypatch.setattr("chalicelib.services.health.check_database", broken)
    assert api.get("/api/health/").status == 500
    lines = log_lines()
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    (access,) = access_lines(lines)
    assert error["request_id"] == access["request_id"]
    assert "RuntimeError" in error["exception"]


def test_deployed_the_request_id_is_api_gateways_own(log_lines: LogLines) -> None:
    from app import app

    event = {
        "resource": "/api/health",
        "path": "/api/health",
        "httpMethod": "DELETE",
        "headers": {"Host": "api.example.com"},
        "multiValueHeaders": {"Host": ["api.example.com"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api/health",
            "httpMethod": "DELETE",
            "path": "/prod/api/health",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": None,
        "isBase64Encoded": False,
    }
    invocation = SimpleNamespace(aws_request_id="lambda-invocation-id", function_name="shop-api")
    assert app(event, invocation)["statusCode"] == 405
    (access,) = access_lines(log_lines())
    assert access["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_tokens_passwords_and_cookies_never_reach_the_log(
    api: Any, people: Any, log_lines: LogLines
) -> None:
    people.signup("shopper")
    token = people.token("shopper")
    api.as_token(token).get("/api/auth/user/")
    assert api.get("/api/users/me/", headers={"Cookie": f"sessionid={token}"}).status == 200
    api.post("/api/auth/login/", {"username": "shopper", "password": "wrong-horse-1"})
    written = json.dumps(log_lines())
    assert token not in written
    assert people.password not in written
    assert "wrong-horse-1" not in written
