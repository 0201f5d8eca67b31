"""The one mechanism that defers an import: a package whose modules load on first use.

``DeferredPackage("chalicelib.services").catalog`` imports ``chalicelib.services.catalog``
on first access (under Python's import lock, so concurrent first requests are safe); later
accesses are a lookup in ``sys.modules``. Route modules reach their layers this way
(``chalicelib/api/deferred.py``) and use cases reach the store this way
(``chalicelib/services/storage.py``), so a cold request loads only what it uses. Type
checkers are shown the real package instead, whose ``__init__`` lists its modules.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING


class DeferredPackage:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, module: str) -> ModuleType:
        if module.startswith("_"):
            raise AttributeError(module)
        return importlib.import_module(f"{self._name}.{module}")

    def __repr__(self) -> str:
        return f"<deferred package {self._name}>"


if TYPE_CHECKING:
    from chalicelib import api, domain, schemas, services
    from chalicelib import store as dynamodb
else:
    api = DeferredPackage("chalicelib.api")  # the API's modules that few requests need
    domain = DeferredPackage("chalicelib.domain")
    schemas = DeferredPackage("chalicelib.schemas")
    services = DeferredPackage("chalicelib.services")
    # The DynamoDB store's own modules, for what only it has: the translation of a failed
    # AWS call, SnapStart's clients. Use cases reach their records through
    # ``services.storage.store``, which may serve another store.
    dynamodb = DeferredPackage("chalicelib.store")


def retarget(package: DeferredPackage, name: str) -> None:
    """Make ``package`` name the modules of the package ``name`` from now on: the one
    switch between stores (``services.storage.using_store``)."""
    package._name = name


def target_of(package: DeferredPackage) -> str:
    return package._name
