"""Mirrors ``chalicelib.store.images``: image objects in ``table("images")`` by key, as
``(content, content_type)``."""

from __future__ import annotations

from chalicelib.errors import ServiceUnavailable
from chalicelib.local.memory import core
from chalicelib.store.images import (
    CACHE_CONTROL,
    CATEGORY_FOLDER,
    IMAGE_FOLDERS,
    PRODUCT_FOLDER,
    STORE_FAILED,
)

__all__ = ["CACHE_CONTROL", "CATEGORY_FOLDER", "IMAGE_FOLDERS", "PRODUCT_FOLDER", "STORE_FAILED"]


def put_image(key: str, content: bytes, content_type: str) -> None:
    """A failed put is the 503 the DynamoDB store answers for any S3 error."""
    try:
        with core.call("PutObject"):
            core.table("images")[key] = (bytes(content), content_type)
    except ServiceUnavailable as error:
        raise ServiceUnavailable(retry_after_seconds=2, detail=STORE_FAILED) from error


def delete_image(key: str) -> None:
    """Deleting a key that does not exist succeeds, as S3 does."""
    with core.call("DeleteObject"):
        core.table("images").pop(key, None)
