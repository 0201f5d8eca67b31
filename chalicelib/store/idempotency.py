"""Stored first answers to requests that carried an ``Idempotency-Key``.

A record is written in the same transaction as the order it answers for, under a condition
that no live record holds the key: of two concurrent requests with one key, one creates
the order and the other is cancelled and then finds the record. Records live 24 hours;
DynamoDB's TTL deletes them lazily, so expiry is also checked on every read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.domain.orders import StoredReply
from chalicelib.store.models.orders import IdempotencyRecord


def reply_key(user_id: int, client_key: str) -> str:
    """Keys are per user; the client's key is hashed so any length fits the table key."""
    return f"{user_id}#{hashlib.sha256(client_key.encode()).hexdigest()}"


def raw_key(key: str) -> dict[str, Any]:
    return {"key": {"S": key}}


def to_reply(record: IdempotencyRecord, now: datetime) -> StoredReply | None:
    """None when the record has expired (it may outlive its TTL for days)."""
    if record.expires_at <= now:
        return None
    return StoredReply(
        key=record.key,
        request_hash=record.request_hash,
        order_id=int(record.order_id),
        status=int(record.status),
        body=record.body,
        created_at=record.created_at,
    )


def to_record(reply: StoredReply) -> IdempotencyRecord:
    return IdempotencyRecord(
        reply.key,
        request_hash=reply.request_hash,
        order_id=reply.order_id,
        status=reply.status,
        body=reply.body,
        created_at=reply.created_at,
        expires_at=reply.expires_at,
    )


def free_key_condition(now: datetime) -> Condition:
    """No live record holds the key (an expired one may be replaced)."""
    return IdempotencyRecord.key.does_not_exist() | (IdempotencyRecord.expires_at <= now)


def find_reply(key: str, now: datetime) -> StoredReply | None:
    try:
        record = IdempotencyRecord.get(key, consistent_read=True)
    except IdempotencyRecord.DoesNotExist:
        return None
    return to_reply(record, now)
