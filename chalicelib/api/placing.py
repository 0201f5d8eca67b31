"""Placing an order, by checkout (``POST /api/cart/checkout/``) or directly (``POST
/api/orders/``): the ``Idempotency-Key`` a request may carry, and the response, which a
repeat of the request gets again exactly as it was first sent."""

from __future__ import annotations

from collections.abc import Callable

from chalice import Response
from pydantic import BaseModel

from chalicelib.api.deferred import domain, services
from chalicelib.api.security import Call

IDEMPOTENCY_HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
CREATED = 201
# The response to a new order: pure, so that the one recorded for a repeat is the one sent.
type Answer = Callable[[domain.orders.Order], services.orders.Recorded]


def created(order: domain.orders.Order, body: BaseModel) -> services.orders.Recorded:
    return services.orders.Recorded(order.id, CREATED, body.model_dump_json())


def idempotency(
    call: Call, operation: str, fields: BaseModel, answer: Answer
) -> services.orders.Idempotency | None:
    """None when the request has no ``Idempotency-Key``."""
    request = services.orders.idempotent_request(
        call.user,
        call.request.headers.get(IDEMPOTENCY_HEADER),
        operation,
        fields.model_dump(mode="json"),
    )
    return None if request is None else services.orders.Idempotency(request, answer)


def placed_response(reply: services.orders.Reply, answer: Answer) -> Response:
    """The new order's response, or for a repeat the first one again (marked replayed)."""
    recorded = reply.recorded
    if recorded is None:
        assert reply.order is not None  # only a replay lacks the order
        recorded = answer(reply.order)
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if reply.replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(body=recorded.body, status_code=recorded.status, headers=headers)
