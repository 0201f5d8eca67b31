"""The requests of the performance budget table, and how many DynamoDB calls each may make.

"+auth" rows may make one more call, for the session lookup of an authenticated request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scenario:
    label: str
    method: str
    path: str
    budget: int
    authenticated: bool = False
    body: dict[str, Any] | None = None

    @property
    def allowed_calls(self) -> int:
        return self.budget + (1 if self.authenticated else 0)

    @property
    def budget_text(self) -> str:
        return f"{self.budget} +auth" if self.authenticated else str(self.budget)


def budget_scenarios(product_id: int, category_id: int, login: dict[str, str]) -> list[Scenario]:
    return [
        Scenario("GET /api/products/{id}/", "GET", f"/api/products/{product_id}/", 1),
        Scenario("GET /api/categories/{id}/", "GET", f"/api/categories/{category_id}/", 1),
        Scenario("GET /api/categories/", "GET", "/api/categories/", 1),
        Scenario("GET /api/products/?limit=20", "GET", "/api/products/?limit=20", 1),
        Scenario(
            "GET /api/categories/{id}/products/?limit=20",
            "GET",
            f"/api/categories/{category_id}/products/?limit=20",
            2,
        ),
        Scenario("POST /api/auth/login/", "POST", "/api/auth/login/", 3, body=login),
        Scenario("GET /api/cart/items/", "GET", "/api/cart/items/", 2, authenticated=True),
        Scenario(
            "POST /api/cart/add_item/",
            "POST",
            "/api/cart/add_item/",
            3,
            authenticated=True,
            body={"product_id": product_id, "quantity": 1},
        ),
        Scenario(
            "POST /api/cart/update_quantity/",
            "POST",
            "/api/cart/update_quantity/",
            3,
            authenticated=True,
            body={"product_id": product_id, "quantity": 2},
        ),
        Scenario(
            "POST /api/cart/checkout/ (one line)",
            "POST",
            "/api/cart/checkout/",
            5,
            authenticated=True,
            body={"shipping_address": "1 Test Street"},
        ),
        Scenario("GET /api/orders/", "GET", "/api/orders/", 1, authenticated=True),
        Scenario(
            "POST /api/products/{id}/rate/",
            "POST",
            f"/api/products/{product_id}/rate/",
            3,
            authenticated=True,
            body={"rating": 5, "comment": "Great"},
        ),
    ]
