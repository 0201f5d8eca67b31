"""Mirrors ``chalicelib.store.sessions``: sessions in ``table("sessions")`` by token hash,
as ``Session`` objects, read with their user in one call.

As there, the store decides nothing about validity: a session is returned as stored,
expired or started under an older ``session_epoch`` of its user, and the use case judges
it (``services.auth.authenticate``)."""

from __future__ import annotations

import copy
from datetime import UTC

from chalicelib.domain.entities import Session, User
from chalicelib.local.memory import core
from chalicelib.local.memory.unit_of_work import UnitOfWork
from chalicelib.store.sessions import SESSION

__all__ = ["SESSION"]

# The most deletes one BatchWriteItem carries.
_BATCH_WRITE_LIMIT = 25


def _sessions() -> dict[str, Session]:
    return core.table("sessions")


def _as_stored(session: Session) -> Session:
    """What a put of ``session`` stores: a copy, its times as DynamoDB reads them back."""
    stored = copy.deepcopy(session)
    stored.created_at = stored.created_at.astimezone(UTC)
    stored.expires_at = stored.expires_at.astimezone(UTC).replace(microsecond=0)
    return stored


def _stage_put(work: UnitOfWork, session: Session, *, exists: bool) -> None:
    stored = _as_stored(session)

    def holds() -> bool:
        return (stored.token_hash in _sessions()) == exists

    def put() -> None:
        _sessions()[stored.token_hash] = copy.deepcopy(stored)

    work.stage(SESSION, put, holds)


def stage_new_session(work: UnitOfWork, session: Session) -> None:
    _stage_put(work, session, exists=False)


def stage_kept_session(work: UnitOfWork, session: Session) -> None:
    """Carry the caller's own session over a password change (under the new epoch); it
    must still exist, so a concurrent logout is not undone."""
    _stage_put(work, session, exists=True)


def get_session_and_user(token_hash: str, user_id: int) -> tuple[Session | None, User | None]:
    """The session and its user in a single call (the token names its user)."""
    with core.call("BatchGetItem"):
        session = _sessions().get(token_hash)
        user = core.table("users").get(user_id)
        return copy.deepcopy(session), copy.deepcopy(user)


def delete_session(token_hash: str) -> None:
    with core.call("DeleteItem"):
        _sessions().pop(token_hash, None)


def delete_sessions_of_user(user_id: int, keep_token_hash: str | None = None) -> None:
    """Tidy-up only: the sessions are already invalid (see the module's docstring)."""
    with core.call("Query"):
        ended = [
            token_hash
            for token_hash, session in _sessions().items()
            if session.user_id == user_id and token_hash != keep_token_hash
        ]
    for start in range(0, len(ended), _BATCH_WRITE_LIMIT):
        with core.call("BatchWriteItem"):
            for token_hash in ended[start : start + _BATCH_WRITE_LIMIT]:
                _sessions().pop(token_hash, None)
