"""Sessions: one item per token (keyed by the token's hash), read with their user in one
BatchGetItem.

Whether a session is still valid is decided by the two items alone (its user exists, is
active and has the ``session_epoch`` the session was started under), never by the
``sessions_by_user`` index: an index lags behind writes, so a session created a moment
before a password change could be missed by it. The index only tidies up afterwards.
"""

from __future__ import annotations

from chalicelib.domain.entities import Session, User
from chalicelib.store.batch import batch_get_one_each
from chalicelib.store.models.accounts import SessionRecord, UserRecord
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.users import to_user

SESSION = "session"


def to_session(record: SessionRecord) -> Session:
    return Session(
        token_hash=record.token_hash,
        user_id=int(record.user_id),
        csrf_token=record.csrf_token,
        created_at=record.created_at,
        expires_at=record.expires_at,
        user_epoch=int(record.user_epoch or 0),
    )


def to_record(session: Session) -> SessionRecord:
    return SessionRecord(
        session.token_hash,
        user_id=session.user_id,
        csrf_token=session.csrf_token,
        created_at=session.created_at,
        expires_at=session.expires_at,
        user_epoch=session.user_epoch,
    )


def stage_new_session(work: UnitOfWork, session: Session) -> None:
    work.put(SESSION, to_record(session), condition=SessionRecord.token_hash.does_not_exist())


def stage_kept_session(work: UnitOfWork, session: Session) -> None:
    """Carry the caller's own session over a password change (under the new epoch); it
    must still exist, so a concurrent logout is not undone."""
    work.put(SESSION, to_record(session), condition=SessionRecord.token_hash.exists())


def get_session_and_user(token_hash: str, user_id: int) -> tuple[Session | None, User | None]:
    """The session and its user in a single BatchGetItem (the token names its user)."""
    session_record, user_record = batch_get_one_each(
        [
            (SessionRecord, {"token_hash": {"S": token_hash}}),
            (UserRecord, {"id": {"N": str(user_id)}}),
        ]
    )
    session = to_session(session_record) if isinstance(session_record, SessionRecord) else None
    user = to_user(user_record) if isinstance(user_record, UserRecord) else None
    return session, user


def delete_session(token_hash: str) -> None:
    # A delete of a missing item succeeds, so no read is needed first.
    SessionRecord(token_hash).delete()


def delete_sessions_of_user(user_id: int, keep_token_hash: str | None = None) -> None:
    """Tidy-up only: the sessions are already invalid (see the module's docstring)."""
    with SessionRecord.batch_write() as batch:
        for entry in SessionRecord.by_user.query(user_id):
            if entry.token_hash != keep_token_hash:
                batch.delete(SessionRecord(entry.token_hash))
