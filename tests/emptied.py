"""Emptying the tests' store between tests, and putting back what a test started from:
the emulator's tables and bucket, or the in-memory store's tables when that serves."""

from __future__ import annotations

import copy
from collections.abc import Callable


def empty_store(emulator: object) -> None:
    """Leave the stage's tables and bucket in place, empty. Emptying them in the emulator's
    memory (it runs in this process) takes microseconds; a reset and ten new tables take
    about half a second, which set up once per test dominated the run. When a test
    removed a table or the bucket, everything is reset and created again."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    from chalicelib.config import get_settings
    from chalicelib.store.models import all_models, bind_models
    from chalicelib.store.setup import create_bucket, create_tables

    settings = get_settings()
    bind_models()
    tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region].tables
    buckets = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets
    wanted = {model.Meta.table_name for model in all_models()}
    if wanted <= set(tables) and settings.media_bucket in buckets:
        for table in tables.values():
            table.items.clear()
        bucket = buckets[settings.media_bucket]
        for key in list(bucket.keys):
            del bucket.keys[key]
        return
    emulator.reset()  # type: ignore[attr-defined]
    create_tables()
    create_bucket()


def empty_served_store(emulator: Callable[[], object]) -> None:
    """Empty whichever store serves the use cases now (``emulator`` gives the emulator,
    started only when the DynamoDB store serves)."""
    from chalicelib.local.memory import core
    from chalicelib.services.storage import IN_MEMORY, served_by

    if served_by() == IN_MEMORY:
        core.reset()
    else:
        empty_store(emulator())


def saved_store() -> Callable[[], None]:
    """Save what the stage's tables and bucket hold now; the function returned puts it
    back, in the emulator's memory (or the in-memory store's, when that serves): a test
    that runs a use case many times from the same data prepares that data once."""
    from chalicelib.local.memory import core
    from chalicelib.services.storage import IN_MEMORY, served_by

    if served_by() == IN_MEMORY:
        return core.saved()
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    from chalicelib.config import get_settings

    settings = get_settings()
    tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region].tables
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    bucket = s3.buckets[settings.media_bucket]
    items = {name: copy.deepcopy(table.items) for name, table in tables.items()}
    objects = {
        key: (bucket.keys[key].value, dict(bucket.keys[key].metadata)) for key in bucket.keys
    }

    def restore() -> None:
        for name, saved in items.items():
            tables[name].items = copy.deepcopy(saved)
        for key in list(bucket.keys):
            if key not in objects:
                del bucket.keys[key]
        for key, (value, metadata) in objects.items():
            if key not in bucket.keys:
                restored = s3.put_object(settings.media_bucket, key, value)
                restored.set_metadata(metadata, replace=True)  # its Content-Type among them

    return restore
