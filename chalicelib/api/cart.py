from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api import placing
from chalicelib.api.deferred import domain, schemas, services
from chalicelib.api.http import json_body
from chalicelib.api.responses import model_response
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.errors import NotAuthenticated
from chalicelib.schemas.validation import validate

cart = Blueprint(__name__)
CART_TOKEN_HEADER = "x-cart-token"


def cart_owner(call: Call) -> domain.cart.CartOwner:
    """The logged-in user's cart; without a login, the guest cart of ``X-Cart-Token``."""
    if call.principal is not None:
        return domain.cart.UserCartOwner(call.principal.user.id)
    token = call.request.headers.get(CART_TOKEN_HEADER, "").strip()
    if token:
        return services.cart.guest_owner(token)
    raise NotAuthenticated()


def message(text: str) -> Response:
    return model_response(schemas.cart.Message(message=text))


@endpoint(cart, "/api/cart/items", "GET", summary="The cart at current prices", access="cart",
          response="cart:CartPublic")  # fmt: skip
def get_cart(call: Call) -> Response:
    return model_response(schemas.cart.CartPublic.of(services.cart.get_cart(cart_owner(call))))


@endpoint(cart, "/api/cart/add_item", "POST", summary="Add a product (201 new line, 200 more)",
          access="cart", body="cart:CartItemAdd", response="cart:CartItemPublic", status=201,
          errors=(404,))  # fmt: skip
def add_item(call: Call) -> Response:
    owner = cart_owner(call)
    fields = validate(schemas.cart.CartItemAdd, json_body(call.request))
    line, created = services.cart.add_item(owner, fields.product_id, fields.quantity)
    return model_response(schemas.cart.CartItemPublic.of(line), 201 if created else 200)


@endpoint(cart, "/api/cart/remove_item", "POST", summary="Remove a product's line",
          access="cart", body="cart:CartItemRemove", response="cart:Message",
          errors=(404,))  # fmt: skip
def remove_item(call: Call) -> Response:
    owner = cart_owner(call)
    fields = validate(schemas.cart.CartItemRemove, json_body(call.request))
    services.cart.remove_item(owner, fields.product_id)
    return message("Item removed from cart")


@endpoint(cart, "/api/cart/update_quantity", "POST", summary="Set a line's quantity",
          access="cart", body="cart:CartQuantityUpdate", response="cart:CartItemPublic",
          errors=(404,))  # fmt: skip
def update_quantity(call: Call) -> Response:
    owner = cart_owner(call)
    fields = validate(schemas.cart.CartQuantityUpdate, json_body(call.request))
    line = services.cart.update_quantity(owner, fields.product_id, fields.quantity)
    return model_response(schemas.cart.CartItemPublic.of(line))


@endpoint(cart, "/api/cart/clear", "POST", summary="Remove every line", access="cart",
          response="cart:Message")  # fmt: skip
def clear(call: Call) -> Response:
    services.cart.clear(cart_owner(call))
    return message("Cart cleared")


def _order_created(order: domain.orders.Order) -> services.orders.Recorded:
    body = schemas.cart.OrderCreated(message="Order created successfully", order_id=order.id)
    return placing.created(order, body)


@endpoint(cart, "/api/cart/checkout", "POST", summary="Turn the cart into an order "
          "(Idempotency-Key)", access="user", body="cart:CartCheckout",
          headers=("Idempotency-Key",),
          response="cart:OrderCreated", status=201, errors=(409,))  # fmt: skip
def checkout(call: Call) -> Response:
    fields = validate(schemas.cart.CartCheckout, json_body(call.request))
    reply = services.cart.checkout(
        call.user,
        fields.shipping_address,
        idempotency=placing.idempotency(call, "checkout", fields, _order_created),
    )
    return placing.placed_response(reply, _order_created)


@endpoint(cart, "/api/cart/delete", "DELETE", summary="Delete the cart", access="cart",
          response="cart:Message")  # fmt: skip
def delete_cart(call: Call) -> Response:
    services.cart.delete_cart(cart_owner(call))
    return message("Cart deleted")


@endpoint(cart, "/api/cart/merge", "POST", summary="Merge a guest cart (with its "
          "X-Cart-Token) into the user's cart", access="user", body="cart:CartMerge",
          headers=("X-Cart-Token",),
          response="cart:Message", errors=(404,))  # fmt: skip
def merge(call: Call) -> Response:
    fields = validate(schemas.cart.CartMerge, json_body(call.request))
    token = call.request.headers.get(CART_TOKEN_HEADER, "").strip() or None
    services.cart.merge(call.user, fields.cart_id, token)
    return message("Carts merged successfully")


@endpoint(cart, "/api/cart/guest", "POST", summary="Issue a guest cart and its token",
          response="cart:GuestCartIssued", status=201)  # fmt: skip
def create_guest_cart(call: Call) -> Response:
    issued = services.cart.create_guest_cart()
    body = schemas.cart.GuestCartIssued(cart_id=issued.cart_id, cart_token=issued.token)
    return model_response(body, 201)
