from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.deferred import deferred
from chalicelib.api.http import json_body, path_id, query_params
from chalicelib.api.pages import page_response
from chalicelib.api.responses import model_response, no_content
from chalicelib.api.routing import endpoint
from chalicelib.api.security import require_user
from chalicelib.schemas.validation import validate

if TYPE_CHECKING:
    from chalicelib.domain.orders import Order
    from chalicelib.schemas import orders as schemas
    from chalicelib.schemas.orders import OrderPatch, OrderPublic, OrderReplace
    from chalicelib.services import orders as order_service
    from chalicelib.services.orders import Reply
    from chalicelib.store import media_urls
else:
    schemas = deferred("chalicelib.schemas.orders")
    order_service = deferred("chalicelib.services.orders")
    media_urls = deferred("chalicelib.store.media_urls")

orders = Blueprint(__name__)
ORDER = "/api/orders/{order_id}"
IDEMPOTENCY_HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"


def order_view(order: Order) -> OrderPublic:
    return schemas.OrderPublic.of(order, media_urls.public_url)


def idempotency_key(request: Request) -> str | None:
    return request.headers.get(IDEMPOTENCY_HEADER)


def reply_response(reply: Reply) -> Response:
    """The body of the first response, sent again as it was for a replayed request."""
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if reply.replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(body=reply.body, status_code=reply.status, headers=headers)


@endpoint(orders, "/api/orders", "GET", summary="Own orders, newest first; staff: all",
          access="user", response="orders:OrderPublic", many=True, paged=True,
          query="orders:OrderListQuery")  # fmt: skip
def list_orders(request: Request) -> Response:
    actor = require_user(request).user
    query = validate(schemas.OrderListQuery, query_params(request))
    page = order_service.list_orders(
        actor, query.user, query.status_filter, query.limit, query.cursor
    )
    return page_response(request, [order_view(order) for order in page.items], page.next_cursor)


@endpoint(orders, "/api/orders", "POST", summary="Order products directly (Idempotency-Key)",
          access="user", body="orders:OrderCreate", response="orders:OrderPublic", status=201,
          headers=("Idempotency-Key",),
          errors=(409,))  # fmt: skip
def create_order(request: Request) -> Response:
    user = require_user(request).user
    fields = validate(schemas.OrderCreate, json_body(request))
    idempotent = order_service.idempotent_request(
        user, idempotency_key(request), "create_order", fields.model_dump(mode="json")
    )
    reply = order_service.create_order(
        user,
        fields.shipping_address,
        [(item.product, item.quantity) for item in fields.order_items],
        render=lambda order: order_view(order).model_dump_json(),
        request=idempotent,
    )
    return reply_response(reply)


@endpoint(orders, ORDER, "GET", summary="An order (owner or staff)", access="user",
          response="orders:OrderPublic")  # fmt: skip
def get_order(request: Request, order_id: str) -> Response:
    actor = require_user(request).user
    return model_response(order_view(order_service.get_order(actor, path_id(order_id))))


def _update(
    request: Request, order_id: str, schema: type[OrderReplace] | type[OrderPatch]
) -> Response:
    actor = require_user(request).user
    changes = validate(schema, json_body(request))
    order = order_service.update_order(
        actor, path_id(order_id), status=changes.status, shipping_address=changes.shipping_address
    )
    return model_response(order_view(order))


@endpoint(orders, ORDER, "PUT", summary="Replace an order's address and status",
          access="user", body="orders:OrderReplace", response="orders:OrderPublic")  # fmt: skip
def replace_order(request: Request, order_id: str) -> Response:
    return _update(request, order_id, schemas.OrderReplace)


@endpoint(orders, ORDER, "PATCH", summary="Change an order's address or status",
          access="user", body="orders:OrderPatch", response="orders:OrderPublic")  # fmt: skip
def patch_order(request: Request, order_id: str) -> Response:
    return _update(request, order_id, schemas.OrderPatch)


@endpoint(orders, ORDER, "DELETE", summary="Delete an order (staff; owner while pending)",
          access="user", status=204)  # fmt: skip
def delete_order(request: Request, order_id: str) -> Response:
    actor = require_user(request).user
    order_service.delete_order(actor, path_id(order_id))
    return no_content()
