"""The DynamoDB store: PynamoDB models and the repositories that map them to domain values.

Use cases reach these modules through ``chalicelib.services.storage.store`` only."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What use cases may name through ``chalicelib.services.storage.store``, for the type
    # checker (at run time each module is imported on first use).
    from chalicelib.store import (  # noqa: F401 (names for the type checker)
        batch,
        carts,
        categories,
        counters,
        credentials,
        cursor_keys,
        deadline,
        failures,
        id_blocks,
        idempotency,
        images,
        login_attempts,
        models,
        orders,
        pagination,
        products,
        ratings,
        sessions,
        setup,
        unit_of_work,
        users,
    )
