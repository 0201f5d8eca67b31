"""Starting and stopping stacks: a second stack on the first one's emulator (signals: see
test_local_signals.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SEEDED_CATEGORIES = ["Jackets", "Shoes", "Accessories"]


@pytest.fixture(scope="module")
def second_stack(stack, start_stack):
    """Another API server on its own port, sharing the first stack's emulator."""
    running = start_stack(AWS_ENDPOINT_URL=stack.emulator_url)
    yield running
    running.assert_stops_cleanly()


def names(response):
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()]


def test_a_stack_given_an_emulator_starts_none_of_its_own(second_stack):
    assert "AWS emulator on" not in second_stack.output()
    assert not second_stack.moto_port_in_use()


def test_a_stack_given_a_seeded_emulator_does_not_seed_again(stack, second_stack):
    assert "Started with fresh demo data." not in second_stack.output()
    for server in (stack, second_stack):
        assert names(server.get("/api/categories/")) == SEEDED_CATEGORIES
        assert names(server.get("/api/products/?search=white+jacket")) == ["White Jacket"]


def test_a_product_created_through_one_server_is_visible_through_the_other(stack, second_stack):
    staff = second_stack.login("admin", "admin-local-only")
    jackets = second_stack.get("/api/categories/").json()[0]
    product = {"name": "Shared Jacket", "price": "99.00", "stock": 3, "category": jackets["id"]}
    created = second_stack.post("/api/products/", product, headers=staff)
    assert created.status_code == 201, created.text

    seen = stack.get(f"/api/products/{created.json()['id']}/")
    assert seen.status_code == 200, seen.text
    assert (seen.json()["name"], seen.json()["price"]) == ("Shared Jacket", "99.00")


def test_stopping_the_second_stack_leaves_the_shared_emulator_to_the_first(stack, second_stack):
    second_stack.assert_stops_cleanly()
    assert stack.get("/api/health/").json() == {"status": "ok"}
