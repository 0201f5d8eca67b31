from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import json_body
from chalicelib.api.orders import idempotency_key, reply_response
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import identify, require_user
from chalicelib.errors import NotAuthenticated
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.domain import cart as cart_domain
    from chalicelib.domain.cart import CartOwner
    from chalicelib.domain.orders import Order
    from chalicelib.schemas import cart as schemas
    from chalicelib.services import cart as cart_service
    from chalicelib.services import orders as order_service
else:
    cart_domain = deferred("chalicelib.domain.cart")
    schemas = deferred("chalicelib.schemas.cart")
    cart_service = deferred("chalicelib.services.cart")
    order_service = deferred("chalicelib.services.orders")

cart = Blueprint(__name__)
CART_TOKEN_HEADER = "x-cart-token"


def cart_owner(request: Request) -> CartOwner:
    """The logged-in user's cart; without a login, the guest cart of ``X-Cart-Token``."""
    principal = identify(request)
    if principal is not None:
        return cart_domain.UserCartOwner(principal.user.id)
    token = request.headers.get(CART_TOKEN_HEADER, "").strip()
    if token:
        return cart_service.guest_owner(token)
    raise NotAuthenticated()


def message(text: str) -> Response:
    return model_response(schemas.Message(message=text))


@endpoint(cart, "/api/cart/items", "GET", summary="The cart at current prices", access="cart",
          response="cart:CartPublic")  # fmt: skip
def get_cart(request: Request) -> Response:
    return model_response(schemas.CartPublic.of(cart_service.get_cart(cart_owner(request))))


@endpoint(cart, "/api/cart/add_item", "POST", summary="Add a product (201 new line, 200 more)",
          access="cart", body="cart:CartItemAdd", response="cart:CartItemPublic", status=201,
          errors=(404,))  # fmt: skip
def add_item(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(schemas.CartItemAdd, json_body(request))
    line, created = cart_service.add_item(owner, fields.product_id, fields.quantity)
    return model_response(schemas.CartItemPublic.of(line), 201 if created else 200)


@endpoint(cart, "/api/cart/remove_item", "POST", summary="Remove a product's line",
          access="cart", body="cart:CartItemRemove", response="cart:Message",
          errors=(404,))  # fmt: skip
def remove_item(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(schemas.CartItemRemove, json_body(request))
    cart_service.remove_item(owner, fields.product_id)
    return message("Item removed from cart")


@endpoint(cart, "/api/cart/update_quantity", "POST", summary="Set a line's quantity",
          access="cart", body="cart:CartQuantityUpdate", response="cart:CartItemPublic",
          errors=(404,))  # fmt: skip
def update_quantity(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(schemas.CartQuantityUpdate, json_body(request))
    line = cart_service.update_quantity(owner, fields.product_id, fields.quantity)
    return model_response(schemas.CartItemPublic.of(line))


@endpoint(cart, "/api/cart/clear", "POST", summary="Remove every line", access="cart",
          response="cart:Message")  # fmt: skip
def clear(request: Request) -> Response:
    cart_service.clear(cart_owner(request))
    return message("Cart cleared")


def _order_created(order: Order) -> str:
    created = schemas.OrderCreated(message="Order created successfully", order_id=order.id)
    return created.model_dump_json()


@endpoint(cart, "/api/cart/checkout", "POST", summary="Turn the cart into an order "
          "(Idempotency-Key)", access="user", body="cart:CartCheckout",
          headers=("Idempotency-Key",),
          response="cart:OrderCreated", status=201, errors=(409,))  # fmt: skip
def checkout(request: Request) -> Response:
    user = require_user(request).user
    fields = validate(schemas.CartCheckout, json_body(request))
    idempotent = order_service.idempotent_request(
        user, idempotency_key(request), "checkout", fields.model_dump(mode="json")
    )
    reply = cart_service.checkout(
        user, fields.shipping_address, render=_order_created, request=idempotent
    )
    return reply_response(reply)


@endpoint(cart, "/api/cart/delete", "DELETE", summary="Delete the cart", access="cart",
          response="cart:Message")  # fmt: skip
def delete_cart(request: Request) -> Response:
    cart_service.delete_cart(cart_owner(request))
    return message("Cart deleted")


@endpoint(cart, "/api/cart/merge", "POST", summary="Merge a guest cart (with its "
          "X-Cart-Token) into the user's cart", access="user", body="cart:CartMerge",
          headers=("X-Cart-Token",),
          response="cart:Message", errors=(404,))  # fmt: skip
def merge(request: Request) -> Response:
    user = require_user(request).user
    fields = validate(schemas.CartMerge, json_body(request))
    token = request.headers.get(CART_TOKEN_HEADER, "").strip() or None
    cart_service.merge(user, fields.cart_id, token)
    return message("Carts merged successfully")


@endpoint(cart, "/api/cart/guest", "POST", summary="Issue a guest cart and its token",
          response="cart:GuestCartIssued", status=201)  # fmt: skip
def create_guest_cart(request: Request) -> Response:
    issued = cart_service.create_guest_cart()
    body = schemas.GuestCartIssued(cart_id=issued.cart_id, cart_token=issued.token)
    return model_response(body, 201)
