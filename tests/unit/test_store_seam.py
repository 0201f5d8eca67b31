"""Use cases reach their records through one door, ``chalicelib.services.storage.store``,
which serves the DynamoDB store or the in-memory one. No service imports a store module
itself, and every repository function a service names exists in both stores with the
same signature (the contract suite, tests/contract/, holds their behaviour equal)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import chalicelib.services
from chalicelib.services.storage import DYNAMODB, IN_MEMORY

SERVICES = [
    importlib.import_module(f"chalicelib.services.{info.name}")
    for info in pkgutil.iter_modules(chalicelib.services.__path__)
]


def name_of(module: ModuleType) -> str:
    return module.__name__


def named_through_the_door(module: ModuleType) -> set[tuple[str, str]]:
    """``(module, name)`` for each ``store.<module>.<name>`` in ``module``'s source."""
    found = set()
    for node in ast.walk(ast.parse(Path(str(module.__file__)).read_text())):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "store"
        ):
            found.add((node.value.attr, node.attr))
    return found


NAMED = sorted(set().union(*(named_through_the_door(module) for module in SERVICES)))


@pytest.mark.parametrize("module", SERVICES, ids=name_of)
def test_no_service_imports_a_store_module(module: ModuleType) -> None:
    tree = ast.parse(Path(str(module.__file__)).read_text())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}

    assert not {name for name in imported if name.startswith("chalicelib.store")}


def test_the_services_name_the_store_through_the_door() -> None:
    assert ("products", "get_product") in NAMED and ("unit_of_work", "unit_of_work") in NAMED


@pytest.mark.parametrize("package", [DYNAMODB, IN_MEMORY])
@pytest.mark.parametrize(("module", "name"), NAMED, ids=lambda value: str(value))
def test_each_store_has_what_the_services_name(package: str, module: str, name: str) -> None:
    assert hasattr(importlib.import_module(f"{package}.{module}"), name)


@pytest.mark.parametrize(("module", "name"), NAMED, ids=lambda value: str(value))
def test_both_stores_take_the_same_arguments(module: str, name: str) -> None:
    dynamodb = getattr(importlib.import_module(f"{DYNAMODB}.{module}"), name)
    memory = getattr(importlib.import_module(f"{IN_MEMORY}.{module}"), name)

    if callable(dynamodb) and inspect.isfunction(dynamodb):
        assert list(inspect.signature(memory).parameters) == list(
            inspect.signature(dynamodb).parameters
        )
    else:
        assert memory == dynamodb
