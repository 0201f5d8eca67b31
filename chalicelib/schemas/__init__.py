"""Pydantic request and response models."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What route modules may name through ``chalicelib.api.deferred.schemas``, for the
    # type checker (at run time each module is imported on first use, see that module).
    from chalicelib.schemas import (  # noqa: F401 (names for the type checker)
        auth,
        base,
        cart,
        catalog,
        common,
        orders,
        queries,
        ratings,
        users,
        validation,
    )
