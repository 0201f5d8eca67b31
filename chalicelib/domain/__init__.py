"""Entities and pure rules."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What route modules may name through ``chalicelib.api.deferred.domain``, for the
    # type checker (at run time each module is imported on first use, see that module).
    from chalicelib.domain import (  # noqa: F401 (names for the type checker)
        accounts,
        cart,
        catalog,
        catalog_keys,
        changes,
        clock,
        entities,
        images,
        numbers,
        orders,
        passwords,
        ratings,
        references,
        storage,
        throttling,
        tokens,
    )
