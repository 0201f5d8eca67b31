from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api import placing
from chalicelib.api.deferred import domain, schemas, services
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.media import public_url
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import Call
from chalicelib.schemas.validation import validate

orders = Blueprint(__name__)
ORDER = "/api/orders/{order_id}"


def order_view(order: domain.orders.Order) -> schemas.orders.OrderPublic:
    return schemas.orders.OrderPublic.of(order, public_url)


def _order_created(order: domain.orders.Order) -> services.orders.Recorded:
    return placing.created(order, order_view(order))


@endpoint(orders, "/api/orders", "GET", summary="Own orders, newest first; staff: all",
          access="user", response="orders:OrderPublic", many=True, paged=True,
          query="orders:OrderListQuery")  # fmt: skip
def list_orders(call: Call) -> Response:
    query = validate(schemas.orders.OrderListQuery, query_params(call.request))
    page = services.orders.list_orders(
        call.user, query.user, query.status_filter, query.limit, query.cursor
    )
    views = [order_view(order) for order in page.items]
    return page_response(call.request, views, page.next_cursor)


@endpoint(orders, "/api/orders", "POST", summary="Order products directly (Idempotency-Key)",
          access="user", body="orders:OrderCreate", response="orders:OrderPublic", status=201,
          headers=("Idempotency-Key",),
          errors=(409,))  # fmt: skip
def create_order(call: Call) -> Response:
    fields = validate(schemas.orders.OrderCreate, json_body(call.request))
    reply = services.orders.create_order(
        call.user,
        fields.shipping_address,
        [(item.product, item.quantity) for item in fields.order_items],
        idempotency=placing.idempotency(call, "create_order", fields, _order_created),
    )
    return placing.placed_response(reply, _order_created)


@endpoint(orders, ORDER, "GET", summary="An order (owner or staff)", access="user",
          response="orders:OrderPublic")  # fmt: skip
def get_order(call: Call, order_id: str) -> Response:
    return model_response(order_view(services.orders.get_order(call.user, path_id(order_id))))


def _update(
    call: Call,
    order_id: str,
    schema: type[schemas.orders.OrderReplace] | type[schemas.orders.OrderPatch],
) -> Response:
    changes = schemas.orders.order_changes(validate(schema, json_body(call.request)))
    order = services.orders.update_order(call.user, path_id(order_id), changes)
    return model_response(order_view(order))


@endpoint(orders, ORDER, "PUT", summary="Replace an order's address and status",
          access="user", body="orders:OrderReplace", response="orders:OrderPublic")  # fmt: skip
def replace_order(call: Call, order_id: str) -> Response:
    return _update(call, order_id, schemas.orders.OrderReplace)


@endpoint(orders, ORDER, "PATCH", summary="Change an order's address or status",
          access="user", body="orders:OrderPatch", response="orders:OrderPublic")  # fmt: skip
def patch_order(call: Call, order_id: str) -> Response:
    return _update(call, order_id, schemas.orders.OrderPatch)


@endpoint(orders, ORDER, "DELETE", summary="Delete an order (staff; owner while pending)",
          access="user", status=204)  # fmt: skip
def delete_order(call: Call, order_id: str) -> Response:
    services.orders.delete_order(call.user, path_id(order_id))
    return no_content()
