"""Modules imported on first use rather than when the app is imported.

A Lambda container imports app.py once per cold start, and every route module would
otherwise import every schema, service and repository of the API, although a request
needs only those of its own route. Route modules therefore refer to their schemas and
services through ``deferred(...)``; the first attribute access imports the module (under
Python's import lock, so concurrent first requests are safe) and later ones are a lookup.
Type checkers see the real modules through ``TYPE_CHECKING`` imports::

    if TYPE_CHECKING:
        from chalicelib.services import catalog
    else:
        catalog = deferred("chalicelib.services.catalog")

The schemas a route declares for the OpenAPI document are named as text for the same
reason, and resolved only when the document is built: ``"catalog:ProductPublic"`` is
``ProductPublic`` of ``chalicelib.schemas.catalog`` (a module name without a dot is one of
``chalicelib.schemas``), and a full ``"package.module:Class"`` names any other module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

SCHEMA_PACKAGE = "chalicelib.schemas"


class DeferredModule:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        return f"<deferred module {self._name}>"


def deferred(name: str) -> Any:
    return DeferredModule(name)


def load_deferred(module: ModuleType) -> list[ModuleType]:
    """Import now every module that ``module`` (a route module) defers: what its routes
    would load on their first requests. Only SnapStart's set-up wants that."""
    return [value._load() for value in vars(module).values() if isinstance(value, DeferredModule)]


def resolve(reference: Any) -> Any:
    """A schema reference of a route: the class itself, or ``"module:Class"`` text that
    names it without importing it."""
    if not isinstance(reference, str):
        return reference
    module, _, attribute = reference.partition(":")
    if "." not in module:
        module = f"{SCHEMA_PACKAGE}.{module}"
    return getattr(importlib.import_module(module), attribute)
