from __future__ import annotations

from typing import Annotated

from pydantic import Field

from chalicelib.domain.ratings import (
    MAX_COMMENT_LENGTH,
    MAX_RATING,
    MIN_RATING,
    Rating,
    RatingChanges,
    RatingQuery,
)
from chalicelib.schemas.base import Schema, sent
from chalicelib.schemas.common import Integer, Text, Timestamp
from chalicelib.schemas.queries import PageQuery

Score = Annotated[Integer, Field(ge=MIN_RATING, le=MAX_RATING)]
Comment = Annotated[Text, Field(max_length=MAX_COMMENT_LENGTH)]
ObjectId = Annotated[Integer, Field(ge=1)]


class RateProduct(Schema):
    """``POST /api/products/{id}/rate/``."""

    rating: Score
    comment: Comment = ""


class RatingCreate(RateProduct):
    product: ObjectId


class RatingReplace(RateProduct):
    """PUT: ``product`` may be sent back as it is, never changed."""

    product: ObjectId | None = None


class RatingPatch(Schema):
    rating: Score | None = None
    comment: Comment | None = None
    product: ObjectId | None = None


def rating_changes(update: RatingReplace | RatingPatch) -> RatingChanges:
    return RatingChanges(
        rating=sent(update, "rating", update.rating),
        comment=sent(update, "comment", update.comment),
        product_id=sent(update, "product", update.product),
    )


class RatingPublic(Schema):
    id: int
    product: int
    user: int
    username: str
    rating: int
    comment: str
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, rating: Rating) -> RatingPublic:
        return cls(
            id=rating.id,
            product=rating.product_id,
            user=rating.user_id,
            username=rating.username,
            rating=rating.rating,
            comment=rating.comment,
            created_at=rating.created_at,
            updated_at=rating.updated_at,
        )


class RatingListQuery(PageQuery):
    product: Annotated[Integer, Field(ge=1)] | None = None
    user: Annotated[Integer, Field(ge=1)] | None = None

    def to_query(self) -> RatingQuery:
        return RatingQuery(
            limit=self.limit, cursor=self.cursor, product_id=self.product, user_id=self.user
        )
