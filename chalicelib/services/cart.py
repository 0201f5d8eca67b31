"""The cart use cases. A user's cart is created on first use; a guest cart is issued by
``create_guest_cart`` and proven by its token on every request.

Each use case reads what it needs, applies the domain rules and writes the cart back only
if nobody changed it meanwhile; a lost race runs it again from its reads (``retried``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.cart import (
    CART_FULL,
    MERGE_INTO_ITSELF,
    Cart,
    CartOwner,
    CartRead,
    GuestCartOwner,
    PricedCart,
    PricedLine,
    UserCartOwner,
    ensure_in_stock,
    merge_into,
    price_cart,
    price_line,
)
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import User
from chalicelib.domain.orders import EMPTY_CART
from chalicelib.domain.tokens import hash_token, id_of, new_token
from chalicelib.errors import AuthenticationFailed, BusinessRuleViolated, NotFound, PermissionDenied
from chalicelib.services import orders
from chalicelib.services.contention import retried
from chalicelib.services.orders import Idempotency, Reply
from chalicelib.services.storage import store

INVALID_CART_TOKEN = "Invalid or expired cart token."
GUEST_TOKEN_REQUIRED = "Merging a guest cart needs its X-Cart-Token."
ANOTHER_USERS_CART = "This cart belongs to another user."


@dataclass(frozen=True)
class GuestCart:
    cart_id: int
    token: str


def create_guest_cart() -> GuestCart:
    """The token is ``<cart id>.<secret>``, so it names its cart; only its hash is kept."""
    now = utc_now()
    cart_id = store.carts.new_cart_id()
    token = new_token(cart_id)
    cart = Cart(cart_id, None, created_at=now, updated_at=now, token_hash=hash_token(token))
    cart.touch(now)
    store.carts.save_cart(store.carts.guest_key(cart_id), cart)
    return GuestCart(cart_id, token)


def guest_owner(token: str) -> GuestCartOwner:
    cart_id = id_of(token)
    if cart_id is None:
        raise AuthenticationFailed(INVALID_CART_TOKEN)
    return GuestCartOwner(cart_id, token)


def _proves(cart: Cart, token: str) -> bool:
    return cart.token_hash is not None and hmac.compare_digest(cart.token_hash, hash_token(token))


def _open(owner: CartOwner, cart: Cart | None, now: datetime) -> Cart | None:
    """The owner's stored cart (None: a user who has none yet). A guest cart must exist,
    be unexpired and match its token, else the token is no credential at all (401)."""
    if isinstance(owner, GuestCartOwner) and (
        cart is None or cart.is_expired(now) or not _proves(cart, owner.token)
    ):
        raise AuthenticationFailed(INVALID_CART_TOKEN)
    return cart


def _new_user_cart(user_id: int, now: datetime) -> Cart:
    return Cart(0, user_id, created_at=now, updated_at=now)  # the id comes when stored


def _open_or_new(owner: CartOwner, read: CartRead, now: datetime) -> Cart:
    cart = _open(owner, read.cart, now)
    if cart is None:
        assert isinstance(owner, UserCartOwner)  # _open refuses a missing guest cart
        cart = _new_user_cart(owner.user_id, now)
    return cart


def _store(key: str, cart: Cart, read: CartRead) -> None:
    if cart.version is None:
        store.carts.create_cart(key, cart, read.last_cart_id)
    else:
        store.carts.save_cart(key, cart)


def get_cart(owner: CartOwner) -> PricedCart:
    key = store.carts.owner_key(owner)

    def attempt() -> PricedCart:
        now = utc_now()
        read = store.carts.read_cart(key, with_counter=isinstance(owner, UserCartOwner))
        cart = _open_or_new(owner, read, now)
        if cart.version is None:
            _store(key, cart, read)
        return price_cart(cart, store.products.read_products(cart.product_ids()))

    return retried(attempt)


def add_item(owner: CartOwner, product_id: int, quantity: int) -> tuple[PricedLine, bool]:
    """The line, and whether it is new (else its quantity grew)."""
    key = store.carts.owner_key(owner)

    def attempt() -> tuple[PricedLine, bool]:
        now = utc_now()
        read = store.carts.read_cart(
            key, product_ids=[product_id], with_counter=isinstance(owner, UserCartOwner)
        )
        cart = _open_or_new(owner, read, now)
        product = read.products.get(product_id)
        if product is None:
            raise NotFound()
        line = cart.line_for(product_id)
        created = line is None
        if line is not None:
            ensure_in_stock(product, line.quantity + quantity)
            line = cart.set_quantity(product_id, line.quantity + quantity, now)
        else:
            ensure_in_stock(product, quantity)
            if cart.is_full:  # lines of deleted products may still take room
                cart.keep_only(store.products.read_products(cart.product_ids()))
            if cart.is_full:
                raise BusinessRuleViolated(CART_FULL)
            line = cart.add_line(store.carts.new_line_ids(1)[0], product_id, quantity, now)
        _store(key, cart, read)
        return price_line(line, product), created

    return retried(attempt)


def update_quantity(owner: CartOwner, product_id: int, quantity: int) -> PricedLine:
    key = store.carts.owner_key(owner)

    def attempt() -> PricedLine:
        now = utc_now()
        read = store.carts.read_cart(key, product_ids=[product_id])
        cart = _open(owner, read.cart, now)
        product = read.products.get(product_id)
        if cart is None or product is None:
            raise NotFound()
        cart.existing_line(product_id)
        ensure_in_stock(product, quantity)
        line = cart.set_quantity(product_id, quantity, now)
        store.carts.save_cart(key, cart)
        return price_line(line, product)

    return retried(attempt)


def remove_item(owner: CartOwner, product_id: int) -> None:
    key = store.carts.owner_key(owner)

    def attempt() -> None:
        now = utc_now()
        cart = _open(owner, store.carts.read_cart(key).cart, now)
        if cart is None:
            raise NotFound()
        cart.remove(product_id, now)
        store.carts.save_cart(key, cart)

    retried(attempt)


def clear(owner: CartOwner) -> None:
    key = store.carts.owner_key(owner)

    def attempt() -> None:
        now = utc_now()
        cart = _open(owner, store.carts.read_cart(key).cart, now)
        if cart is not None and cart.lines:
            cart.clear(now)
            store.carts.save_cart(key, cart)

    retried(attempt)


def delete_cart(owner: CartOwner) -> None:
    """A user's next cart request starts a new cart; a guest's token dies with its cart."""
    key = store.carts.owner_key(owner)
    if isinstance(owner, GuestCartOwner):
        _open(owner, store.carts.read_cart(key).cart, utc_now())
    store.carts.delete_cart(key)


def checkout(user: User, shipping_address: str, *, idempotency: Idempotency | None = None) -> Reply:
    """The cart becomes an order at today's prices, in one transaction that also empties
    the cart; a cart changed meanwhile is read again. On a stock shortage nothing
    changes, the cart included."""
    key = store.carts.owner_key(UserCartOwner(user.id))

    def attempt() -> Reply:
        now = utc_now()
        request = idempotency.request if idempotency else None
        read = store.carts.read_cart(key, reply_key=request.key if request else None, now=now)
        if request is not None and read.reply is not None:
            return orders.replayed(read.reply, request)
        cart = read.cart
        found = store.products.read_products(cart.product_ids()) if cart else {}
        wanted = [
            (found[line.product_id], line.quantity)
            for line in (cart.lines if cart else [])
            if line.product_id in found
        ]
        if cart is None or not wanted:
            raise BusinessRuleViolated(EMPTY_CART)
        cart.clear(now)
        return orders.place(
            user,
            wanted,
            shipping_address,
            now=now,
            idempotency=idempotency,
            emptied_cart=(key, cart),
        )

    return retried(attempt)


def merge(user: User, cart_id: int, token: str | None) -> None:
    """Sum a guest cart into the user's cart and delete it, in one transaction. Proof of
    the guest cart is its token; a cart that is gone (merged already, expired) is a 404."""
    target_key = store.carts.owner_key(UserCartOwner(user.id))
    source_key = store.carts.guest_key(cart_id)

    def attempt() -> None:
        now = utc_now()
        target, source = store.carts.read_two_carts(target_key, source_key)
        if target is not None and target.id == cart_id:
            raise BusinessRuleViolated(MERGE_INTO_ITSELF)
        if source is None or source.is_expired(now):
            _refuse_missing_source(cart_id, source_key)
        assert source is not None
        if token is None:
            raise PermissionDenied(GUEST_TOKEN_REQUIRED)
        if not _proves(source, token):
            raise PermissionDenied(INVALID_CART_TOKEN)
        target = target or _new_user_cart(user.id, now)
        found = store.products.read_products(source.product_ids() + target.product_ids())
        merge_into(target, source, found, now)
        if target.version is None:
            target.id = store.carts.new_cart_id()
        store.carts.merge_carts(target_key, target, source_key, source)

    retried(attempt)


def _refuse_missing_source(cart_id: int, source_key: str) -> None:
    """No guest cart has this id: a user's cart (someone else's, since ours has another id)
    is forbidden, anything else unknown."""
    owner = store.carts.owner_key_of_cart(cart_id)
    if owner is not None and owner != source_key:
        raise PermissionDenied(ANOTHER_USERS_CART)
    raise NotFound()
