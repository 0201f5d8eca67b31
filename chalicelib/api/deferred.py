"""The one way route modules defer their imports: schemas, services, domain modules (and
the few API modules that only some requests need) are loaded on first use rather than
when the app is imported.

A Lambda container imports app.py once per cold start, and every route module would
otherwise import every schema, service and repository of the API, although a request
needs only those of its own route. A route module therefore imports the *packages* from
here and names a module through them where it uses it::

    from chalicelib.api.deferred import schemas, services

    def get_product(call: Call, product_id: str) -> Response:
        product = services.catalog.get_product(path_id(product_id))

At run time ``services`` is a ``DeferredPackage``: ``services.catalog`` imports
``chalicelib.services.catalog`` on first access (under Python's import lock, so
concurrent first requests are safe), and later accesses are a lookup. Type checkers see
the real packages, whose ``__init__`` lists their modules for them, so ``services.catalog``
is checked like an import. ``tests/unit/test_deferred_imports.py`` imports every module
the route modules name this way.

The schemas a route declares for the OpenAPI document are named as text for the same
reason, and resolved only when the document is built: ``"catalog:ProductPublic"`` is
``ProductPublic`` of ``chalicelib.schemas.catalog`` (a module name without a dot is one of
``chalicelib.schemas``), and a full ``"package.module:Class"`` names any other module.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from types import ModuleType
from typing import Any

from chalicelib.deferred import DeferredPackage, api, domain, schemas, services

__all__ = ["api", "domain", "schemas", "services"]

SCHEMA_PACKAGE = "chalicelib.schemas"


def deferred_targets(module: ModuleType) -> list[str]:
    """The modules that ``module`` (a route module) names through a deferred package:
    those its routes load on their first requests."""
    packages = {
        name: value._name
        for name, value in vars(module).items()
        if isinstance(value, DeferredPackage)
    }
    found: dict[str, None] = {}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in packages
        ):
            found[f"{packages[node.value.id]}.{node.attr}"] = None
    return list(found)


def load_deferred(module: ModuleType) -> list[ModuleType]:
    """Import now every module that ``module`` (a route module) defers: what its routes
    would load on their first requests. Only SnapStart's set-up and the tests want that."""
    return [importlib.import_module(name) for name in deferred_targets(module)]


def resolve(reference: Any) -> Any:
    """A schema reference of a route: the class itself, or ``"module:Class"`` text that
    names it without importing it."""
    if not isinstance(reference, str):
        return reference
    module, _, attribute = reference.partition(":")
    if "." not in module:
        module = f"{SCHEMA_PACKAGE}.{module}"
    return getattr(importlib.import_module(module), attribute)
