"""A cold container whose first request reads a product loads the catalog's code and none
of the other resources' (users, sessions, carts, orders, ratings): each of those loads on
the first request that needs it. Runs the cold-start benchmark's own request."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.cold_start import APP

PROJECT_DIR = Path(__file__).resolve().parents[2]
MARKER = "loaded modules:"
LIST_MODULES = f"\nimport sys\nprint({MARKER!r}, *sorted(sys.modules))\n"
LAYERS = ("chalicelib.services.", "chalicelib.store.", "chalicelib.schemas.")
OTHER_RESOURCES = {
    "accounts",
    "auth",
    "users",
    "sessions",
    "login_attempts",
    "cart",
    "carts",
    "orders",
    "idempotency",
    "ratings",
}


@pytest.fixture
def loaded(store: None) -> set[str]:
    from chalicelib.services import accounts, catalog

    staff = accounts.create_superuser("cold-staff", "cold-staff@example.com", "cold-password-1")
    category = catalog.create_category(staff, {"name": "Coats"})
    fields = {"name": "Parka", "price": Decimal("120.00"), "stock": 3, "category": category.id}
    product = catalog.create_product(staff, fields)
    completed = subprocess.run(
        [sys.executable, "-c", APP.format(product_id=product.id) + LIST_MODULES],
        cwd=PROJECT_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [line for line in completed.stdout.splitlines() if line.startswith(MARKER)]
    return set(line.removeprefix(MARKER).split())


def test_a_cold_product_read_loads_the_catalog(loaded):
    assert {"chalicelib.services.catalog", "chalicelib.schemas.catalog"} <= loaded


def test_a_cold_product_read_loads_no_code_of_other_resources(loaded):
    others = {
        name
        for name in loaded
        if name.startswith(LAYERS) and name.rsplit(".", 1)[1] in OTHER_RESOURCES
    }
    assert others == set()


def test_a_cold_product_read_loads_neither_pillow_nor_the_multipart_parser(loaded):
    assert {"PIL", "python_multipart", "multipart"} & loaded == set()


def test_a_cold_product_read_leaves_the_openapi_document_unbuilt(loaded):
    assert "chalicelib.api.openapi" not in loaded
