"""Route modules name schemas, services and domain modules through the deferred packages
of ``chalicelib.deferred``, which import a module on its first use, and use cases name
the store's modules through ``services.storage.store``, one of them. Every module they
name must exist: a typo fails here, not on the first request that needs the module. And
route modules keep to their layer: none imports the store."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import chalicelib.api
import chalicelib.services
from chalicelib.api.deferred import DeferredPackage, deferred_targets

API_MODULES = [
    importlib.import_module(f"chalicelib.api.{info.name}")
    for info in pkgutil.iter_modules(chalicelib.api.__path__)
]
SERVICE_MODULES = [
    importlib.import_module(f"chalicelib.services.{info.name}")
    for info in pkgutil.iter_modules(chalicelib.services.__path__)
]
DEFERRING = [
    module
    for module in API_MODULES + SERVICE_MODULES
    if module.__name__ not in {"chalicelib.api.deferred", "chalicelib.services.storage"}
    and any(isinstance(value, DeferredPackage) for value in vars(module).values())
]
# responses.py turns storage failures into 503s: the one reader of the store's errors.
KEPT_FROM_THE_STORE = [m for m in API_MODULES if m.__name__ != "chalicelib.api.responses"]
PACKAGES = [
    "chalicelib.api",
    "chalicelib.domain",
    "chalicelib.schemas",
    "chalicelib.services",
    "chalicelib.store",
]


def name_of(module: ModuleType) -> str:
    return module.__name__


def imported_modules(module: ModuleType) -> set[str]:
    tree = ast.parse(Path(str(module.__file__)).read_text())
    names = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_the_route_modules_and_use_cases_defer_their_imports() -> None:
    assert {
        "chalicelib.api.products",
        "chalicelib.api.orders",
        "chalicelib.services.catalog",
    } <= {m.__name__ for m in DEFERRING}


@pytest.mark.parametrize("module", DEFERRING, ids=name_of)
def test_every_module_a_route_module_defers_imports(module: ModuleType) -> None:
    targets = deferred_targets(module)

    loaded = [importlib.import_module(target) for target in targets]

    assert targets and [m.__name__ for m in loaded] == targets


def test_a_misspelt_module_fails_on_first_use() -> None:
    services = DeferredPackage("chalicelib.services")

    with pytest.raises(ModuleNotFoundError):
        _ = services.catalgo


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_lists_every_module_for_the_type_checker(package: str) -> None:
    """What the type checker sees of ``services.catalog`` in a route module comes from
    this list; a module missing from it would be unchecked."""
    init = Path(importlib.import_module(package).__file__ or "")
    listed = {
        alias.name
        for node in ast.walk(ast.parse(init.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == package
        for alias in node.names
    }

    assert listed == {info.name for info in pkgutil.iter_modules([str(init.parent)])}


@pytest.mark.parametrize("module", KEPT_FROM_THE_STORE, ids=name_of)
def test_no_api_module_imports_the_store(module: ModuleType) -> None:
    assert not {name for name in imported_modules(module) if name.startswith("chalicelib.store")}
