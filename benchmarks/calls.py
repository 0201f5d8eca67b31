"""DynamoDB calls per HTTP request, measured through the whole app (routing, middleware,
authentication) against an emulator."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from benchmarks.call_counter import EmulatorCallCounter
from benchmarks.scenarios import Scenario, budget_scenarios

CATALOG_SIZE = 45
PASSWORD = "bench-password-1"


@dataclass
class Measurement:
    scenario: Scenario
    calls: Counter[str] | None  # None: the route is not served yet
    status: int | None = None

    @property
    def total(self) -> int | None:
        return None if self.calls is None else sum(self.calls.values())

    @property
    def within_budget(self) -> bool:
        return self.total is None or self.total <= self.scenario.allowed_calls


def _fill_catalog() -> tuple[int, int]:
    from chalicelib.domain.accounts import NewUser
    from chalicelib.domain.catalog import NewProduct
    from chalicelib.services import accounts, catalog

    accounts.create_superuser("bench-staff", "bench-staff@example.com", PASSWORD)
    accounts.signup(NewUser(username="bench", email="bench@example.com", password=PASSWORD))
    category = catalog.create_category("Benchmark")
    first = None
    for number in range(CATALOG_SIZE):
        product = catalog.create_product(
            NewProduct(
                name=f"Product {number:03d}",
                price=Decimal(10 + number),
                stock=1000,
                category_id=category.id,
            )
        )
        first = first or product.id
    assert first is not None
    return first, category.id


def _is_served(app: object, path: str) -> bool:
    from chalice.local import RouteMatcher

    try:
        RouteMatcher(list(app.routes)).match_route(path.split("?")[0])  # type: ignore[attr-defined]
    except ValueError:
        return False
    return True


def measure_calls(emulator_url: str) -> list[Measurement]:
    """Needs empty tables behind ``emulator_url`` for the current stage."""
    from chalice.test import Client

    from app import app

    product_id, category_id = _fill_catalog()
    counter = EmulatorCallCounter(emulator_url)
    login = {"username": "bench", "password": PASSWORD}
    measurements = []
    with Client(app, stage_name="test") as client:
        token = json.loads(
            client.http.post(
                "/api/auth/login/",
                headers={"Content-Type": "application/json"},
                body=json.dumps(login),
            ).body
        )["token"]
        for scenario in budget_scenarios(product_id, category_id, login):
            if not _is_served(app, scenario.path):
                measurements.append(Measurement(scenario, None))
                continue
            headers = {"Content-Type": "application/json"}
            if scenario.authenticated:
                headers["Authorization"] = f"Token {token}"
            body = json.dumps(scenario.body).encode() if scenario.body is not None else b""
            counter.start()
            response = client.http.request(
                scenario.method, scenario.path, headers=headers, body=body
            )
            measurements.append(Measurement(scenario, counter.stop(), response.status_code))
    return measurements
