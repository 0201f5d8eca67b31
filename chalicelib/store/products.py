"""Products, their list indexes, and the category product counts kept with them.

Staff writes go on the version read (a stale one raises ``WriteConflict``, and the use
case reads again); the product count of a category moves with ``adjust``, without the
category's version.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, NoReturn

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import Index

from chalicelib.domain.catalog_keys import (
    filter_key,
    name_sort_key,
    price_sort_key,
    search_terms,
    search_text,
)
from chalicelib.domain.entities import Product
from chalicelib.domain.references import unknown_reference
from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import Conflict, NotFound
from chalicelib.store.batch import batch_get_one_each
from chalicelib.store.counters import next_id
from chalicelib.store.models import ShopModel
from chalicelib.store.models.catalog import (
    IN_STOCK,
    OUT_OF_STOCK,
    PRODUCT_SCOPE,
    CategoryRecord,
    ProductRecord,
)
from chalicelib.store.pagination import Page, decode_cursor, encode_cursor, key_types
from chalicelib.store.unit_of_work import (
    ConditionsFailed,
    condition_failed,
    leaving_version_alone,
    unit_of_work,
)

if TYPE_CHECKING:
    # The query is only read here; a product read loads none of the list machinery.
    from chalicelib.domain.catalog import ProductQuery

CENT = Decimal("0.01")
PRODUCT_MOVED = (
    "The product was moved to another category or given another image meanwhile. Please retry."
)
CATALOG_INDEXES = {
    "id": ProductRecord.catalog_by_id,
    "price": ProductRecord.catalog_by_price,
    "name": ProductRecord.catalog_by_name,
}
CATEGORY_INDEXES = {
    "id": ProductRecord.category_by_id,
    "price": ProductRecord.category_by_price,
    "name": ProductRecord.category_by_name,
}
COLOR_INDEXES = {
    "id": ProductRecord.color_by_id,
    "price": ProductRecord.color_by_price,
    "name": ProductRecord.color_by_name,
}
SIZE_INDEXES = {
    "id": ProductRecord.size_by_id,
    "price": ProductRecord.size_by_price,
    "name": ProductRecord.size_by_name,
}
STOCK_INDEXES = {
    "id": ProductRecord.stock_by_id,
    "price": ProductRecord.stock_by_price,
    "name": ProductRecord.stock_by_name,
}
# Labels of the unit of work's actions.
PRODUCT, CATEGORY, PREVIOUS_CATEGORY = "product", "category", "previous category"
# What a staff edit writes on the version it read (the stock is a count: see
# ``update_product``).
EDITED_WITH_THE_VERSION = (
    "name",
    "description",
    "price",
    "color",
    "size",
    "image_key",
    "category_id",
    "category_name",
)
# A filtered page stops after this many Queries even when it is not full: with the
# category read of a category's list, a request stays within 5 DynamoDB calls.
MAX_QUERIES_PER_PAGE = 4
# A filtered page's first Query reads limit + 1 entries, like an unfiltered one; the next
# reads this many times more, the ones after that as much as DynamoDB returns (1 MB).
READ_GROWTH = 8


def to_product(record: ProductRecord) -> Product:
    return Product(
        id=int(record.id),
        name=record.name,
        price=record.price,
        category_id=int(record.category_id),
        category_name=record.category_name,
        created_at=record.created_at,
        stock=int(record.stock),
        description=record.description,
        color=record.color,
        size=record.size,
        image_key=record.image_key,
        rating_sum=int(record.rating_sum or 0),
        rating_count=int(record.rating_count or 0),
        ordered_image_keys=frozenset(record.ordered_image_keys or ()),
        version=None if record.version is None else int(record.version),
    )


def stock_state(stock: int) -> str:
    """The key of the stock indexes for a product holding ``stock`` units."""
    return IN_STOCK if stock > 0 else OUT_OF_STOCK


def _stock_set(stock: int) -> list[Action]:
    """Setting the stock sets its index key with it, in the same update."""
    return [ProductRecord.stock.set(stock), ProductRecord.stock_state.set(stock_state(stock))]


def _derived_values(product: Product) -> dict[str, Any]:
    return {
        "name_key": name_sort_key(product.name, product.id),
        "price_key": price_sort_key(product.price, product.id),
        "search_text": search_text(product.name, product.description),
        "color_key": filter_key(product.color),
        "size_key": filter_key(product.size),
    }


def to_record(product: Product) -> ProductRecord:
    record = ProductRecord(
        product.id,
        scope=PRODUCT_SCOPE,
        category_id=product.category_id,
        category_name=product.category_name,
        name=product.name,
        price=product.price,
        description=product.description,
        stock=product.stock,
        stock_state=stock_state(product.stock),
        color=product.color,
        size=product.size,
        image_key=product.image_key,
        rating_sum=product.rating_sum,
        rating_count=product.rating_count,
        created_at=product.created_at,
        **_derived_values(product),
    )
    if product.version is not None:  # a new product has none: its put requires that
        record.version = product.version
    return record


def _at_version_read(product: Product) -> ProductRecord:
    """The key of ``product``, to be written on the version it was read at."""
    record = ProductRecord(product.id)
    if product.version is not None:
        record.version = product.version
    return record


def _category_claim(category_id: int, category_name: str) -> Condition:
    """The category still exists under the name copied onto the product: a rename that
    lands first would not copy its new name onto a product it cannot see yet."""
    return CategoryRecord.id.exists() & (CategoryRecord.name == category_name)


def raise_for_category_claim(category_id: int, exists: bool, error: Exception) -> NoReturn:
    """The answer to a failed category claim, given whether the category ``exists`` (read
    after the failure): a missing category is the caller's mistake; a renamed one means
    the name copied onto the product is stale, and the use case reads again."""
    if not exists:
        raise unknown_reference("category", [category_id]) from error
    raise WriteConflict("the category was renamed meanwhile") from error


def _category_exists(category_id: int) -> bool:
    try:
        CategoryRecord.get(category_id, consistent_read=True, attributes_to_get=["id"])
    except DoesNotExist:
        return False
    return True


def new_product_id() -> int:
    return next_id("product")


def create_product(product: Product) -> Product:
    """Write the product and count it in its category, in one transaction."""
    record = to_record(product)
    try:
        with unit_of_work() as work:
            work.put(PRODUCT, record, ProductRecord.id.does_not_exist())
            work.adjust(
                CATEGORY,
                CategoryRecord(product.category_id),
                [CategoryRecord.product_count.add(1)],
                _category_claim(product.category_id, product.category_name),
            )
    except ConditionsFailed as failed:
        if CATEGORY in failed.labels:
            raise_for_category_claim(
                product.category_id, _category_exists(product.category_id), failed
            )
        raise  # the product id was taken: the id counter is behind, a bug no retry mends
    product.version = record.version
    return product


def product_key(product_id: int) -> tuple[type[ShopModel], dict[str, Any]]:
    """A product's key in a BatchGetItem."""
    return (ProductRecord, {"id": {"N": str(product_id)}})


