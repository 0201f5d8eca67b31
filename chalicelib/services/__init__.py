"""Use cases: signup, login, create_product ... (no HTTP, no PynamoDB)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What route modules may name through ``chalicelib.api.deferred.services``, for the
    # type checker (at run time each module is imported on first use, see that module).
    from chalicelib.services import (  # noqa: F401 (names for the type checker)
        accounts,
        auth,
        cart,
        catalog,
        contention,
        health,
        images,
        orders,
        ratings,
        storage,
    )
