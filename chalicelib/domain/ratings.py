"""Ratings: one per user and product, and what each change does to the product's score.

A product keeps the sum and the count of its ratings; its average is derived from them
(``Product.average_rating``). Every rating change is expressed as a ``ScoreChange`` that
is applied to the product in the same write as the rating itself, so the average is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.changes import UNSET, Maybe
from chalicelib.domain.entities import User

MIN_RATING = 1
MAX_RATING = 5
MAX_COMMENT_LENGTH = 5000


@dataclass(frozen=True)
class Rating:
    id: int
    product_id: int
    user_id: int
    username: str
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime
    # Raised by every change, so a write can insist that nothing changed since its read.
    version: int = 1


@dataclass(frozen=True)
class ScoreChange:
    """What to add to a product's ``rating_sum`` and ``rating_count``."""

    sum: int
    count: int


def score_of_new(rating: Rating) -> ScoreChange:
    return ScoreChange(rating.rating, 1)


def score_of_replacement(previous: Rating, updated: Rating) -> ScoreChange:
    return ScoreChange(updated.rating - previous.rating, 0)


def score_of_removal(rating: Rating) -> ScoreChange:
    return ScoreChange(-rating.rating, -1)


def revised(previous: Rating, rating: int, comment: str, at: datetime) -> Rating:
    """The same rating (id, author, creation time) with a new value and comment."""
    return replace(
        previous, rating=rating, comment=comment, updated_at=at, version=previous.version + 1
    )


@dataclass(frozen=True)
class RatingChanges:
    """``product_id`` may be sent back as it is, never changed (the use case checks)."""

    rating: Maybe[int] = UNSET
    comment: Maybe[str] = UNSET
    product_id: Maybe[int] = UNSET


def can_change_rating(actor: User, rating: Rating) -> bool:
    return actor.is_staff or actor.id == rating.user_id


@dataclass(frozen=True)
class RatingQuery:
    limit: int
    cursor: str | None = None
    product_id: int | None = None
    user_id: int | None = None