def products_of(records: Iterable[ShopModel | None]) -> dict[int, Product]:
    """The products among the records of a BatchGetItem, by id."""
    return {
        int(record.id): to_product(record)
        for record in records
        if isinstance(record, ProductRecord)
    }


def read_products(product_ids: Iterable[int]) -> dict[int, Product]:
    """The products that exist among ``product_ids``, in one BatchGetItem (none when
    there is nothing to read)."""
    unique = list(dict.fromkeys(product_ids))
    if not unique:
        return {}
    return products_of(batch_get_one_each([product_key(pid) for pid in unique]))


def get_product(product_id: int) -> Product:
    try:
        return to_product(ProductRecord.get(product_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound() from None


def update_product(updated: Product, previous: Product) -> Product:
    """Set only the catalog fields, on the version ``previous`` was read at, so concurrent
    stock and rating changes survive (they do not move the version) and a concurrent staff
    edit is never overwritten (``WriteConflict``: read again, apply again); moving to
    another category moves the count with it, all in one transaction. An edit of the stock
    alone sets a count, like a sale moves one: it does not depend on the rest of what was
    read, so it neither needs nor moves the version.

    Stock and category are written only when this update changes them: a stale copy of
    either would undo a sale or a concurrent move (and unbalance the category counts). So
    is the image, on the condition that the product still names the one being replaced
    (``Conflict`` when it does not, like a move from a category the product has left).
    """
    if only_stock_changed(updated, previous):
        return _set_stock(updated)
    actions: list[Action] = [
        ProductRecord.name.set(updated.name),
        ProductRecord.description.set(updated.description),
        ProductRecord.price.set(updated.price),
        ProductRecord.color.set(updated.color),
        ProductRecord.size.set(updated.size),
    ]
    actions += [
        getattr(ProductRecord, name).set(value)
        if value is not None
        else getattr(ProductRecord, name).remove()
        for name, value in _derived_values(updated).items()
    ]
    if updated.stock != previous.stock:
        actions += _stock_set(updated.stock)
    image_changed = updated.image_key != previous.image_key
    if image_changed:
        actions.append(
            ProductRecord.image_key.set(updated.image_key)
            if updated.image_key
            else ProductRecord.image_key.remove()
        )
    moved = updated.category_id != previous.category_id
    if moved:
        actions += [
            ProductRecord.category_id.set(updated.category_id),
            ProductRecord.category_name.set(updated.category_name),
        ]
    # A move counts the product out of the category it is really in.
    condition = (
        ProductRecord.category_id == previous.category_id if moved else ProductRecord.id.exists()
    )
    if image_changed:
        condition &= _still_names_image(previous.image_key)
    try:
        with unit_of_work() as work:
            work.update(PRODUCT, _at_version_read(previous), actions, condition)
            if moved:
                work.adjust(
                    CATEGORY,
                    CategoryRecord(updated.category_id),
                    [CategoryRecord.product_count.add(1)],
                    _category_claim(updated.category_id, updated.category_name),
                )
                work.adjust(
                    PREVIOUS_CATEGORY,
                    CategoryRecord(previous.category_id),
                    [CategoryRecord.product_count.add(-1)],
                )
    except ConditionsFailed as failed:
        if PRODUCT in failed.labels:
            current = get_product(previous.id)
            raise_changed_meanwhile(previous, current, moved, image_changed, failed)
        raise_for_category_claim(updated.category_id, _category_exists(updated.category_id), failed)
    return get_product(updated.id)


def only_stock_changed(updated: Product, previous: Product) -> bool:
    return updated.stock != previous.stock and all(
        getattr(updated, name) == getattr(previous, name) for name in EDITED_WITH_THE_VERSION
    )


def _set_stock(updated: Product) -> Product:
    try:
        with unit_of_work() as work:
            work.adjust(
                PRODUCT,
                ProductRecord(updated.id),
                _stock_set(updated.stock),
                ProductRecord.id.exists(),
            )
    except ConditionsFailed as failed:
        get_product(updated.id)  # NotFound: it was deleted
        raise WriteConflict("the product was deleted and created again") from failed
    return get_product(updated.id)


def _still_names_image(image_key: str | None) -> Condition:
    """The product still names the image being replaced: a concurrent replacement would
    otherwise be overwritten and its object orphaned."""
    if image_key:
        return ProductRecord.image_key == image_key
    return ProductRecord.image_key.does_not_exist()


def raise_changed_meanwhile(
    previous: Product, current: Product, moved: bool, image_changed: bool, error: Exception
) -> NoReturn:
    """Why a write on ``previous`` was refused, from the product as it is now: moved or
    given another image while this write moves it or replaces its image (``Conflict``:
    the caller's image or move was based on what is no longer there), or changed
    otherwise (``WriteConflict``: read again and apply again). The read of ``current``
    raises ``NotFound`` when the product is gone."""
    if (moved and current.category_id != previous.category_id) or (
        image_changed and current.image_key != previous.image_key
    ):
        raise Conflict(PRODUCT_MOVED) from error
    raise WriteConflict("the product was changed meanwhile") from error


def delete_product(product: Product) -> None:
    """Delete the product as read (on its version). ``WriteConflict`` if it changed or an
    order copied its image meanwhile (the caller reads again: that image must then stay)."""
    # Uncount it from the category it is really in, not a stale copy's.
    condition = ProductRecord.category_id == product.category_id
    if product.image_key and product.image_key not in product.ordered_image_keys:
        condition &= ~ProductRecord.ordered_image_keys.contains(product.image_key)
    try:
        with unit_of_work() as work:
            work.delete(PRODUCT, _at_version_read(product), condition)
            work.adjust(
                CATEGORY,
                CategoryRecord(product.category_id),
                [CategoryRecord.product_count.add(-1)],
            )
    except ConditionsFailed as failed:
        if get_product(product.id).category_id != product.category_id:  # NotFound: deleted
            raise Conflict(PRODUCT_MOVED) from failed
        raise WriteConflict("the product changed meanwhile") from failed


def _filters(query: ProductQuery, served: set[str]) -> Condition | None:
    """Filter expressions for what the Query's index does not serve (``served`` names
    the filters it does)."""
    conditions: list[Condition] = []
    if query.category_id is not None and "category" not in served:
        conditions.append(ProductRecord.category_id == query.category_id)
    if query.color is not None and "color" not in served:
        conditions.append(ProductRecord.color_key == filter_key(query.color))
    if query.size is not None and "size" not in served:
        conditions.append(ProductRecord.size_key == filter_key(query.size))
    if query.in_stock is not None and "in_stock" not in served:
        # The stock itself, not ``stock_state``: products written before that attribute
        # existed have only the stock.
        conditions.append(ProductRecord.stock > 0 if query.in_stock else ProductRecord.stock <= 0)
    if query.search:
        # DRF's SearchFilter: every whitespace-separated term, anywhere in name or
        # description, ignoring case.
        for term in search_terms(query.search):
            conditions.append(ProductRecord.search_text.contains(term))
    if query.sort_field != "price":
        if query.min_price is not None:
            conditions.append(ProductRecord.price >= query.min_price)
        if query.max_price is not None:
            conditions.append(ProductRecord.price <= query.max_price)
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def _price_range(query: ProductQuery) -> Condition | None:
    """On the price index a price range narrows the Query itself instead of filtering.

    Prices have whole cents, so the bounds are rounded inwards to cents: a minimum of
    10.001 starts at 10.01, as the ``price >= 10.001`` filter of the other orderings would.
    """
    if query.sort_field != "price":
        return None
    low = price_bound(query.min_price, ROUND_CEILING)
    high = price_bound(query.max_price, ROUND_FLOOR)
    # '~' sorts after '#<id>', so the bound includes every product at the max price.
    high = f"{high}#~" if high is not None else None
    key = ProductRecord.price_key
    if low is not None and high is not None:
        return key.between(low, high)
    if low is not None:
        return key >= low
    if high is not None:
        return key <= high
    return None


def price_bound(price: Decimal | None, rounding: str) -> str | None:
    return None if price is None else f"{price.quantize(CENT, rounding=rounding):015.2f}"


def no_price_in_range(query: ProductQuery) -> bool:
    if query.min_price is None or query.max_price is None:
        return False
    lowest = query.min_price.quantize(CENT, rounding=ROUND_CEILING)
    return lowest > query.max_price.quantize(CENT, rounding=ROUND_FLOOR)


def list_index(query: ProductQuery) -> tuple[Index[Any], int | str, str, set[str]]:
    """The index a list Queries, its hash key value, the cursor scope and the filters the
    index serves itself. A color or size reads only matching products (a color wins over
    a size and a category, which become filters); otherwise the category's index (with
    ``in_stock`` a filter), else with ``in_stock`` the in-stock or sold-out products' index,
    else the whole catalog's."""
    ordering = query.ordering or "id"
    base = (
        f"category-products-{query.category_id}-{ordering}"
        if query.category_id is not None
        else f"products-{ordering}"
    )
    color_key = filter_key(query.color) if query.color is not None else None
    if color_key is not None:
        return COLOR_INDEXES[query.sort_field], color_key, f"{base}-color:{color_key}", {"color"}
    size_key = filter_key(query.size) if query.size is not None else None
    if size_key is not None:
        return SIZE_INDEXES[query.sort_field], size_key, f"{base}-size:{size_key}", {"size"}
    if query.category_id is not None:
        return CATEGORY_INDEXES[query.sort_field], query.category_id, base, {"category"}
    if query.in_stock is not None:
        state = stock_state(1 if query.in_stock else 0)
        return STOCK_INDEXES[query.sort_field], state, f"{base}-stock:{state}", {"in_stock"}
    return CATALOG_INDEXES[query.sort_field], PRODUCT_SCOPE, base, set()


def list_products(query: ProductQuery) -> Page[Product]:
    """One page in up to ``MAX_QUERIES_PER_PAGE`` Queries.

    Each Query continues where the previous one stopped reading, until ``limit`` products
    matched or the index ended. The cursor continues right after the last product served
    (or after the last entry read, when the Queries ran out before the page was full), so
    pages neither repeat nor skip a product whose sort key did not change meanwhile.
    """
    index, hash_value, scope, served = list_index(query)
    filter_condition = _filters(query, served)
    key_names = key_types(ProductRecord, index)
    start_key = None
    if query.cursor is not None:
        start_key = decode_cursor(scope, query.cursor, key_names)
    if no_price_in_range(query):
        # DynamoDB would refuse the inverted key range on the price index. A made-up
        # cursor was refused above: it is a 400 whatever the filters.
        return Page([], None)
    matches: list[dict[str, Any]] = []
    reads: int | None = query.limit + 1
    for _ in range(MAX_QUERIES_PER_PAGE):
        results = index.query(
            hash_value,
            range_key_condition=_price_range(query),
            filter_condition=filter_condition,
            scan_index_forward=query.ascending,
            page_size=reads,
            last_evaluated_key=start_key,
        )
        raw_page = next(results.page_iter)
        matches += raw_page.get("Items", [])
        start_key = raw_page.get("LastEvaluatedKey")
        if len(matches) > query.limit:
            matches = matches[: query.limit]
            start_key = {name: matches[-1][name] for name in key_names}
            break
        if start_key is None or len(matches) == query.limit:
            break
        reads = reads * READ_GROWTH if reads == query.limit + 1 else None
    items = [to_product(ProductRecord.from_raw_data(item)) for item in matches]
    return Page(items, encode_cursor(scope, start_key) if start_key else None)


# A product the backfill finds changed meanwhile is read again this many times at most.
BACKFILL_ATTEMPTS = 3
# What the backfill reads of each product.
BACKFILLED_FROM = ("id", "color", "size", "stock", "color_key", "size_key", "stock_state")


def backfill_filter_keys() -> int:
    """One-off, for products written before the color, size and stock indexes existed:
    sets ``color_key``, ``size_key`` and ``stock_state`` where they are missing (or do not
    match); returns how many products changed. A Scan, so never on a request path; safe to
    repeat, and safe beside writes: each update holds only while the product keeps the
    color and size it was read with and a stock on the same side of zero, and a product
    that changed meanwhile is read again (strongly consistent) and done over."""
    changed = 0
    for record in ProductRecord.scan(attributes_to_get=list(BACKFILLED_FROM)):
        current: ProductRecord | None = record
        for _ in range(BACKFILL_ATTEMPTS):
            if current is None or not _backfill_actions(current):
                break
            if _backfill(current):
                changed += 1
                break
            current = _read_for_backfill(int(current.id))
    return changed


def _read_for_backfill(product_id: int) -> ProductRecord | None:
    try:
        return ProductRecord.get(
            product_id, consistent_read=True, attributes_to_get=list(BACKFILLED_FROM)
        )
    except DoesNotExist:
        return None  # deleted meanwhile


def _backfill_actions(record: ProductRecord) -> list[Action]:
    actions: list[Action] = []
    color_key, size_key = filter_key(record.color or ""), filter_key(record.size or "")
    if color_key is not None and record.color_key != color_key:
        actions.append(ProductRecord.color_key.set(color_key))
    if size_key is not None and record.size_key != size_key:
        actions.append(ProductRecord.size_key.set(size_key))
    state = stock_state(int(record.stock))
    if record.stock_state != state:
        actions.append(ProductRecord.stock_state.set(state))
    return actions


def _backfill(record: ProductRecord) -> bool:
    """Writes the keys ``record`` is missing; False when the product changed (or went)
    meanwhile."""
    stock_side = ProductRecord.stock > 0 if int(record.stock) > 0 else ProductRecord.stock <= 0
    try:
        # Derived keys, not an edit: the version stays.
        leaving_version_alone(ProductRecord(record.id)).update(
            actions=_backfill_actions(record),
            condition=(ProductRecord.color == record.color)
            & (ProductRecord.size == record.size)
            & stock_side,
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        return False
    return True
