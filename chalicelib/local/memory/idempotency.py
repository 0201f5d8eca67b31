"""Stored first answers to requests that carried an ``Idempotency-Key``: the in-memory
mirror of ``chalicelib.store.idempotency``.

Rows are ``table("idempotency")[key] = StoredReply``. DynamoDB keeps a record's expiry in
a TTL attribute, whole seconds since the epoch, so a reply expires at its 24 hours rounded
down to the second; ``expiry`` reproduces that, and the orders' condition that a key is
free compares it with ``now`` rounded down the same way.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, datetime

from chalicelib.domain.orders import StoredReply
from chalicelib.local.memory import core


def reply_key(user_id: int, client_key: str) -> str:
    """Keys are per user; the client's key is hashed so any length fits the table key."""
    return f"{user_id}#{hashlib.sha256(client_key.encode()).hexdigest()}"


def whole_seconds(moment: datetime) -> datetime:
    """``moment`` as a DynamoDB TTL attribute stores it: UTC, rounded down to the second
    (a naive datetime is refused, as PynamoDB refuses it)."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return datetime.fromtimestamp(calendar.timegm(moment.utctimetuple()), tz=UTC)


def stored(reply: StoredReply) -> StoredReply:
    """The reply as DynamoDB gives it back (its timestamp in UTC)."""
    return StoredReply(
        key=reply.key,
        request_hash=reply.request_hash,
        order_id=reply.order_id,
        status=reply.status,
        body=reply.body,
        created_at=reply.created_at.astimezone(UTC),
    )


def expiry(reply: StoredReply) -> datetime:
    return whole_seconds(reply.expires_at)


def live(reply: StoredReply | None, now: datetime) -> StoredReply | None:
    """None when missing or expired (DynamoDB's TTL deletes lazily, so reads check)."""
    if reply is None or expiry(reply) <= now:
        return None
    return reply


def key_is_free(key: str, now: datetime) -> bool:
    """No live reply holds the key (an expired one may be replaced); call inside a call."""
    held = core.table("idempotency").get(key)
    return held is None or expiry(held) <= whole_seconds(now)


def find_reply(key: str, now: datetime) -> StoredReply | None:
    with core.call("GetItem"):
        return live(core.table("idempotency").get(key), now)
