"""Binding of the PynamoDB models to the tables of the current stage.

Table names carry a per-stage prefix that is known only once settings are read. A model
declares ``short_name`` and, in its ``Meta``, the table name ``unbound:<short name>``,
which DynamoDB refuses; every PynamoDB call of a model goes through
``ShopModel._get_connection``, which binds all models to the stage's tables first (and so
does ``shared_connection``, for transactions and batch reads). So no caller binds
anything, and a model can never talk to an unprefixed table. Binding is redone only when
the settings object changes (``config.reset_settings``); while it stays the same, the
check is one identity test.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from chalicelib.config import Settings, get_settings
from chalicelib.store import deadline
from chalicelib.timeouts import PYNAMODB_CLIENT_SETTINGS

# Before any model or connection creates a botocore session (see store.deadline).
deadline.install()


UNBOUND_PREFIX = "unbound:"


class ShopModel(Model):
    """A model whose table name is ``<TABLE_PREFIX><short_name>``."""

    short_name: ClassVar[str]

    @classmethod
    def _get_connection(cls) -> TableConnection:
        bind_models()
        return super()._get_connection()


_registry: list[type[ShopModel]] = []
_bound_to: Settings | None = None
_shared_connection: Connection | None = None
_bind_lock = threading.Lock()


def register(model: type[ShopModel]) -> type[ShopModel]:
    """Add a model to those ``bind_models`` points at the stage's tables. Model modules are
    imported on first use (see ``__init__``), so one may arrive after binding: it is bound
    at once."""
    if model.Meta.table_name != f"{UNBOUND_PREFIX}{model.short_name}":
        raise TypeError(f"{model.__name__}.Meta.table_name must be {UNBOUND_PREFIX}<short_name>")
    with _bind_lock:
        _registry.append(model)
        if _bound_to is not None:
            _bind(model, _bound_to)
    return model


def registered_models() -> list[type[ShopModel]]:
    return list(_registry)


def _bind(model: type[ShopModel], settings: Settings) -> None:
    model.Meta.table_name = settings.table_name(model.short_name)
    model.Meta.region = settings.aws_region
    model.Meta.host = settings.aws_endpoint_url
    # PynamoDB's defaults (15 s connect, 30 s read, 4 attempts) outlast the Lambda timeout.
    for name, value in PYNAMODB_CLIENT_SETTINGS.items():
        setattr(model.Meta, name, value)
    model._connection = None


def bind_models(settings: Settings | None = None) -> None:
    """Point every model at this stage's tables; cheap when already bound. Model calls do
    it themselves; scripts call it to read ``Meta.table_name`` before any call."""
    global _bound_to, _shared_connection
    settings = settings or get_settings()
    if _bound_to is settings:
        return
    with _bind_lock:
        for model in _registry:
            _bind(model, settings)
        _shared_connection = Connection(
            region=settings.aws_region, host=settings.aws_endpoint_url, **PYNAMODB_CLIENT_SETTINGS
        )
        _bound_to = settings


def shared_connection() -> Connection:
    """The connection for multi-table calls (transactions, batch reads), reused across
    requests so that a warm container does not build a new client each time."""
    bind_models()
    assert _shared_connection is not None
    return _shared_connection
