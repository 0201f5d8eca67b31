"""The one door from the use cases to their records: ``store``.

A use case names a repository through it, ``store.products.get_product(...)``, and never
imports a store module itself. At run time ``store`` is the DynamoDB store, the package
``chalicelib.store``, each module loaded on its first use (the deferred mechanism of
``chalicelib/deferred.py``, so a cold product read loads no cart or order code). The tests
of the service rules switch it to the in-memory store, ``chalicelib.local.memory``, with
``using_store``: its modules have the same names, functions and signatures
(``tests/unit/test_store_seam.py``) and pass the same repository contract suite
(``tests/contract/``), so the fake cannot drift from DynamoDB. The type checker is shown
``chalicelib.store``.

Both stores return and raise the values of ``chalicelib.domain.storage``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from chalicelib.deferred import DeferredPackage, retarget, target_of

DYNAMODB = "chalicelib.store"
IN_MEMORY = "chalicelib.local.memory"

_chosen = DeferredPackage(DYNAMODB)

if TYPE_CHECKING:
    from chalicelib import store
else:
    store = _chosen


def served_by() -> str:
    """The package that serves the use cases now: ``DYNAMODB`` or ``IN_MEMORY``."""
    return target_of(_chosen)


@contextmanager
def using_store(package: str) -> Iterator[None]:
    """Serve the use cases from the store ``package`` (``DYNAMODB`` or ``IN_MEMORY``) while
    the block runs."""
    previous = target_of(_chosen)
    retarget(_chosen, package)
    try:
        yield
    finally:
        retarget(_chosen, previous)
