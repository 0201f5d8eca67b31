"""Signup and the management of user accounts."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.config import get_settings
from chalicelib.domain import passwords
from chalicelib.domain.accounts import NewUser, UserChanges, can_manage_user, password_problems
from chalicelib.domain.changes import chosen
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import Session, User
from chalicelib.domain.storage import ConditionsFailed, Page
from chalicelib.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from chalicelib.services import ratings
from chalicelib.services.contention import gone, retried
from chalicelib.services.storage import store


def _check_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise InvalidInput({"password": problems})


def signup(new: NewUser, *, is_staff: bool = False) -> User:
    _check_password(new.password, new.username)
    password_hash = passwords.hash_password(new.password, get_settings().password_iterations)

    def create() -> User:
        user = User(
            id=store.users.new_user_id(),
            username=new.username,
            email=new.email,
            password_hash=password_hash,
            created_at=utc_now(),
            first_name=new.first_name,
            last_name=new.last_name,
            phone=new.phone,
            address=new.address,
            is_staff=is_staff,
        )
        return store.users.create_user(user)

    return retried(create)


def create_superuser(username: str, email: str, password: str) -> User:
    return signup(NewUser(username=username, email=email, password=password), is_staff=True)


def list_users(actor: User, limit: int, cursor: str | None) -> Page[User]:
    if actor.is_staff:
        return store.users.list_users(limit, cursor)
    # A customer's list is one page, which issues no cursor: any cursor is a made-up one.
    if cursor is not None:
        raise InvalidInput.on("cursor", "Invalid cursor.")
    return Page([actor], None)


def get_user(actor: User, user_id: int) -> User:
    # Someone else's account is "not found" rather than "forbidden": ids are not probed.
    if not can_manage_user(actor, user_id):
        raise NotFound()
    return store.users.get_user(user_id)


def update_user(
    actor: User, user_id: int, changes: UserChanges, current_session: Session | None
) -> User:
    """Apply ``changes`` to the user as stored when the write lands: the write is
    conditioned on the version read, and a lost race reads again and re-applies them, so
    a concurrent change (a demotion, say) is never overwritten with what was read before
    it."""
    password = chosen(changes.password, None)
    # Hashed once, outside the retries (it is the slow part).
    password_hash = (
        passwords.hash_password(password, get_settings().password_iterations)
        if password is not None
        else None
    )
    # The caller's own session survives a change of their own password.
    kept = current_session if current_session and actor.id == user_id else None

    def apply() -> tuple[User, User]:
        previous = get_user(actor, user_id)
        updated = changes.applied_to(previous)
        if updated.is_staff != previous.is_staff and not actor.is_staff:
            raise PermissionDenied("Only staff may change is_staff.")
        if password is not None and password_hash is not None:
            _check_password(password, updated.username)
            updated.password_hash = password_hash
            # Every session started before this change ends with it, atomically.
            updated.session_epoch = previous.session_epoch + 1
        try:
            with store.unit_of_work.unit_of_work() as work:
                store.users.stage_user_change(work, updated, previous)
                if password is not None and kept is not None:
                    store.sessions.stage_kept_session(
                        work, replace(kept, user_epoch=updated.session_epoch)
                    )
        except ConditionsFailed as failed:
            if failed.labels == {store.sessions.SESSION}:
                raise AuthenticationFailed() from failed  # logged out meanwhile
            store.users.raise_for_user_change(failed)
        updated.version = (previous.version or 0) + 1
        return updated, previous

    saved, previous = retried(apply)
    if saved.username != previous.username:
        ratings.rename_author(user_id, saved.username)
    if password is not None:
        # Tidy-up: those sessions stopped working when the change was committed.
        keep = kept.token_hash if kept else None
        store.sessions.delete_sessions_of_user(user_id, keep_token_hash=keep)
    return saved


def delete_user(actor: User, user_id: int) -> None:
    try:
        retried(lambda: store.users.delete_user(get_user(actor, user_id)))
    except NotFound:
        if can_manage_user(actor, user_id):
            # A repeated delete finishes the clean-up of one that failed half-way.
            _remove_what_the_user_left(user_id)
        raise
    except Exception:
        # The delete may have landed with only its answer lost: the clean-up is still
        # this request's to do.
        if not gone(lambda: store.users.get_user(user_id)):
            raise
    _remove_what_the_user_left(user_id)


def _remove_what_the_user_left(user_id: int) -> None:
    store.sessions.delete_sessions_of_user(user_id)
    store.carts.delete_user_cart(user_id)  # their orders stay, with their own copy of the name
    # After the user is gone no rating of theirs can be written any more (every rating
    # write checks that its author exists), so the sweep is not racing new ones.
    ratings.remove_ratings_of_user(user_id)
