"""What a client sees over real HTTP from a stack started as `make run` starts it."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.e2e

BROWSER_ORIGIN = "http://localhost:5173"
NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')


def next_page(response: requests.Response) -> str | None:
    match = NEXT_LINK.search(response.headers.get("Link", ""))
    return match.group(1) if match else None


def test_the_stack_serves_the_seeded_catalog(stack):
    categories = stack.get("/api/categories/").json()
    jackets = next(category for category in categories if category["name"] == "Jackets")
    products = stack.get(f"/api/categories/{jackets['id']}/products/").json()
    white_jacket = next(product for product in products if product["name"] == "White Jacket")
    assert white_jacket["price"] == "1400.00"
    assert white_jacket["stock"] == 400
    assert (white_jacket["color"], white_jacket["size"]) == ("White", "L")
    assert white_jacket["category_name"] == "Jackets"


@pytest.mark.parametrize(
    ("username", "password", "is_staff"),
    [("admin", "admin-local-only", True), ("shopper", "shopper-local-only", False)],
)
def test_the_demo_logins_work(stack, username, password, is_staff):
    response = stack.post("/api/auth/login/", {"username": username, "password": password})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["username"] == username
    assert response.json()["user"]["is_staff"] is is_staff


@pytest.mark.parametrize("path", ["/api/categories", "/api/categories/"])
def test_paths_work_with_and_without_a_trailing_slash(stack, path):
    response = stack.get(path)
    assert response.status_code == 200
    assert [category["name"] for category in response.json()][:1] == ["Jackets"]


def test_an_unknown_path_is_a_404_that_a_browser_page_can_read(stack):
    response = stack.get("/api/no-such-thing/", headers={"Origin": BROWSER_ORIGIN})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert response.headers["Access-Control-Allow-Origin"] == BROWSER_ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_a_preflight_to_an_unknown_path_does_not_fail(stack):
    headers = {
        "Origin": BROWSER_ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization",
    }
    response = stack.request("OPTIONS", "/api/no-such-thing/", headers=headers)
    assert response.ok, response.status_code
    assert response.headers["Access-Control-Allow-Origin"] == BROWSER_ORIGIN


def test_following_next_links_visits_every_product_exactly_once(stack):
    everything = [product["id"] for product in stack.get("/api/products/?limit=500").json()]
    assert len(everything) > 4, "too few products to need several pages"
    visited, pages = [], 0
    url: str | None = f"{stack.url}/api/products/?limit=2"
    while url is not None:
        assert url.startswith(f"{stack.url}/api/products/"), url
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.text
        page = [product["id"] for product in response.json()]
        assert len(page) <= 2
        visited += page
        pages += 1
        url = next_page(response)
    assert sorted(visited) == sorted(everything)
    assert len(visited) == len(set(visited))
    assert pages >= 3


def test_a_protected_endpoint_without_credentials_is_a_401(stack):
    response = stack.get("/api/auth/user/", headers={"Origin": BROWSER_ORIGIN})
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response.headers["Access-Control-Allow-Origin"] == BROWSER_ORIGIN


def test_a_shopper_writing_to_the_catalog_is_a_403(stack, demo_shopper):
    response = stack.post("/api/categories/", {"name": "Hats"}, headers=demo_shopper)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert "Hats" not in [category["name"] for category in stack.get("/api/categories/").json()]


def test_an_unknown_product_id_is_a_404(stack):
    response = stack.get("/api/products/987654321/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.fixture
def browser(stack):
    """A cookie-keeping client that has logged in as the demo shopper."""
    with requests.Session() as session:
        response = session.post(
            f"{stack.url}/api/auth/login/",
            json={"username": "shopper", "password": "shopper-local-only"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        yield session


def test_login_sets_the_session_and_csrf_cookies(browser):
    assert browser.cookies.get("sessionid")
    assert browser.cookies.get("csrftoken")


def test_a_session_cookie_authenticates_a_safe_request(stack, browser):
    response = browser.get(f"{stack.url}/api/auth/user/", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "shopper"


def test_an_unsafe_request_by_cookie_without_the_csrf_header_is_a_403(stack, browser):
    response = browser.post(f"{stack.url}/api/auth/logout/", timeout=10)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert browser.get(f"{stack.url}/api/auth/user/", timeout=10).status_code == 200


def test_an_unsafe_request_by_cookie_with_the_csrf_header_succeeds(stack, browser):
    csrf = {"X-CSRFToken": browser.cookies["csrftoken"]}
    response = browser.post(f"{stack.url}/api/auth/logout/", headers=csrf, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == {"detail": "Successfully logged out."}


def test_the_eleventh_login_attempt_for_one_username_is_throttled(stack):
    stack.signup("throttled", password="right-password-1")
    for _ in range(10):
        wrong = stack.post("/api/auth/login/", {"username": "throttled", "password": "wrong!"})
        assert wrong.status_code == 400, wrong.text
    right = {"username": "throttled", "password": "right-password-1"}
    eleventh = stack.post("/api/auth/login/", right)
    assert eleventh.status_code == 429, eleventh.text
    assert int(eleventh.headers["Retry-After"]) > 0
    assert "detail" in eleventh.json()
