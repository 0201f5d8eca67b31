"""HTTP behaviour through Chalice's test client: the whole app, middleware included,
against the moto server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from chalice.test import Client
from log_capture import log_lines  # noqa: F401  (a fixture of every API test)

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
        if not text:
            return Reply(response.status_code, response.headers, None)
        # Every answer is JSON but the docs page and its assets (/api/docs/), kept as text.
        content_type = next(
            (v for k, v in response.headers.items() if k.lower() == "content-type"), ""
        )
        body = json.loads(text) if content_type.startswith("application/json") else text
        return Reply(response.status_code, response.headers, body)

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

    def next_page(self, reply: Reply) -> Reply | None:
        """Follows the ``Link: <absolute URL>; rel="next"`` of a list page, if any."""
        url = next_link(reply)
        if url is None:
            return None
        parts = urlsplit(url)
        return self.get(f"{parts.path}?{parts.query}")

    def all_pages(self, path: str, max_pages: int = 100) -> list[Any]:
        """The items of ``path`` and of every page its next links lead to, in order."""
        reply: Reply | None = self.get(path)
        items: list[Any] = []
        for _ in range(max_pages):
            if reply is None:
                return items
            assert reply.status == 200, reply.body
            items += reply.body
            reply = self.next_page(reply)
        raise AssertionError(f"the next links of {path} did not end within {max_pages} pages")


def next_link(reply: Reply) -> str | None:
    match = re.fullmatch(r'<([^>]+)>; rel="next"', reply.headers.get("Link", ""))
    return match.group(1) if match else None


@pytest.fixture
def chalice_client(store: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


def shares_tables(request: pytest.FixtureRequest) -> bool:
    """A test module that sets ``SHARED_TABLES = True`` gets the ``shared_*`` fixtures below
    for ``api``, ``staff``, ``shopper``, ``catalog`` and ``people``: tables emptied once per
    module instead of once per test."""
    return bool(getattr(request.module, "SHARED_TABLES", False))


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_api")  # type: ignore[no-any-return]
    return Api(request.getfixturevalue("chalice_client"))


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
def shopper(request: pytest.FixtureRequest, api: Api) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_shopper")  # type: ignore[no-any-return]
    signup(api, "shopper")
    return api.as_token(login(api, "shopper"))


@pytest.fixture
def staff(request: pytest.FixtureRequest, api: Api) -> Api:
    if shares_tables(request):
        return request.getfixturevalue("shared_staff")  # type: ignore[no-any-return]
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    return api.as_token(login(api, "staff"))


@pytest.fixture
def settings() -> Any:
    """The settings the app reads. A test changes one with ``monkeypatch.setattr``, which
    puts it back afterwards; resetting them instead would rebind every model to new
    connections, which costs about a second."""
    from chalicelib.config import get_settings

    return get_settings()


@dataclass
class Catalog:
    """Creates categories and products through the API, as staff."""

    staff: Api

    def category(self, name: str = "Jackets") -> dict[str, Any]:
        reply = self.staff.post("/api/categories/", {"name": name})
        assert reply.status == 201, reply.body
        return reply.body

    def product(self, category: int, name: str = "White Jacket", **fields: Any) -> dict[str, Any]:
        body = {"name": name, "price": "1400.00", "category": category, "stock": 5, **fields}
        reply = self.staff.post("/api/products/", body)
        assert reply.status == 201, reply.body
        return reply.body


@pytest.fixture
def catalog(staff: Api) -> Catalog:
    return Catalog(staff)  # the shared staff client with shared tables


@dataclass
class People:
    """Signs users up and logs them in through the API."""

    api: Api
    password: str = PASSWORD

    def signup(self, username: str, **extra: Any) -> dict[str, Any]:
        return signup(self.api, username, **extra)

    def token(self, username: str, password: str = PASSWORD) -> str:
        return login(self.api, username, password)

    def client(self, username: str, password: str = PASSWORD) -> Api:
        """A client carrying a fresh session token of ``username``."""
        return self.api.as_token(login(self.api, username, password))


@pytest.fixture
def people(api: Api) -> People:
    return People(api)


@pytest.fixture(scope="module")
def shared_api(emulator: object) -> Iterator[Api]:
    """One client over tables emptied once per module, for modules whose tests only read
    what module-scoped fixtures wrote (or are refused before writing anything). Emptying
    the tables costs more than most tests, so read-only suites share them. A module that
    sets ``SHARED_TABLES`` instead of using this directly, so that ``api`` is this client."""
    from emptied import empty_store

    from app import app

    empty_store(emulator)
    with Client(app, stage_name="test") as client:
        yield Api(client)


@pytest.fixture(scope="module")
def shared_staff(shared_api: Api) -> Api:
    from chalicelib.services.accounts import create_superuser

    create_superuser("staff", "staff@example.com", PASSWORD)
    return shared_api.as_token(login(shared_api, "staff"))


@pytest.fixture(scope="module")
def shared_catalog(shared_staff: Api) -> Catalog:
    return Catalog(shared_staff)


@pytest.fixture(scope="module")
def shared_people(shared_api: Api) -> People:
    return People(shared_api)


@pytest.fixture(scope="module")
def shared_shopper(shared_people: People) -> Api:
    shared_people.signup("shopper")
    return shared_people.client("shopper")
