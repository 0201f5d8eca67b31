"""A request authenticated by the session cookie with an unsafe method
must carry X-CSRFToken equal to the csrftoken cookie, else 403; header tokens need none.
Every test logs in a user of its own, so the module shares one set of tables."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401

CSRF_FAILED = {"detail": "CSRF Failed: CSRF token missing or incorrect."}


@dataclass
class CookieSession:
    """What a browser holds after logging in: the two cookies, and the user's id."""

    api: Any
    session: str
    csrf: str
    user_id: int

    def request(self, method: str, path: str, body: Any = None, csrf: str | None = None) -> Any:
        headers = {"Cookie": f"sessionid={self.session}; csrftoken={self.csrf}"}
        if csrf is not None:
            headers["X-CSRFToken"] = csrf
        return self.api.request(method, path, body, headers=headers)


serial = itertools.count(1)


# Each test here works on records of its own, so the module shares one set of tables
# (see tests/api/conftest.py).


@pytest.fixture
def browser(api: Any, people: Any) -> CookieSession:
    user = people.signup(f"shopper{next(serial)}")
    credentials = {"username": user["username"], "password": people.password}
    reply = api.post("/api/auth/login/", credentials)
    cookies = dict(header.split(";")[0].split("=", 1) for header in reply.headers["Set-Cookie"])
    return CookieSession(api, cookies["sessionid"], cookies["csrftoken"], user["id"])


def unsafe_requests(user_id: int) -> list[tuple[str, str, Any]]:
    replacement = {"username": f"renamed{user_id}", "email": f"new{user_id}@example.com"}
    return [
        ("POST", "/api/auth/logout/", None),
        ("PUT", f"/api/users/{user_id}/", replacement),
        ("PATCH", f"/api/users/{user_id}/", {"first_name": "Nur"}),
        ("DELETE", f"/api/users/{user_id}/", None),
    ]


@pytest.mark.parametrize("position", range(4), ids=["POST", "PUT", "PATCH", "DELETE"])
def test_a_cookie_request_with_an_unsafe_method_and_no_csrf_header_is_403(browser, position):
    method, path, body = unsafe_requests(browser.user_id)[position]
    reply = browser.request(method, path, body)
    assert (reply.status, reply.body) == (403, CSRF_FAILED)


@pytest.mark.parametrize("position", range(4), ids=["POST", "PUT", "PATCH", "DELETE"])
def test_a_cookie_request_with_a_wrong_csrf_header_is_403(browser, position):
    method, path, body = unsafe_requests(browser.user_id)[position]
    reply = browser.request(method, path, body, csrf="not-the-token")
    assert (reply.status, reply.body) == (403, CSRF_FAILED)


@pytest.mark.parametrize(
    ("position", "status"), [(0, 200), (1, 200), (2, 200), (3, 204)],
    ids=["POST", "PUT", "PATCH", "DELETE"],
)  # fmt: skip
def test_a_cookie_request_with_the_matching_csrf_header_succeeds(browser, position, status):
    method, path, body = unsafe_requests(browser.user_id)[position]
    assert browser.request(method, path, body, csrf=browser.csrf).status == status


def test_a_refused_csrf_request_changes_nothing(api, browser):
    browser.request("PATCH", f"/api/users/{browser.user_id}/", {"first_name": "Mallory"})
    me = browser.request("GET", "/api/users/me/")
    assert me.body["first_name"] == ""


def test_a_csrf_pair_that_is_not_the_sessions_own_is_403(browser):
    """A page that can plant a cookie may set both to one value; the pair must also match
    the token issued with the session."""
    browser.csrf = "planted-value-of-the-attacker"
    reply = browser.request("POST", "/api/auth/logout/", csrf="planted-value-of-the-attacker")
    assert (reply.status, reply.body) == (403, CSRF_FAILED)


def test_a_cookie_read_needs_no_csrf_header(browser):
    assert browser.request("GET", "/api/users/me/").status == 200


def test_a_header_token_needs_no_csrf_for_unsafe_methods(api, people):
    user = people.signup(f"shopper{next(serial)}")
    client = people.client(user["username"])
    assert client.patch(f"/api/users/{user['id']}/", {"first_name": "Nur"}).status == 200
    assert client.post("/api/auth/logout/").status == 200
