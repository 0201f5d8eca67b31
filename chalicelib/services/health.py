from __future__ import annotations

from chalicelib.errors import ServiceUnavailable, ShopError
from chalicelib.services.storage import store

DATABASE_DOWN = "The database is not answering."


def check_database() -> None:
    """One cheap read. Whatever makes it fail (throttling, a missing table, no endpoint),
    the database does not answer, which is a 503 for whoever probes the service."""
    try:
        store.counters.peek("product")
    except ShopError:
        raise
    except Exception as error:
        raise ServiceUnavailable(detail=DATABASE_DOWN) from error
