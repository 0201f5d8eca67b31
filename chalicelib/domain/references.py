"""A field that names another record (a product's category, an order's products) by an id
that names nothing: a 400 on that field, in DRF's words."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.errors import InvalidInput


def no_such_object(pk: object) -> str:
    return f'Invalid pk "{pk}" - object does not exist.'


def unknown_reference(field: str, pks: Iterable[object]) -> InvalidInput:
    return InvalidInput({field: [no_such_object(pk) for pk in pks]})
