"""The Swagger UI files the docs page serves are those of the pinned drf-spectacular-sidecar
(requirements-dev.txt), unchanged: bumping the pin without copying its files fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from chalicelib.api.docs import ASSET_DIRECTORY, ASSET_TYPES

# What is copied from the package; docs.js is the page's own start-up code.
COPIED = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE")


def pinned_swagger_ui() -> Path:
    # find_spec locates the package without importing it (its __init__ imports Django).
    spec = importlib.util.find_spec("drf_spectacular_sidecar")
    assert spec is not None and spec.submodule_search_locations, (
        "drf-spectacular-sidecar is missing: pip install -r requirements-dev.txt"
    )
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist"


@pytest.mark.parametrize("name", COPIED)
def test_the_shipped_file_is_the_pinned_packages(name):
    source = pinned_swagger_ui() / name
    assert (ASSET_DIRECTORY / name).read_bytes() == source.read_bytes(), (
        f"chalicelib/api/docs_assets/{name} differs from the pinned package's: "
        f"cp {source} {ASSET_DIRECTORY}/"
    )


def test_every_served_asset_ships_with_the_code():
    assert all((ASSET_DIRECTORY / name).is_file() for name in ASSET_TYPES)


def test_nothing_but_the_served_files_and_the_licence_ships():
    shipped = {path.name for path in ASSET_DIRECTORY.iterdir()}
    assert shipped == set(ASSET_TYPES) | {"LICENSE"}
