from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from .attributes import DecimalAttribute, TimestampAttribute
from .base import ShopModel, register

CATEGORY_SCOPE = "C"
PRODUCT_SCOPE = "P"
# ``stock_state`` of a product: whether it has stock to sell (stock > 0) or not.
IN_STOCK, OUT_OF_STOCK = "in", "out"


class CategoriesById(GlobalSecondaryIndex["CategoryRecord"]):
    class Meta:
        index_name = "categories_by_id"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


@register
class CategoryRecord(ShopModel):
    short_name = "categories"

    class Meta:
        table_name = "unbound:categories"

    id = NumberAttribute(hash_key=True)
    scope = UnicodeAttribute(default=CATEGORY_SCOPE)
    name = UnicodeAttribute()
    image_key = UnicodeAttribute(null=True)
    # Kept exact by the same transactions that create, move and delete products, so a
    # category delete can be refused by a condition instead of an (eventually consistent)
    # index query.
    product_count = NumberAttribute(default=0)
    created_at = TimestampAttribute()
    # Staff writes are conditioned on the version they read (absent on items written
    # before versions existed, which PynamoDB conditions as "no version yet"). The product
    # count is a counter kept by product writes: it moves without the version.
    version = VersionAttribute(null=True)

    by_id = CategoriesById()


def _product_index(name: str, hash_attribute: str, range_attribute: str) -> type:
    """Product list indexes differ only in their keys; all project every attribute so
    that one Query serves a whole page."""
    hash_type = NumberAttribute if hash_attribute == "category_id" else UnicodeAttribute
    range_type = NumberAttribute if range_attribute == "id" else UnicodeAttribute
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    # type() picks GlobalSecondaryIndex's metaclass, as a class statement would.
    return type(
        name,
        (GlobalSecondaryIndex,),
        {
            "Meta": meta,
            hash_attribute: hash_type(hash_key=True),
            range_attribute: range_type(range_key=True),
        },
    )


@register
class ProductRecord(ShopModel):
    short_name = "products"

    class Meta:
        table_name = "unbound:products"

    id = NumberAttribute(hash_key=True)
    scope = UnicodeAttribute(default=PRODUCT_SCOPE)
    category_id = NumberAttribute()
    category_name = UnicodeAttribute()
    name = UnicodeAttribute()
    # Sort keys: zero-padded so that string order is numeric order, ending in the id so
    # that equal prices or names still page in one stable order.
    name_key = UnicodeAttribute()
    price = DecimalAttribute()
    price_key = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    # Casefolded name and description, for the case-insensitive ``search`` filter.
    search_text = UnicodeAttribute(default="")
    # Casefolded color and size, the keys of the filter indexes; absent when the value is
    # empty (an index key cannot be an empty string), which keeps those indexes sparse.
    color_key = UnicodeAttribute(null=True)
    size_key = UnicodeAttribute(null=True)
    stock = NumberAttribute(default=0)
    # IN_STOCK when stock > 0, else OUT_OF_STOCK: the key of the stock indexes, written by
    # every write that sets or moves the stock, in the same update (absent only on products
    # written before it existed, until ``backfill_filter_keys`` has run).
    stock_state = UnicodeAttribute(null=True)
    color = UnicodeAttribute(default="")
    size = UnicodeAttribute(default="")
    image_key = UnicodeAttribute(null=True)
    # Every image key an order item has copied (added by checkout's stock decrement).
    # Orders show their image forever, so these objects are never deleted.
    ordered_image_keys = UnicodeSetAttribute(null=True)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    created_at = TimestampAttribute()
    # Staff writes are conditioned on the version they read (absent on items written
    # before versions existed, which PynamoDB conditions as "no version yet"). Stock, the
    # rating sum and count and the ordered images are counters kept by checkout, orders and
    # ratings under their own conditions: they move without the version.
    version = VersionAttribute(null=True)

    catalog_by_id = _product_index("products_by_id", "scope", "id")()
    catalog_by_price = _product_index("products_by_price", "scope", "price_key")()
    catalog_by_name = _product_index("products_by_name", "scope", "name_key")()
    category_by_id = _product_index("category_products_by_id", "category_id", "id")()
    category_by_price = _product_index("category_products_by_price", "category_id", "price_key")()
    category_by_name = _product_index("category_products_by_name", "category_id", "name_key")()
    # A Query on these reads only the products of one color (or size), in any ordering.
    color_by_id = _product_index("products_by_color_by_id", "color_key", "id")()
    color_by_price = _product_index("products_by_color_by_price", "color_key", "price_key")()
    color_by_name = _product_index("products_by_color_by_name", "color_key", "name_key")()
    size_by_id = _product_index("products_by_size_by_id", "size_key", "id")()
    size_by_price = _product_index("products_by_size_by_price", "size_key", "price_key")()
    size_by_name = _product_index("products_by_size_by_name", "size_key", "name_key")()
    # A Query on these reads only the products in stock (or only the sold-out ones).
    stock_by_id = _product_index("products_by_stock_state_by_id", "stock_state", "id")()
    stock_by_price = _product_index(
        "products_by_stock_state_by_price", "stock_state", "price_key"
    )()
    stock_by_name = _product_index("products_by_stock_state_by_name", "stock_state", "name_key")()
