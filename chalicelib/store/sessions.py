from __future__ import annotations

from chalicelib.domain.entities import Session, User
from chalicelib.store.batch import batch_get_one_each
from chalicelib.store.models import SessionRecord, UserRecord, bind_models
from chalicelib.store.users import to_user


def to_session(record: SessionRecord) -> Session:
    return Session(
        token_hash=record.token_hash,
        user_id=int(record.user_id),
        csrf_token=record.csrf_token,
        created_at=record.created_at,
        expires_at=record.expires_at,
    )


def save_session(session: Session) -> None:
    bind_models()
    SessionRecord(
        session.token_hash,
        user_id=session.user_id,
        csrf_token=session.csrf_token,
        created_at=session.created_at,
        expires_at=session.expires_at,
    ).save()


def get_session_and_user(token_hash: str, user_id: int) -> tuple[Session | None, User | None]:
    """The session and its user in a single BatchGetItem (the token names its user)."""
    bind_models()
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
    bind_models()
    # A delete of a missing item succeeds, so no read is needed first.
    SessionRecord(token_hash).delete()


def delete_sessions_of_user(user_id: int, keep_token_hash: str | None = None) -> None:
    bind_models()
    with SessionRecord.batch_write() as batch:
        for entry in SessionRecord.by_user.query(user_id):
            if entry.token_hash != keep_token_hash:
                batch.delete(SessionRecord(entry.token_hash))
