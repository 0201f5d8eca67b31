"""Ratings, written together with their product's ``rating_sum`` and ``rating_count``.

Every write is one unit of work: the rating (conditional on it being new, or on its
version being the one read) and an ``ADD`` on the product (conditional on the product
existing, so that a rating never recreates a deleted product; by ``adjust``, so it leaves
the product's version alone). The average therefore stays exact however many users rate
one product at once. A rating changed meanwhile, or a transaction that another one held
up, raises ``WriteConflict``: the use case reads again and retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NoReturn

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import Index

from chalicelib.domain.ratings import (
    Rating,
    RatingQuery,
    ScoreChange,
    score_of_new,
    score_of_removal,
    score_of_replacement,
)
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.store.counters import next_id
from chalicelib.store.models.accounts import LookupRecord, UserRecord
from chalicelib.store.models.catalog import ProductRecord
from chalicelib.store.models.ratings import RATING_SCOPE, RatingRecord
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.unit_of_work import ConditionsFailed, condition_failed, unit_of_work

# Labels of the unit of work's actions.
AUTHOR, RATING, LOOKUP, PRODUCT = "author", "rating", "lookup", "product"


def to_rating(record: RatingRecord) -> Rating:
    return Rating(
        id=int(record.id),
        product_id=int(record.product_id),
        user_id=int(record.user_id),
        username=record.username,
        rating=int(record.rating),
        comment=record.comment,
        created_at=record.created_at,
        updated_at=record.updated_at,
        version=int(record.version or 1),
    )


def to_record(rating: Rating) -> RatingRecord:
    return RatingRecord(
        rating.product_id,
        rating.user_id,
        id=rating.id,
        scope=RATING_SCOPE,
        username=rating.username,
        rating=rating.rating,
        comment=rating.comment,
        created_at=rating.created_at,
        updated_at=rating.updated_at,
        version=rating.version,
    )


def new_rating_id() -> int:
    return next_id("rating")


def find_rating_of(product_id: int, user_id: int) -> Rating | None:
    """The user's rating of the product, as last written (strongly consistent)."""
    try:
        return to_rating(RatingRecord.get(product_id, user_id, consistent_read=True))
    except DoesNotExist:
        return None


def rating_lookup_key(rating_id: int) -> str:
    return f"rating#{rating_id}"


def to_lookup(rating: Rating) -> LookupRecord:
    """Where the rating with this id is: its table key, for reads by id that must see the
    latest write (an index may not have it yet)."""
    return LookupRecord(
        rating_lookup_key(rating.id), product_id=rating.product_id, user_id=rating.user_id
    )


