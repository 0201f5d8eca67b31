"""The HTTP layer: one blueprint per resource, and what they share."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What route modules may name through ``chalicelib.api.deferred.api``, for the type
    # checker (at run time each module is imported on first use, see that module).
    from chalicelib.api import (  # noqa: F401 (names for the type checker)
        auth,
        caching,
        cart,
        categories,
        cookies,
        cors,
        deferred,
        docs,
        health,
        http,
        logs,
        media,
        middleware,
        multipart,
        openapi,
        orders,
        pages,
        placing,
        preflight,
        products,
        ratings,
        responses,
        root,
        routing,
        schema,
        security,
        uploads,
        users,
    )
