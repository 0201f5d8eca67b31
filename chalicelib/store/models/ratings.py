from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex

from .attributes import TimestampAttribute
from .base import ShopModel, register

RATING_SCOPE = "R"


class RatingsByProduct(LocalSecondaryIndex["RatingRecord"]):
    """A product's ratings in id order (``?product=``, and the sweep when a product is
    deleted). Local, so it can be read strongly consistently."""

    class Meta:
        index_name = "ratings_by_product"
        projection = AllProjection()

    product_id = NumberAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


class RatingsByUser(GlobalSecondaryIndex["RatingRecord"]):
    """A user's ratings in id order (``?user=``, renames and the sweep when a user is
    deleted)."""

    class Meta:
        index_name = "ratings_by_user"
        projection = AllProjection()

    user_id = NumberAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


class RatingsById(GlobalSecondaryIndex["RatingRecord"]):
    """Every rating in id order (the unfiltered list), and the lookup of one rating by id."""

    class Meta:
        index_name = "ratings_by_id"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


@register
class RatingRecord(ShopModel):
    """Keyed by product and user: one rating per user per product, and the caller's
    earlier rating of a product is one GetItem."""

    short_name = "ratings"

    class Meta:
        table_name = "unbound:ratings"

    product_id = NumberAttribute(hash_key=True)
    user_id = NumberAttribute(range_key=True)
    id = NumberAttribute()
    scope = UnicodeAttribute(default=RATING_SCOPE)
    # A copy of the author's username, rewritten when the user is renamed, so that a page
    # of ratings needs no read of the users table.
    username = UnicodeAttribute()
    rating = NumberAttribute()
    comment = UnicodeAttribute(default="")
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = NumberAttribute(default=1)

    by_product = RatingsByProduct()
    by_user = RatingsByUser()
    by_id = RatingsById()
