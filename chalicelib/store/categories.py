from __future__ import annotations

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Category
from chalicelib.errors import Conflict, NotFound
from chalicelib.store.conflicts import failed_its_condition
from chalicelib.store.counters import next_id
from chalicelib.store.models import CategoryRecord, ProductRecord, bind_models
from chalicelib.store.models.catalog import CATEGORY_SCOPE
from chalicelib.store.pagination import Page, query_page

CATEGORY_HAS_PRODUCTS = "Cannot delete a category that still has products."
CATEGORY_CHANGED = "The category was given another image meanwhile. Please retry."


def to_category(record: CategoryRecord) -> Category:
    return Category(
        id=int(record.id),
        name=record.name,
        created_at=record.created_at,
        image_key=record.image_key,
        product_count=int(record.product_count or 0),
    )


def new_category_id() -> int:
    return next_id("category")


def to_record(category: Category) -> CategoryRecord:
    return CategoryRecord(
        category.id,
        scope=CATEGORY_SCOPE,
        name=category.name,
        image_key=category.image_key,
        product_count=category.product_count,
        created_at=category.created_at,
    )


def create_category(category: Category) -> Category:
    bind_models()
    to_record(category).save(condition=CategoryRecord.id.does_not_exist())
    return category


def get_category(category_id: int) -> Category:
    bind_models()
    try:
        return to_category(CategoryRecord.get(category_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def list_categories(limit: int, cursor: str | None) -> Page[Category]:
    bind_models()
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
    """Store name and image; a rename is copied onto the category's products, whose
    responses carry ``category_name`` without a second read.

    The image is written only when it changes, and only while the category still names the
    one being replaced: a stale copy would orphan a concurrent replacement's object.
    """
    bind_models()
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
    try:
        record.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not failed_its_condition(error):
            raise
        get_category(category.id)  # raises NotFound when it is gone
        raise Conflict(CATEGORY_CHANGED) from None
    if category.name != previous.name:
        _copy_name_to_products(category)
    return to_category(record)


def _copy_name_to_products(category: Category) -> None:
    for product in ProductRecord.category_by_id.query(category.id):
        try:
            ProductRecord(product.id).update(
                actions=[ProductRecord.category_name.set(category.name)],
                condition=ProductRecord.category_id == category.id,
            )
        except UpdateError as error:
            # Moved to another category or deleted meanwhile: nothing to copy.
            if not failed_its_condition(error):
                raise


def delete_category(category_id: int) -> None:
    """Refused while products belong to it: the count is exact, kept by product writes."""
    bind_models()
    try:
        CategoryRecord(category_id).delete(
            condition=CategoryRecord.id.exists()
            & (CategoryRecord.product_count.does_not_exist() | (CategoryRecord.product_count == 0))
        )
    except DeleteError as error:
        if not failed_its_condition(error):
            raise
        get_category(category_id)  # raises NotFound when it is gone
        raise Conflict(CATEGORY_HAS_PRODUCTS) from None
