"""Mirrors ``chalicelib.store.ratings``: ratings in ``table("ratings")`` by id, as
``Rating`` objects (one per product and user, as the DynamoDB table's key makes them),
their ``rating#<id>`` lookups in ``table("lookups")`` (``{"product_id", "user_id"}``),
and the ``rating_sum`` and ``rating_count`` of the ``Product`` rows in
``table("products")``, moved in the same units of work without moving the product's
version."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC
from functools import partial
from typing import Any

from chalicelib.domain.entities import Product, User
from chalicelib.domain.ratings import (
    Rating,
    RatingQuery,
    ScoreChange,
    score_of_new,
    score_of_removal,
    score_of_replacement,
)
from chalicelib.domain.storage import ConditionsFailed, Page, WriteConflict
from chalicelib.errors import NotFound
from chalicelib.local.memory import core
from chalicelib.local.memory.counters import next_id
from chalicelib.local.memory.pages import id_ordered_page
from chalicelib.local.memory.unit_of_work import UnitOfWork, unit_of_work
from chalicelib.store.models.ratings import RatingRecord
from chalicelib.store.pagination import key_types
from chalicelib.store.ratings import (
    AUTHOR,
    LOOKUP,
    PRODUCT,
    RATING,
    raise_for_rating_write,
    rating_asked,
    rating_lookup_key,
    to_record,
)

# The labels, keys and the decisions that read no table are the same in both stores.
__all__ = ["AUTHOR", "LOOKUP", "PRODUCT", "RATING", "rating_lookup_key"]

# The most deletes one BatchWriteItem carries.
_BATCH_WRITE_LIMIT = 25
# The LastEvaluatedKey of each index the list reads, which its cursors carry.
_BY_PRODUCT_KEY = key_types(RatingRecord, RatingRecord.by_product)
_BY_USER_KEY = key_types(RatingRecord, RatingRecord.by_user)
_BY_ID_KEY = key_types(RatingRecord, RatingRecord.by_id)


def _ratings() -> dict[int, Rating]:
    return core.table("ratings")


def _lookups() -> dict[str, dict[str, Any]]:
    return core.table("lookups")


def _products() -> dict[int, Product]:
    return core.table("products")


def _users() -> dict[int, User]:
    return core.table("users")


def _as_stored(rating: Rating) -> Rating:
    """What a put of ``rating`` stores: its times as DynamoDB reads them back."""
    return replace(
        rating,
        created_at=rating.created_at.astimezone(UTC),
        updated_at=rating.updated_at.astimezone(UTC),
    )


def _at(product_id: int, user_id: int) -> Rating | None:
    """The rating stored under the DynamoDB table's key, (product, user)."""
    return next(
        (
            rating
            for rating in _ratings().values()
            if rating.product_id == product_id and rating.user_id == user_id
        ),
        None,
    )


def new_rating_id() -> int:
    return next_id("rating")


def find_rating_of(product_id: int, user_id: int) -> Rating | None:
    """The user's rating of the product, as last written."""
    with core.call("GetItem"):
        return copy.copy(_at(product_id, user_id))


def get_rating(rating_id: int) -> Rating:
    """By id, with two reads: the lookup item, then the rating."""
    with core.call("GetItem"):
        where = copy.copy(_lookups().get(rating_lookup_key(rating_id)))
    if where is None or where.get("product_id") is None or where.get("user_id") is None:
        raise NotFound()
    current = find_rating_of(int(where["product_id"]), int(where["user_id"]))
    if current is None or current.id != rating_id:
        raise NotFound()
    return current


def _unchanged_id(rating: Rating) -> bool:
    stored = _at(rating.product_id, rating.user_id)
    return stored is not None and stored.id == rating.id


def _unchanged_since_read(rating: Rating) -> bool:
    stored = _at(rating.product_id, rating.user_id)
    return stored is not None and stored.id == rating.id and stored.version == rating.version


def _stage_author_check(work: UnitOfWork, user_id: int) -> None:
    # A user deleted meanwhile leaves no rating behind to skew the average.
    work.check(AUTHOR, lambda: user_id in _users())


def _stage_score(work: UnitOfWork, product_id: int, change: ScoreChange) -> None:
    """An ADD on the product's counters, only while it exists; its version stays."""

    def adjust() -> None:
        product = _products()[product_id]
        _products()[product_id] = replace(
            product,
            rating_sum=product.rating_sum + change.sum,
            rating_count=product.rating_count + change.count,
        )

    work.stage(PRODUCT, adjust, lambda: product_id in _products())


def add_rating(rating: Rating) -> Rating:
    """Write a first rating of this product by this user and count it on the product."""
    stored = _as_stored(rating)

    def put() -> None:
        _ratings()[stored.id] = stored

    def lookup() -> None:
        _lookups()[rating_lookup_key(stored.id)] = {
            "product_id": stored.product_id,
            "user_id": stored.user_id,
        }

    try:
        with unit_of_work() as work:
            _stage_author_check(work, rating.user_id)
            work.stage(RATING, put, lambda: _at(rating.product_id, rating.user_id) is None)
            work.stage(LOOKUP, lookup)
            _stage_score(work, rating.product_id, score_of_new(rating))
    except ConditionsFailed as failed:
        raise_for_rating_write(failed)
    return rating


