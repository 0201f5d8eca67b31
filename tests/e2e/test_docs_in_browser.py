"""The docs page in a real browser (Debian's headless Chromium, driven by Playwright) over
the stack `make run` starts: Swagger UI renders every operation of /api/schema/ and runs
"Try it out" against the API, all within the page's Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
RENDER_TIMEOUT_MS = 30_000
# Swagger UI's id of an operation: "operations-<tag>-<operationId>".
PRODUCT_LIST = "#operations-products-get_api_products"
# Pushes every CSP violation the page reports into a list the test reads. Added by the
# browser's debugging protocol, which the page's own policy does not restrict.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@dataclass
class DocsPage:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        reported: list[str] = self.page.evaluate("window.__cspViolations")
        logged = [text for text in self.console_errors if "Content Security Policy" in text]
        return reported + logged


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the docs page is tested in Debian's Chromium "
            "(apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def operation_count(stack: Any) -> int:
    paths = stack.get("/api/schema/").json()["paths"]
    return sum(len(methods) for methods in paths.values())


@pytest.fixture(scope="module")
def docs(browser: Any, stack: Any) -> Iterator[DocsPage]:
    """The docs page with Swagger UI rendered, opened once for the module (rendering the
    whole document takes seconds)."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    opened = DocsPage(page)
    page.on(
        "console",
        lambda message: (
            opened.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
    page.goto(f"{stack.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def product_list_response(docs: DocsPage) -> Any:
    """Try it out -> Execute on GET /api/products/ (two products, to keep the rendered
    response small); the rendered response row."""
    operation = docs.page.locator(PRODUCT_LIST)
    operation.locator(".opblock-summary-control").click()
    operation.locator("button.try-out__btn").click()
    operation.locator('tr[data-param-name="limit"] input').fill("2")
    operation.locator("button.execute").click()
    return operation.locator(".live-responses-table .response")


def test_every_operation_of_the_schema_is_rendered(docs, operation_count):
    from playwright.sync_api import expect

    expect(docs.page.locator(".opblock")).to_have_count(operation_count)


def test_try_it_out_on_the_product_list_shows_a_200(product_list_response):
    from playwright.sync_api import expect

    expect(product_list_response.locator(".response-col_status")).to_have_text("200")
    body = product_list_response.locator(".response-col_description")
    expect(body).to_contain_text('"name": "')  # the products, as JSON


def test_the_page_and_the_request_it_sends_break_no_content_security_policy_rule(
    docs, product_list_response
):
    from playwright.sync_api import expect

    expect(product_list_response.locator(".response-col_status")).to_have_text("200")
    assert docs.violations() == []
    assert docs.page_errors == []
