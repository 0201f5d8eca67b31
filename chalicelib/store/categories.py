"""Categories. Staff writes go on the version read (a stale one raises ``WriteConflict``
and the use case reads again); the product count is kept by product writes, without
the version."""

from __future__ import annotations

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Category
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import Conflict, NotFound
from chalicelib.store.counters import next_id
from chalicelib.store.models.catalog import CATEGORY_SCOPE, CategoryRecord, ProductRecord
from chalicelib.store.pagination import Page, query_page
from chalicelib.store.unit_of_work import ConditionsFailed, condition_failed, unit_of_work

CATEGORY_HAS_PRODUCTS = "Cannot delete a category that still has products."
CATEGORY_CHANGED = "The category was given another image meanwhile. Please retry."
CATEGORY, PRODUCT = "category", "product"


def to_category(record: CategoryRecord) -> Category:
    return Category(
        id=int(record.id),
        name=record.name,
        created_at=record.created_at,
        image_key=record.image_key,
        product_count=int(record.product_count or 0),
        version=None if record.version is None else int(record.version),
    )


def new_category_id() -> int:
    return next_id("category")


def to_record(category: Category) -> CategoryRecord:
    record = CategoryRecord(
        category.id,
        scope=CATEGORY_SCOPE,
        name=category.name,
        image_key=category.image_key,
        product_count=category.product_count,
        created_at=category.created_at,
    )
    if category.version is not None:  # a new category has none: its put requires that
        record.version = category.version
    return record


def create_category(category: Category) -> Category:
    record = to_record(category)
    record.save(condition=CategoryRecord.id.does_not_exist())
    category.version = record.version
    return category


def get_category(category_id: int) -> Category:
    try:
        return to_category(CategoryRecord.get(category_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def list_categories(limit: int, cursor: str | None) -> Page[Category]:
    return query_page(
        CategoryRecord,
        CategoryRecord.by_id,
        CATEGORY_SCOPE,
        convert=to_category,
        scope="categories",
        limit=limit,
        cursor=cursor,
    )


def update_category(category: Category, previous: Category) -> Category:
    """Store name and image on the version ``previous`` was read at (``WriteConflict``
    when it changed meanwhile: read again, apply again). The name reaches the products
    through ``copy_name_to_products``.

    The image is written only when it changes, and only while the category still names the
    one being replaced: a stale copy would orphan a concurrent replacement's object
    (``Conflict``).
    """
    actions: list[Action] = [CategoryRecord.name.set(category.name)]
    condition = CategoryRecord.id.exists()
    if category.image_key != previous.image_key:
        actions.append(
            CategoryRecord.image_key.set(category.image_key)
            if category.image_key
            else CategoryRecord.image_key.remove()
        )
        condition &= (
            CategoryRecord.image_key == previous.image_key
            if previous.image_key
            else CategoryRecord.image_key.does_not_exist()
        )
    record = CategoryRecord(category.id)
    if previous.version is not None:
        record.version = previous.version
    try:
        record.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not condition_failed(error):
            raise
        current = get_category(category.id)  # raises NotFound when it is gone
        if category.image_key != previous.image_key and current.image_key != previous.image_key:
            raise Conflict(CATEGORY_CHANGED) from None
        raise WriteConflict("the category was changed meanwhile") from error
    return to_category(record)


def copy_name_to_products(category: Category) -> None:
    """Give every product of the category that shows another name this one (product
    responses carry ``category_name`` without a second read).

    After every write that sends a name, not only one that changes it: a copy that a
    timeout cut off (the request answered 503, some products kept the old name) is
    finished by the client's retry, whose name no longer differs from the stored one.
    Each product is written only while the category still has this name, so the copy of
    an older rename that runs late stops instead of overwriting a newer name; the newer
    rename's copy covers every product."""
    stale = ProductRecord.category_by_id.query(
        category.id, filter_condition=ProductRecord.category_name != category.name
    )
    for product in stale:
        try:
            with unit_of_work() as work:
                work.check(
                    CATEGORY, CategoryRecord, category.id, CategoryRecord.name == category.name
                )
                # A copy of the category's name, not an edit of the product: its version
                # stays.
                work.adjust(
                    PRODUCT,
                    ProductRecord(product.id),
                    [ProductRecord.category_name.set(category.name)],
                    ProductRecord.category_id == category.id,
                )
        except ConditionsFailed as failed:
            if CATEGORY in failed.labels:
                return  # renamed again (or deleted) meanwhile: that write copies its name
            # The product moved to another category or was deleted: nothing to copy.


def delete_category(category_id: int) -> None:
    """Refused while products belong to it: the count is exact, kept by product writes."""
    try:
        # Whatever its version: a category is deleted whole, and only while it is empty.
        CategoryRecord(category_id).delete(
            condition=CategoryRecord.id.exists()
            & (CategoryRecord.product_count.does_not_exist() | (CategoryRecord.product_count == 0)),
            add_version_condition=False,
        )
    except DeleteError as error:
        if not condition_failed(error):
            raise
        get_category(category_id)  # raises NotFound when it is gone
        raise Conflict(CATEGORY_HAS_PRODUCTS) from None
