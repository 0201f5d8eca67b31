"""SnapStart: Lambda initialises the function once per published version (importing
``app``), snapshots the container's memory, and starts later containers by restoring
copies of that snapshot.

On SnapStart only, the import therefore also does the set-up a product read would
otherwise pay for on each container's first request, as long as it needs no network:
importing the modules of the product routes, building their schemas, and creating the
DynamoDB clients (about 0.1 s each: a botocore session and the service model).

Whatever the snapshot holds, every restored copy shares, so nothing unique goes in:

- no credentials: the clients look theirs up when they first sign a request, after the
  restore (``store.credentials``);
- no connections: nothing is sent before the snapshot, and the pools of the clients made
  here are emptied before it and after every restore, so no copy reuses a socket;
- no random state: ``random`` (botocore's retry jitter, the services' backoff) is seeded
  again after every restore. ``secrets``, ``uuid4`` and ``os.urandom`` ask the kernel on
  every call and need nothing.

Without SnapStart nothing here runs, and a cold start loads only what
tests/unit/test_cold_imports.py allows.
"""

from __future__ import annotations

import os
import random
from typing import Any

from chalicelib.deferred import api, dynamodb, schemas

SNAP_START = "snap-start"

_prepared_clients: list[Any] = []


def requested() -> bool:
    """Whether Lambda is initialising this container to snapshot it."""
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == SNAP_START


def prepare_snapshot() -> None:
    # Part of Lambda's Python runtime (installed in .venv only for the tests).
    from snapshot_restore_py import register_after_restore, register_before_snapshot

    _load_product_routes()
    _prepared_clients.extend(_create_dynamodb_clients())
    register_before_snapshot(drop_pooled_connections)
    register_after_restore(after_restore)


def after_restore() -> None:
    random.seed()  # from os.urandom: every copy its own sequence
    drop_pooled_connections()


def drop_pooled_connections() -> None:
    """Empty the connection pools of the clients created before the snapshot; a client
    opens a new connection when it is next used."""
    for client in _prepared_clients:
        client.close()


def prepared_clients() -> list[Any]:
    return list(_prepared_clients)


def _load_product_routes() -> None:
    # The routes' services and schemas, then what those services defer: the store's
    # repositories and table models.
    for module in api.deferred.load_deferred(api.products):
        api.deferred.load_deferred(module)
    # Product responses are plain dicts (api/products.py); the list's filters are a model.
    schemas.queries.ProductListQuery.model_rebuild(force=True)  # what ``defer_build`` leaves


def _create_dynamodb_clients() -> list[Any]:
    """One client per table model, and the shared connection's (batch reads and
    transactions), all pointed at this stage's tables."""
    models = dynamodb.models
    # The first call of a model binds every model to the stage's tables.
    connections = [model._get_connection().connection for model in models.all_models()]
    connections.append(models.shared_connection())
    return dynamodb.credentials.build_clients_with_deferred_credentials(connections)
