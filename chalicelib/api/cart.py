from __future__ import annotations

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.http import json_body
from chalicelib.api.orders import idempotency_key, reply_response
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import identify, require_user
from chalicelib.domain.cart import CartOwner, UserCartOwner
from chalicelib.domain.orders import Order
from chalicelib.errors import NotAuthenticated
from chalicelib.schemas.cart import (
    CartCheckout,
    CartItemAdd,
    CartItemPublic,
    CartItemRemove,
    CartMerge,
    CartPublic,
    CartQuantityUpdate,
    GuestCartIssued,
    Message,
    OrderCreated,
)
from chalicelib.schemas.validation import validate
from chalicelib.services import cart as cart_service
from chalicelib.services import orders as order_service

cart = Blueprint(__name__)
CART_TOKEN_HEADER = "x-cart-token"


def cart_owner(request: Request) -> CartOwner:
    """The logged-in user's cart; without a login, the guest cart of ``X-Cart-Token``."""
    principal = identify(request)
    if principal is not None:
        return UserCartOwner(principal.user.id)
    token = request.headers.get(CART_TOKEN_HEADER, "").strip()
    if token:
        return cart_service.guest_owner(token)
    raise NotAuthenticated()


def message(text: str) -> Response:
    return model_response(Message(message=text))


@endpoint(cart, "/api/cart/items", "GET", summary="The cart at current prices", access="cart",
          response=CartPublic)  # fmt: skip
def get_cart(request: Request) -> Response:
    return model_response(CartPublic.of(cart_service.get_cart(cart_owner(request))))


@endpoint(cart, "/api/cart/add_item", "POST", summary="Add a product (201 new line, 200 more)",
          access="cart", body=CartItemAdd, response=CartItemPublic, status=201,
          errors=(404,))  # fmt: skip
def add_item(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(CartItemAdd, json_body(request))
    line, created = cart_service.add_item(owner, fields.product_id, fields.quantity)
    return model_response(CartItemPublic.of(line), 201 if created else 200)


@endpoint(cart, "/api/cart/remove_item", "POST", summary="Remove a product's line",
          access="cart", body=CartItemRemove, response=Message, errors=(404,))  # fmt: skip
def remove_item(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(CartItemRemove, json_body(request))
    cart_service.remove_item(owner, fields.product_id)
    return message("Item removed from cart")


@endpoint(cart, "/api/cart/update_quantity", "POST", summary="Set a line's quantity",
          access="cart", body=CartQuantityUpdate, response=CartItemPublic,
          errors=(404,))  # fmt: skip
def update_quantity(request: Request) -> Response:
    owner = cart_owner(request)
    fields = validate(CartQuantityUpdate, json_body(request))
    line = cart_service.update_quantity(owner, fields.product_id, fields.quantity)
    return model_response(CartItemPublic.of(line))


@endpoint(cart, "/api/cart/clear", "POST", summary="Remove every line", access="cart",
          response=Message)  # fmt: skip
def clear(request: Request) -> Response:
    cart_service.clear(cart_owner(request))
    return message("Cart cleared")


def _order_created(order: Order) -> str:
    return OrderCreated(message="Order created successfully", order_id=order.id).model_dump_json()


@endpoint(cart, "/api/cart/checkout", "POST", summary="Turn the cart into an order "
          "(Idempotency-Key)", access="user", body=CartCheckout, response=OrderCreated,
          status=201, errors=(409,))  # fmt: skip
def checkout(request: Request) -> Response:
    user = require_user(request).user
    fields = validate(CartCheckout, json_body(request))
    idempotent = order_service.idempotent_request(
        user, idempotency_key(request), "checkout", fields.model_dump(mode="json")
    )
    reply = cart_service.checkout(
        user, fields.shipping_address, render=_order_created, request=idempotent
    )
    return reply_response(reply)


@endpoint(cart, "/api/cart/delete", "DELETE", summary="Delete the cart", access="cart",
          response=Message)  # fmt: skip
def delete_cart(request: Request) -> Response:
    cart_service.delete_cart(cart_owner(request))
    return message("Cart deleted")


@endpoint(cart, "/api/cart/merge", "POST", summary="Merge a guest cart (with its "
          "X-Cart-Token) into the user's cart", access="user", body=CartMerge,
          response=Message, errors=(404,))  # fmt: skip
def merge(request: Request) -> Response:
    user = require_user(request).user
    fields = validate(CartMerge, json_body(request))
    token = request.headers.get(CART_TOKEN_HEADER, "").strip() or None
    cart_service.merge(user, fields.cart_id, token)
    return message("Carts merged successfully")


@endpoint(cart, "/api/cart/guest", "POST", summary="Issue a guest cart and its token",
          response=GuestCartIssued, status=201)  # fmt: skip
def create_guest_cart(request: Request) -> Response:
    issued = cart_service.create_guest_cart()
    return model_response(GuestCartIssued(cart_id=issued.cart_id, cart_token=issued.token), 201)
