"""What a cold Lambda container loads when it imports the app: the routes and the code that
every request shares, and none of any resource's schemas, services or repositories, which
load on the first request that needs them (a machine-independent proxy for the cold-start
budget)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
LIST_MODULES = "import app, sys; print('\\n'.join(sorted(sys.modules)))"
# Shared by every route: reading a body into a schema, whichever schema it is.
SHARED_SCHEMA_MODULES = {"chalicelib.schemas", "chalicelib.schemas.validation"}


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", LIST_MODULES],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(completed.stdout.split())


def under(package: str, modules: set[str]) -> set[str]:
    return {name for name in modules if name == package or name.startswith(package + ".")}


def test_the_app_registers_its_routes_when_imported(loaded):
    assert {"chalicelib.api.products", "chalicelib.api.orders"} <= loaded


def test_importing_the_app_loads_no_service(loaded):
    assert under("chalicelib.services", loaded) == set()


def test_importing_the_app_loads_no_repository_or_table_model(loaded):
    assert under("chalicelib.store", loaded) == set()


def test_importing_the_app_loads_no_resource_schema(loaded):
    assert under("chalicelib.schemas", loaded) <= SHARED_SCHEMA_MODULES


def test_importing_the_app_loads_neither_pillow_nor_the_multipart_parser(loaded):
    heavy = under("PIL", loaded) | under("multipart", loaded) | under("python_multipart", loaded)
    assert heavy == set()


def test_importing_the_app_does_not_load_boto3(loaded):
    assert under("boto3", loaded) == set()


def test_importing_the_app_defines_no_pydantic_model(loaded):
    # A model class with fields loads pydantic.fields, which brings the constraint types
    # (annotated_types, pydantic.types): a cost only the requests that use a schema pay.
    assert {"pydantic.fields", "annotated_types", "pydantic.types"} & loaded == set()


def test_importing_the_app_leaves_the_cookie_parser_unloaded(loaded):
    assert "http.cookies" not in loaded


def test_importing_the_app_leaves_the_openapi_document_unbuilt(loaded):
    assert "chalicelib.api.openapi" not in loaded
