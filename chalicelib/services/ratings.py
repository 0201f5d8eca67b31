"""Rating products: one rating per user per product, created or replaced, and changed
or deleted by its author or staff. Every write moves the product's score with it."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.changes import chosen
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import User
from chalicelib.domain.ratings import (
    Rating,
    RatingChanges,
    RatingQuery,
    can_change_rating,
    revised,
)
from chalicelib.domain.storage import Page
from chalicelib.errors import InvalidInput, PermissionDenied
from chalicelib.services.contention import retried
from chalicelib.services.storage import store

# Concurrent writers of one rating (or one product, on AWS) lose a condition or a
# transaction conflict (``WriteConflict``); each loser reads again and retries
# (``retried``: at least one writer wins each round, so ten writers at once all get through).
NOT_MOVABLE = "A rating cannot be moved to another product."


def rate(actor: User, product_id: int, rating: int, comment: str) -> tuple[Rating, bool]:
    """The caller's rating of the product, and whether it is new (else it replaced the
    caller's earlier one). At most three calls: the earlier rating, an id when new, and
    the transaction."""

    def attempt() -> tuple[Rating, bool]:
        previous = store.ratings.find_rating_of(product_id, actor.id)
        now = utc_now()
        if previous is None:
            new = Rating(
                id=store.ratings.new_rating_id(),
                product_id=product_id,
                user_id=actor.id,
                username=actor.username,
                rating=rating,
                comment=comment,
                created_at=now,
                updated_at=now,
            )
            return store.ratings.add_rating(new), True
        updated = replace(revised(previous, rating, comment, now), username=actor.username)
        return store.ratings.replace_rating(previous, updated), False

    return retried(attempt)


def get_rating(rating_id: int) -> Rating:
    return store.ratings.get_rating(rating_id)


def list_ratings(query: RatingQuery) -> Page[Rating]:
    return store.ratings.list_ratings(query)


def _changeable(actor: User, rating_id: int) -> Rating:
    current = store.ratings.get_rating(rating_id)
    if not can_change_rating(actor, current):
        raise PermissionDenied()
    return current


def update_rating(actor: User, rating_id: int, changes: RatingChanges) -> Rating:
    """The product may be sent back as it is, never changed (the rating belongs to it)."""

    def attempt() -> Rating:
        current = _changeable(actor, rating_id)
        if chosen(changes.product_id, current.product_id) != current.product_id:
            raise InvalidInput.on("product", NOT_MOVABLE)
        updated = revised(
            current,
            chosen(changes.rating, current.rating),
            chosen(changes.comment, current.comment),
            utc_now(),
        )
        return store.ratings.replace_rating(current, updated)

    return retried(attempt)


def delete_rating(actor: User, rating_id: int) -> None:
    def attempt() -> None:
        store.ratings.delete_rating(_changeable(actor, rating_id))

    retried(attempt)


def remove_ratings_of_user(user_id: int) -> None:
    """After the user is deleted: each rating goes and is uncounted from its product."""
    for rating in store.ratings.ratings_of_user(user_id):
        _remove(rating)


def _remove(rating: Rating) -> None:
    def attempt() -> None:
        current = store.ratings.find_rating_of(rating.product_id, rating.user_id)
        if current is not None and current.id == rating.id:
            store.ratings.delete_rating(current)

    retried(attempt)


def remove_ratings_of_product(product_id: int) -> None:
    """After the product is deleted (its score went with it)."""
    store.ratings.delete_ratings_of_product(product_id)


def rename_author(user_id: int, username: str) -> None:
    store.ratings.rename_author(user_id, username)