def replace_rating(previous: Rating, updated: Rating) -> Rating:
    """Store a new value and comment, moving the product's sum by the difference."""
    written = _as_stored(updated)

    def unchanged() -> bool:
        # previous's id and version, on the item updated's key names (as in DynamoDB).
        stored = _at(updated.product_id, updated.user_id)
        return (
            stored is not None and stored.id == previous.id and stored.version == previous.version
        )

    def update() -> None:
        stored = _at(updated.product_id, updated.user_id)
        assert stored is not None
        _ratings()[stored.id] = replace(
            stored,
            rating=written.rating,
            comment=written.comment,
            username=written.username,
            updated_at=written.updated_at,
            version=written.version,
        )

    try:
        with unit_of_work() as work:
            _stage_author_check(work, updated.user_id)
            work.stage(RATING, update, unchanged)
            _stage_score(work, updated.product_id, score_of_replacement(previous, updated))
    except ConditionsFailed as failed:
        raise_for_rating_write(failed)
    return updated


def delete_rating(rating: Rating) -> None:
    """As the DynamoDB store's: the rating goes with its count, or alone when its product
    is already gone."""
    try:
        with unit_of_work() as work:
            work.stage(
                RATING,
                partial(_delete_at, rating.product_id, rating.user_id),
                lambda: _unchanged_since_read(rating),
            )
            work.stage(LOOKUP, partial(_forget_lookup, rating.id))
            _stage_score(work, rating.product_id, score_of_removal(rating))
    except ConditionsFailed as failed:
        if PRODUCT not in failed.labels:
            raise WriteConflict("the rating was changed meanwhile") from failed
        _delete_rating_of_deleted_product(rating)


def _forget_lookup(rating_id: int) -> None:
    _lookups().pop(rating_lookup_key(rating_id), None)


def _delete_at(product_id: int, user_id: int) -> None:
    """Delete whatever rating the DynamoDB table's key (product, user) holds."""
    stored = _at(product_id, user_id)
    if stored is not None:
        del _ratings()[stored.id]


def _delete_rating_of_deleted_product(rating: Rating) -> None:
    with core.call("DeleteItem"):
        # Already deleted by someone else (or replaced by another rating): done.
        if _unchanged_id(rating):
            _delete_at(rating.product_id, rating.user_id)
    # A lookup left behind would only lead to a 404 (get_rating checks the id).
    with core.call("DeleteItem"):
        _forget_lookup(rating.id)


def _page(
    scope: str, key_names: dict[str, str], query: RatingQuery, keep: Callable[[Rating], bool]
) -> Page[Rating]:
    return id_ordered_page(
        lambda: (rating for rating in _ratings().values() if keep(rating)),
        id_of=lambda rating: rating.id,
        record_of=to_record,
        scope=scope,
        key_names=key_names,
        limit=query.limit,
        cursor=query.cursor,
    )


def list_ratings(query: RatingQuery) -> Page[Rating]:
    """In id order: by product, by user, or all."""
    if query.product_id is not None and query.user_id is not None:
        return _rating_of_product_by_user(query)
    if query.product_id is not None:
        product_id = query.product_id
        return _page(
            f"ratings-product-{product_id}",
            _BY_PRODUCT_KEY,
            query,
            lambda rating: rating.product_id == product_id,
        )
    if query.user_id is not None:
        user_id = query.user_id
        return _page(
            f"ratings-user-{user_id}", _BY_USER_KEY, query, lambda rating: rating.user_id == user_id
        )
    return _page("ratings", _BY_ID_KEY, query, lambda rating: True)


def _rating_of_product_by_user(query: RatingQuery) -> Page[Rating]:
    """At most one rating: one GetItem, and never a next page (so no cursor is valid)."""
    found = find_rating_of(*rating_asked(query))
    return Page([found] if found else [], None)


def _ids_order(ratings: list[Rating]) -> list[Rating]:
    return sorted(ratings, key=lambda rating: rating.id)


def ratings_of_user(user_id: int) -> Iterator[Rating]:
    with core.call("Query"):
        found = _ids_order([copy.copy(r) for r in _ratings().values() if r.user_id == user_id])
    yield from found


def delete_ratings_of_product(product_id: int) -> None:
    """For a product that is already deleted: its sum and count went with it.

    Two batches, as the DynamoDB store's: the ratings' and the lookups', each sent when it
    holds 25 deletes and the rest at the end (the lookups' first)."""
    with core.call("Query"):
        found = _ids_order([r for r in _ratings().values() if r.product_id == product_id])
    ratings: list[Rating] = []
    lookups: list[Rating] = []

    def delete_ratings() -> None:
        with core.call("BatchWriteItem"):
            for rating in ratings:
                _delete_at(rating.product_id, rating.user_id)
        ratings.clear()

    def delete_lookups() -> None:
        with core.call("BatchWriteItem"):
            for rating in lookups:
                _forget_lookup(rating.id)
        lookups.clear()

    for rating in found:
        if len(ratings) == _BATCH_WRITE_LIMIT:
            delete_ratings()
        ratings.append(rating)
        if len(lookups) == _BATCH_WRITE_LIMIT:
            delete_lookups()
        lookups.append(rating)
    if lookups:
        delete_lookups()
    if ratings:
        delete_ratings()


def rename_author(user_id: int, username: str) -> None:
    """The author's new name on each of their ratings; their versions stay."""
    with core.call("Query"):
        found = _ids_order([r for r in _ratings().values() if r.user_id == user_id])
    for rating in found:
        with core.call("UpdateItem"):
            # Deleted meanwhile: nothing to rename.
            stored = _at(rating.product_id, rating.user_id)
            if stored is not None:
                _ratings()[stored.id] = replace(stored, username=username)