def get_rating(rating_id: int) -> Rating:
    """By id, with two strongly consistent reads: the lookup item, then the rating."""
    try:
        where = LookupRecord.get(rating_lookup_key(rating_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound() from None
    if where.product_id is None or where.user_id is None:
        raise NotFound()
    current = find_rating_of(int(where.product_id), int(where.user_id))
    if current is None or current.id != rating_id:
        raise NotFound()
    return current


def _unchanged_since_read(rating: Rating) -> Condition:
    return (RatingRecord.id == rating.id) & (RatingRecord.version == rating.version)


def _score_actions(change: ScoreChange) -> list[Action]:
    return [ProductRecord.rating_sum.add(change.sum), ProductRecord.rating_count.add(change.count)]


def raise_for_rating_write(failed: ConditionsFailed) -> NoReturn:
    """The answer to a cancelled rating write: its product or author is gone (``NotFound``),
    else the rating changed since it was read."""
    if failed.labels & {PRODUCT, AUTHOR}:
        raise NotFound() from failed
    raise WriteConflict("the rating was changed meanwhile") from failed


def add_rating(rating: Rating) -> Rating:
    """Write a first rating of this product by this user and count it on the product."""
    try:
        with unit_of_work() as work:
            # A user deleted meanwhile leaves no rating behind to skew the average.
            work.check(AUTHOR, UserRecord, rating.user_id, UserRecord.id.exists())
            work.put(RATING, to_record(rating), RatingRecord.id.does_not_exist())
            work.put(LOOKUP, to_lookup(rating))
            work.adjust(
                PRODUCT,
                ProductRecord(rating.product_id),
                _score_actions(score_of_new(rating)),
                ProductRecord.id.exists(),
            )
    except ConditionsFailed as failed:
        raise_for_rating_write(failed)
    return rating


def replace_rating(previous: Rating, updated: Rating) -> Rating:
    """Store a new value and comment, moving the product's sum by the difference."""
    try:
        with unit_of_work() as work:
            work.check(AUTHOR, UserRecord, updated.user_id, UserRecord.id.exists())
            work.update(
                RATING,
                RatingRecord(updated.product_id, updated.user_id),
                [
                    RatingRecord.rating.set(updated.rating),
                    RatingRecord.comment.set(updated.comment),
                    RatingRecord.username.set(updated.username),
                    RatingRecord.updated_at.set(updated.updated_at),
                    RatingRecord.version.set(updated.version),
                ],
                _unchanged_since_read(previous),
            )
            work.adjust(
                PRODUCT,
                ProductRecord(updated.product_id),
                _score_actions(score_of_replacement(previous, updated)),
                ProductRecord.id.exists(),
            )
    except ConditionsFailed as failed:
        raise_for_rating_write(failed)
    return updated


def delete_rating(rating: Rating) -> None:
    """Remove the rating and uncount it; when its product is already gone there is
    nothing to uncount, and the rating goes alone."""
    try:
        with unit_of_work() as work:
            work.delete(
                RATING,
                RatingRecord(rating.product_id, rating.user_id),
                _unchanged_since_read(rating),
            )
            work.delete(LOOKUP, LookupRecord(rating_lookup_key(rating.id)))
            work.adjust(
                PRODUCT,
                ProductRecord(rating.product_id),
                _score_actions(score_of_removal(rating)),
                ProductRecord.id.exists(),
            )
    except ConditionsFailed as failed:
        if PRODUCT not in failed.labels:
            raise WriteConflict("the rating was changed meanwhile") from failed
        _delete_rating_of_deleted_product(rating)


def _delete_rating_of_deleted_product(rating: Rating) -> None:
    try:
        RatingRecord(rating.product_id, rating.user_id).delete(
            condition=RatingRecord.id == rating.id
        )
    except DeleteError as error:
        # Already deleted by someone else: done.
        if not condition_failed(error):
            raise
    # A lookup left behind would only lead to a 404 (get_rating checks the id).
    LookupRecord(rating_lookup_key(rating.id)).delete()


def list_ratings(query: RatingQuery) -> Page[Rating]:
    """In id order: by product on the local index, by user or in all on a global one."""
    if query.product_id is not None and query.user_id is not None:
        return _rating_of_product_by_user(query)
    index: Index[Any]
    hash_value: int | str
    if query.product_id is not None:
        index, hash_value = RatingRecord.by_product, query.product_id
        scope = f"ratings-product-{query.product_id}"
    elif query.user_id is not None:
        index, hash_value = RatingRecord.by_user, query.user_id
        scope = f"ratings-user-{query.user_id}"
    else:
        index, hash_value, scope = RatingRecord.by_id, RATING_SCOPE, "ratings"
    return query_page(
        RatingRecord,
        index,
        hash_value,
        convert=to_rating,
        scope=scope,
        limit=query.limit,
        cursor=query.cursor,
    )


def _rating_of_product_by_user(query: RatingQuery) -> Page[Rating]:
    """At most one rating: one GetItem, and never a next page (so no cursor is valid)."""
    found = find_rating_of(*rating_asked(query))
    return Page([found] if found else [], None)


def rating_asked(query: RatingQuery) -> tuple[int, int]:
    """The product and user ids of the one rating a query by both asks for, which has no
    next page (so no cursor is valid)."""
    if query.cursor is not None:
        raise InvalidInput.on("cursor", "Invalid cursor.")
    assert query.product_id is not None and query.user_id is not None
    return query.product_id, query.user_id


def ratings_of_user(user_id: int) -> Iterator[Rating]:
    for record in RatingRecord.by_user.query(user_id):
        yield to_rating(record)


def delete_ratings_of_product(product_id: int) -> None:
    """For a product that is already deleted: its sum and count went with it."""
    with RatingRecord.batch_write() as batch, LookupRecord.batch_write() as lookups:
        for record in RatingRecord.by_product.query(product_id, consistent_read=True):
            batch.delete(RatingRecord(record.product_id, record.user_id))
            lookups.delete(LookupRecord(rating_lookup_key(int(record.id))))


def rename_author(user_id: int, username: str) -> None:
    for record in RatingRecord.by_user.query(user_id):
        try:
            RatingRecord(record.product_id, record.user_id).update(
                actions=[RatingRecord.username.set(username)],
                condition=RatingRecord.user_id.exists(),
            )
        except UpdateError as error:
            # Deleted meanwhile: nothing to rename.
            if not condition_failed(error):
                raise
