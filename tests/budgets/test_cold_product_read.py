"""A cold container whose first request reads a product loads the catalog's code and none
of the other resources' (users, sessions, carts, orders, ratings): each of those loads on
the first request that needs it. Runs the cold-start benchmark's own request, once for
the module."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.cold_start import APP
from chalicelib.domain.catalog import NewProduct

PROJECT_DIR = Path(__file__).resolve().parents[2]
MARKER = "loaded modules:"
LOOKUPS = "metadata lookups:"
# Counts the reads of installed distributions' metadata (entry points), which pydantic
# does on the first schema it builds unless its plugins are disabled.
COUNT_METADATA_LOOKUPS = """
import importlib.metadata
metadata_lookups = []
def _counted(lookup):
    def counted(*args, **kwargs):
        metadata_lookups.append(lookup.__name__)
        return lookup(*args, **kwargs)
    return counted
importlib.metadata.entry_points = _counted(importlib.metadata.entry_points)
importlib.metadata.distributions = _counted(importlib.metadata.distributions)
"""
REPORT = f"""
import sys
print({MARKER!r}, *sorted(sys.modules))
print({LOOKUPS!r}, *metadata_lookups)
"""
PLUGINS_SWITCH = "PYDANTIC_DISABLE_PLUGINS"
LAYERS = ("chalicelib.domain.", "chalicelib.services.", "chalicelib.store.", "chalicelib.schemas.")
OTHER_RESOURCES = {
    "accounts",
    "auth",
    "throttling",
    "users",
    "sessions",
    "login_attempts",
    "cart",
    "carts",
    "orders",
    "idempotency",
    "ratings",
}


@dataclass(frozen=True)
class ColdRead:
    modules: set[str]
    metadata_lookups: list[str]


@pytest.fixture(scope="module")
def cold_read(emulator: object) -> ColdRead:
    from emptied import empty_store

    from chalicelib.services import accounts, catalog

    empty_store(emulator)
    accounts.create_superuser("cold-staff", "cold-staff@example.com", "cold-password-1")
    category = catalog.create_category("Coats")
    fields = NewProduct(name="Parka", price=Decimal("120.00"), stock=3, category_id=category.id)
    product = catalog.create_product(fields)
    completed = subprocess.run(
        [sys.executable, "-c", COUNT_METADATA_LOOKUPS + APP.format(product_id=product.id) + REPORT],
        cwd=PROJECT_DIR,
        # As Lambda starts it: whatever this process's imports set in its environment
        # (the app disables pydantic's plugins) must come from the child's own imports.
        env={name: value for name, value in os.environ.items() if name != PLUGINS_SWITCH},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = completed.stdout.splitlines()
    (modules,) = [line.removeprefix(MARKER) for line in lines if line.startswith(MARKER)]
    (lookups,) = [line.removeprefix(LOOKUPS) for line in lines if line.startswith(LOOKUPS)]
    return ColdRead(set(modules.split()), lookups.split())


def test_a_cold_product_read_loads_the_catalog(cold_read):
    assert {"chalicelib.services.catalog", "chalicelib.store.products"} <= cold_read.modules


def test_a_cold_product_read_builds_no_pydantic_model(cold_read):
    # Defining a container's first model loads pydantic's field machinery (with
    # annotated_types), the largest cost of a cold read beyond the floor's imports.
    assert {"pydantic.fields", "chalicelib.schemas.catalog"} & cold_read.modules == set()


def test_a_cold_product_read_loads_no_code_of_other_resources(cold_read):
    others = {
        name
        for name in cold_read.modules
        if name.startswith(LAYERS) and name.rsplit(".", 1)[1] in OTHER_RESOURCES
    }
    assert others == set()


def test_a_cold_product_read_loads_neither_pillow_nor_the_multipart_parser(cold_read):
    assert {"PIL", "python_multipart", "multipart"} & cold_read.modules == set()


def test_a_cold_product_read_leaves_the_openapi_document_unbuilt(cold_read):
    assert "chalicelib.api.openapi" not in cold_read.modules


def test_a_cold_product_read_reads_no_installed_package_metadata(cold_read):
    # pydantic's plugin lookup reads every installed distribution's entry points.
    assert cold_read.metadata_lookups == []


def test_a_cold_product_read_without_cookies_leaves_the_cookie_parser_unloaded(cold_read):
    assert "http.cookies" not in cold_read.modules
