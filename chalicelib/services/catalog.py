"""Categories and products: staff-managed catalog records (the routes admit only staff)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.deferred import services
from chalicelib.domain.changes import Unset
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Category, Product
from chalicelib.domain.images import KEEP, ImageChange, ImageUpload
from chalicelib.domain.references import unknown_reference
from chalicelib.domain.storage import Page
from chalicelib.errors import NotFound
from chalicelib.services.contention import gone, retried
from chalicelib.services.storage import store

if TYPE_CHECKING:
    # Annotations only: a product read builds none of these.
    from chalicelib.domain.catalog import CategoryChanges, NewProduct, ProductChanges, ProductQuery


def create_category(name: str, image: ImageUpload | None = None) -> Category:
    with services.images.stored_upload(image, store.images.CATEGORY_FOLDER) as image_key:
        category = Category(
            id=store.categories.new_category_id(),
            name=name,
            created_at=utc_now(),
            image_key=image_key,
        )
        return store.categories.create_category(category)


def get_category(category_id: int) -> Category:
    return store.categories.get_category(category_id)


def list_categories(limit: int, cursor: str | None) -> Page[Category]:
    return store.categories.list_categories(limit, cursor)


def update_category(
    category_id: int, changes: CategoryChanges, image: ImageChange = KEEP
) -> Category:
    previous = store.categories.get_category(category_id)
    current = _first_then_fresh(previous, lambda: store.categories.get_category(category_id))
    with services.images.changed_image(
        previous.image_key, image, store.images.CATEGORY_FOLDER
    ) as image_key:

        def update() -> Category:
            # Written on the version read (a retry reads again), and on the image the
            # image change was decided on.
            read = replace(current(), image_key=previous.image_key)
            updated = replace(changes.applied_to(read), image_key=image_key)
            return store.categories.update_category(updated, read)

        new_key = image_key if image_key != previous.image_key else None
        written = _written_or_landed(
            lambda: retried(update), lambda: store.categories.get_category(category_id), new_key
        )
    if not isinstance(changes.name, Unset):
        retried(lambda: store.categories.copy_name_to_products(written))
    return written


def _written_or_landed[RecordT: (Category, Product)](
    write: Callable[[], RecordT], read: Callable[[], RecordT], new_image_key: str | None
) -> RecordT:
    """What ``write`` returns; or, when it failed but the record now names the new image
    (a key nothing else can know), the record read again: the write landed, and only its
    answer (or the read after it) was lost. Raising then would delete the new object while
    the record names it, and keep the object it replaced."""
    try:
        return write()
    except Exception:
        if new_image_key is None:
            raise
        landed = read()
        if landed.image_key != new_image_key:
            raise
        return landed


def delete_category(category_id: int) -> None:
    category = store.categories.get_category(category_id)
    store.categories.delete_category(category_id)
    services.images.discard(category.image_key)


def _category_for_product(category_id: int) -> Category:
    try:
        return store.categories.get_category(category_id)
    except NotFound:
        raise unknown_reference("category", [category_id]) from None


def _first_then_fresh[RecordT](
    first: RecordT, read: Callable[[], RecordT]
) -> Callable[[], RecordT]:
    """``first`` (already read) for the first attempt of a write, ``read()`` again for
    each retry (what the write was based on changed meanwhile)."""
    attempts = 0

    def current() -> RecordT:
        nonlocal attempts
        attempts += 1
        return first if attempts == 1 else read()

    return current


def _read_again_on_retries(category: Category) -> Callable[[], Category]:
    """The category as read for the first attempt of a write, read again for each retry
    (its name changed meanwhile)."""
    return _first_then_fresh(category, lambda: _category_for_product(category.id))


def create_product(new: NewProduct, image: ImageUpload | None = None) -> Product:
    """The product carries its category's name; a rename that lands between the read of
    the category and the write makes the write fail on that name, and the category is read
    again (a missing category is a 400)."""
    category = _category_for_product(new.category_id)
    with services.images.stored_upload(image, store.images.PRODUCT_FOLDER) as image_key:
        product = Product(
            id=store.products.new_product_id(),
            name=new.name,
            price=new.price,
            category_id=category.id,
            category_name=category.name,
            created_at=utc_now(),
            stock=new.stock,
            description=new.description,
            color=new.color,
            size=new.size,
            image_key=image_key,
        )
        category_now = _read_again_on_retries(category)
        return retried(
            lambda: store.products.create_product(
                replace(product, category_name=category_now().name)
            )
        )


def get_product(product_id: int) -> Product:
    return store.products.get_product(product_id)


def list_products(query: ProductQuery) -> Page[Product]:
    return store.products.list_products(query)


def list_category_products(query: ProductQuery) -> Page[Product]:
    assert query.category_id is not None
    store.categories.get_category(query.category_id)  # an unknown category is a 404
    return store.products.list_products(query)


def update_product(product_id: int, changes: ProductChanges, image: ImageChange = KEEP) -> Product:
    previous = store.products.get_product(product_id)
    current = _first_then_fresh(previous, lambda: store.products.get_product(product_id))
    moved_to = changes.category_id
    if not isinstance(moved_to, Unset) and moved_to != previous.category_id:
        # A move copies the new category's name; one renamed meanwhile is read again.
        category_now = _read_again_on_retries(_category_for_product(moved_to))
    else:
        category_now = None
    saved: list[Product] = []

    def shown_by_an_order(key: str) -> bool:
        # Read after the write: the write was conditioned on the old image still being
        # named, so no order can copy it after this read.
        return bool(saved) and key in saved[0].ordered_image_keys

    with services.images.changed_image(
        previous.image_key, image, store.images.PRODUCT_FOLDER, still_shown=shown_by_an_order
    ) as image_key:

        def update() -> Product:
            # Written on the version read (a retry reads again), and on the image the
            # image change was decided on.
            read = replace(current(), image_key=previous.image_key)
            updated = replace(changes.applied_to(read), image_key=image_key)
            if category_now is None:
                return store.products.update_product(updated, read)
            category = category_now()
            moved = replace(updated, category_id=category.id, category_name=category.name)
            return store.products.update_product(moved, read)

        new_key = image_key if image_key != previous.image_key else None
        saved.append(
            _written_or_landed(
                lambda: retried(update), lambda: store.products.get_product(product_id), new_key
            )
        )
    return saved[0]


def delete_product(product_id: int) -> None:
    """The product goes first, with its rating sum and count; then its ratings and image,
    which nothing counts or shows any more."""
    read: list[Product] = []

    def delete() -> Product:
        product = store.products.get_product(product_id)
        read[:] = [product]
        store.products.delete_product(product)
        return product

    try:
        product = retried(delete)
    except NotFound:
        # A repeated delete finishes the clean-up of one that failed half-way.
        services.ratings.remove_ratings_of_product(product_id)
        raise
    except Exception:
        # The delete may have landed with only its answer lost: then the clean-up is
        # this request's to do, since a repeat would no longer know the image.
        if not read or not gone(lambda: store.products.get_product(product_id)):
            raise
        product = read[0]
    # Orders keep showing the images they copied; the others go with the product, before
    # the ratings: a repeated delete finishes their sweep, but cannot know the image.
    if product.image_key not in product.ordered_image_keys:
        services.images.discard(product.image_key)
    services.ratings.remove_ratings_of_product(product_id)
