"""HTTP behaviour through Chalice's test client: the whole app, middleware included,
against the moto server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from chalice.test import Client

PASSWORD = "correct-horse-9"


@dataclass
class Reply:
    status: int
    headers: dict[str, Any]
    body: Any


@dataclass
class Api:
    """A thin JSON client over chalice.test.Client."""

    client: Client
    default_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **self.default_headers, **(headers or {})}
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=sent, body=payload or b"")
        text = response.body.decode() if response.body else ""
        return Reply(response.status_code, response.headers, json.loads(text) if text else None)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)

    def as_token(self, token: str) -> Api:
        return Api(self.client, {"Authorization": f"Token {token}"})


@pytest.fixture
def chalice_client(store: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


@pytest.fixture
def api(chalice_client: Client) -> Api:
    return Api(chalice_client)


def signup(api: Api, username: str, **extra: Any) -> dict[str, Any]:
    body = {"username": username, "password": PASSWORD, "email": f"{username}@example.com"}
    reply = api.post("/api/users/", {**body, **extra})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


def login(api: Api, username: str, password: str = PASSWORD) -> str:
    reply = api.post("/api/auth/login/", {"username": username, "password": password})
    assert reply.status == 200, reply.body
    return reply.body["token"]  # type: ignore[no-any-return]


@pytest.fixture
def shopper(api: Api) -> Api:
    signup(api, "shopper")
    return api.as_token(login(api, "shopper"))


@pytest.fixture
def staff(api: Api) -> Api:
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    return api.as_token(login(api, "staff"))
