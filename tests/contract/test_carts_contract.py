"""The carts repository, held equal in both stores: carts keyed by their owner, written
on the version read, created with the cart-id counter, merged in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.cart import Cart, CartLine, GuestCartOwner, UserCartOwner
from chalicelib.domain.entities import Category, Product
from chalicelib.domain.storage import WriteConflict

# Microseconds and a zone other than UTC: both stores give back UTC, to the microsecond.
CREATED = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=timezone(timedelta(hours=2)))
UPDATED = datetime(2026, 3, 5, 8, 9, 10, 654321, tzinfo=UTC)
USER_KEY = "user#7"


def cart(cart_id: int = 1, *product_ids: int, user_id: int | None = 7) -> Cart:
    return Cart(
        cart_id,
        user_id,
        created_at=CREATED,
        updated_at=UPDATED,
        lines=[
            CartLine(line_id, product_id, 2, created_at=CREATED, updated_at=UPDATED)
            for line_id, product_id in enumerate(product_ids, start=1)
        ],
    )


def guest_cart(cart_id: int) -> Cart:
    guest = cart(cart_id, 5, user_id=None)
    guest.token_hash = "a" * 64
    guest.expires_at = datetime(2026, 4, 4, 5, 6, 7, 999999, tzinfo=UTC)
    return guest


def stored(backend: Any, key: str, new: Cart) -> Cart:
    """``new`` stored under ``key`` at version 1 (its id from the counter)."""
    return backend.carts.create_cart(key, new, None)


def product(backend: Any, name: str = "Mug", stock: int = 5) -> Product:
    category = backend.categories.create_category(
        Category(backend.categories.new_category_id(), "Kitchen", created_at=CREATED)
    )
    return backend.products.create_product(
        Product(
            id=backend.products.new_product_id(),
            name=name,
            price=Decimal("9.50"),
            category_id=category.id,
            category_name=category.name,
            created_at=CREATED,
            stock=stock,
        )
    )


# --- keys -----------------------------------------------------------------------------------


def test_a_users_cart_is_keyed_by_the_user(backend: Any) -> None:
    assert backend.carts.owner_key(UserCartOwner(7)) == "user#7"


def test_a_guest_cart_is_keyed_by_its_id(backend: Any) -> None:
    assert backend.carts.owner_key(GuestCartOwner(12, "12.secret")) == "guest#12"
    assert backend.carts.guest_key(12) == "guest#12"


# --- ids ------------------------------------------------------------------------------------


def test_cart_ids_count_up_from_one(backend: Any) -> None:
    assert [backend.carts.new_cart_id() for _ in range(2)] == [1, 2]


def test_line_ids_come_in_consecutive_blocks(backend: Any) -> None:
    assert backend.carts.new_line_ids(3) == [1, 2, 3]
    assert backend.carts.new_line_ids(1) == [4]


def test_no_line_ids_are_reserved_for_none(backend: Any) -> None:
    assert backend.carts.new_line_ids(0) == []
    assert backend.carts.new_line_ids(1) == [1]


# --- read_cart --------------------------------------------------------------------------------


def test_a_missing_cart_reads_as_none_with_nothing_else(backend: Any) -> None:
    read = backend.carts.read_cart(USER_KEY)

    assert (read.cart, read.products, read.last_cart_id, read.reply) == (None, {}, None, None)


def test_the_cart_counter_reads_as_zero_before_the_first_cart(backend: Any) -> None:
    assert backend.carts.read_cart(USER_KEY, with_counter=True).last_cart_id == 0


def test_the_cart_counter_reads_as_the_last_cart_id(backend: Any) -> None:
    backend.carts.new_cart_id()
    backend.carts.new_cart_id()

    assert backend.carts.read_cart(USER_KEY, with_counter=True).last_cart_id == 2


def test_a_read_cart_has_the_lines_and_times_stored_in_utc(backend: Any) -> None:
    stored(backend, USER_KEY, cart(1, 4, 5))

    read = backend.carts.read_cart(USER_KEY).cart

    assert read == Cart(
        1,
        7,
        created_at=CREATED.astimezone(UTC),
        updated_at=UPDATED,
        lines=[
            CartLine(1, 4, 2, created_at=CREATED.astimezone(UTC), updated_at=UPDATED),
            CartLine(2, 5, 2, created_at=CREATED.astimezone(UTC), updated_at=UPDATED),
        ],
        version=1,
    )
    assert read.created_at.tzinfo == UTC


def test_a_guest_carts_expiry_is_kept_to_the_second(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))

    read = backend.carts.read_cart("guest#3").cart

    assert read.expires_at == datetime(2026, 4, 4, 5, 6, 7, tzinfo=UTC)
    assert read.token_hash == "a" * 64


def test_the_products_asked_for_come_with_the_cart_when_they_exist(backend: Any) -> None:
    mug = product(backend)

    read = backend.carts.read_cart(USER_KEY, product_ids=[mug.id, 999, mug.id])

    assert read.products == {mug.id: backend.products.get_product(mug.id)}
    assert read.cart is None


# --- save_cart ----------------------------------------------------------------------------


def test_a_new_cart_is_saved_at_version_one(backend: Any) -> None:
    new = cart(4)

    returned = backend.carts.save_cart(USER_KEY, new)

    assert returned is new and new.version == 1
    assert backend.carts.read_cart(USER_KEY).cart.version == 1


def test_a_cart_saved_on_the_version_read_moves_to_the_next(backend: Any) -> None:
    stored(backend, USER_KEY, cart())
    read = backend.carts.read_cart(USER_KEY).cart
    read.lines.append(CartLine(9, 3, 1, created_at=UPDATED, updated_at=UPDATED))

    backend.carts.save_cart(USER_KEY, read)

    assert read.version == 2
    assert backend.carts.read_cart(USER_KEY).cart == read


def test_a_cart_saved_on_a_stale_version_is_a_write_conflict(backend: Any) -> None:
    stored(backend, USER_KEY, cart())
    first = backend.carts.read_cart(USER_KEY).cart
    second = backend.carts.read_cart(USER_KEY).cart
    backend.carts.save_cart(USER_KEY, first)
    second.lines = []

    with pytest.raises(WriteConflict):
        backend.carts.save_cart(USER_KEY, second)
    assert backend.carts.read_cart(USER_KEY).cart == first


def test_a_new_cart_saved_where_one_exists_is_a_write_conflict(backend: Any) -> None:
    stored(backend, USER_KEY, cart())

    with pytest.raises(WriteConflict):
        backend.carts.save_cart(USER_KEY, cart(2))
    assert backend.carts.read_cart(USER_KEY).cart.id == 1


# --- create_cart ----------------------------------------------------------------------------


def test_a_cart_created_on_the_counter_read_takes_the_next_id(backend: Any) -> None:
    backend.carts.new_cart_id()
    last = backend.carts.read_cart(USER_KEY, with_counter=True).last_cart_id

    created = backend.carts.create_cart(USER_KEY, cart(0), last)

    assert (created.id, created.version) == (2, 1)
    assert backend.carts.read_cart(USER_KEY, with_counter=True).last_cart_id == 2
    assert backend.carts.read_cart(USER_KEY).cart == created


def test_the_first_cart_created_on_a_counter_never_used_is_cart_one(backend: Any) -> None:
    created = backend.carts.create_cart(USER_KEY, cart(0), 0)

    assert (created.id, created.version) == (1, 1)
    assert backend.carts.new_cart_id() == 2


def test_a_cart_created_after_the_counter_moved_takes_an_id_from_the_counter(
    backend: Any,
) -> None:
    backend.carts.new_cart_id()
    backend.carts.new_cart_id()

    created = backend.carts.create_cart(USER_KEY, cart(0), 1)

    assert (created.id, created.version) == (3, 1)
    assert backend.carts.read_cart(USER_KEY).cart.id == 3


def test_a_cart_created_without_a_counter_read_takes_an_id_from_the_counter(
    backend: Any,
) -> None:
    backend.carts.new_cart_id()

    assert backend.carts.create_cart(USER_KEY, cart(0), None).id == 2


def test_creating_a_cart_that_exists_is_a_write_conflict(backend: Any) -> None:
    stored(backend, USER_KEY, cart())

    with pytest.raises(WriteConflict):
        backend.carts.create_cart(USER_KEY, cart(0), 1)
    assert backend.carts.read_cart(USER_KEY, with_counter=True).last_cart_id == 1


# --- read_two_carts, owner_key_of_cart, delete ------------------------------------------------


def test_two_carts_are_read_together_in_the_order_asked(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))

    user, guest = backend.carts.read_two_carts(USER_KEY, "guest#3")

    assert user is None
    assert guest == backend.carts.read_cart("guest#3").cart


def test_a_carts_owner_key_is_found_by_its_id(backend: Any) -> None:
    stored(backend, USER_KEY, cart())

    assert backend.carts.owner_key_of_cart(1) == USER_KEY


def test_an_unknown_cart_id_has_no_owner_key(backend: Any) -> None:
    assert backend.carts.owner_key_of_cart(5) is None


def test_a_deleted_cart_is_gone(backend: Any) -> None:
    stored(backend, USER_KEY, cart())

    backend.carts.delete_cart(USER_KEY)

    assert backend.carts.read_cart(USER_KEY).cart is None


def test_deleting_a_missing_cart_succeeds(backend: Any) -> None:
    backend.carts.delete_cart(USER_KEY)

    assert backend.carts.read_cart(USER_KEY).cart is None


def test_deleting_a_users_cart_deletes_the_cart_under_their_key(backend: Any) -> None:
    stored(backend, USER_KEY, cart())
    stored(backend, "user#8", cart(user_id=8))

    backend.carts.delete_user_cart(7)

    assert backend.carts.read_two_carts(USER_KEY, "user#8")[0] is None
    assert backend.carts.read_cart("user#8").cart is not None


# --- merge_carts --------------------------------------------------------------------------


def test_a_merge_writes_the_target_and_deletes_the_source(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))
    stored(backend, USER_KEY, cart(0, 4))
    target, source = backend.carts.read_two_carts(USER_KEY, "guest#3")
    target.lines.extend(source.lines)

    backend.carts.merge_carts(USER_KEY, target, "guest#3", source)

    assert target.version == 2
    assert backend.carts.read_two_carts(USER_KEY, "guest#3") == (target, None)


def test_a_merge_into_a_new_cart_creates_it_at_version_one(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))
    source = backend.carts.read_cart("guest#3").cart
    target = cart(backend.carts.new_cart_id(), 5)

    backend.carts.merge_carts(USER_KEY, target, "guest#3", source)

    assert target.version == 1
    assert backend.carts.read_two_carts(USER_KEY, "guest#3") == (target, None)


def test_a_merge_of_a_source_changed_meanwhile_is_a_write_conflict(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))
    source = backend.carts.read_cart("guest#3").cart
    backend.carts.save_cart("guest#3", backend.carts.read_cart("guest#3").cart)

    with pytest.raises(WriteConflict):
        backend.carts.merge_carts(USER_KEY, cart(4, 5), "guest#3", source)
    assert backend.carts.read_two_carts(USER_KEY, "guest#3")[0] is None
    assert backend.carts.read_cart("guest#3").cart.version == 2


def test_a_merge_into_a_target_changed_meanwhile_is_a_write_conflict(backend: Any) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))
    stored(backend, USER_KEY, cart(0, 4))
    target, source = backend.carts.read_two_carts(USER_KEY, "guest#3")
    backend.carts.save_cart(USER_KEY, backend.carts.read_cart(USER_KEY).cart)

    with pytest.raises(WriteConflict):
        backend.carts.merge_carts(USER_KEY, target, "guest#3", source)
    assert backend.carts.read_cart("guest#3").cart == source
    assert target.version == 1


def test_a_merge_into_a_new_cart_when_one_was_created_meanwhile_is_a_write_conflict(
    backend: Any,
) -> None:
    backend.carts.save_cart("guest#3", guest_cart(3))
    source = backend.carts.read_cart("guest#3").cart
    stored(backend, USER_KEY, cart(0, 4))

    with pytest.raises(WriteConflict):
        backend.carts.merge_carts(USER_KEY, cart(9, 5), "guest#3", source)
    assert backend.carts.read_cart("guest#3").cart == source
