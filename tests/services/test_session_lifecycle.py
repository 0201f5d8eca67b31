"""Sessions: issued at login, refused once expired, ended by logout, by a password change
(the other sessions) and by deleting the user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import CLIENT_ADDRESS, PASSWORD

from chalicelib.domain.accounts import NewUser, UserChanges
from chalicelib.domain.clock import utc_now
from chalicelib.domain.entities import User
from chalicelib.domain.tokens import hash_token
from chalicelib.errors import AuthenticationFailed, InvalidInput
from chalicelib.services import accounts, auth
from chalicelib.services.storage import store


def log_in(user: User, password: str = PASSWORD) -> str:
    return auth.login(user.username, password, CLIENT_ADDRESS).token


def is_valid(token: str) -> bool:
    try:
        auth.authenticate(token)
    except AuthenticationFailed:
        return False
    return True


def test_a_token_from_login_authenticates_its_user(shopper_user: User) -> None:
    user, session = auth.authenticate(log_in(shopper_user))

    assert (user.id, session.user_id) == (shopper_user.id, shopper_user.id)


def test_only_a_hash_of_the_token_is_stored(shopper_user: User) -> None:
    token = log_in(shopper_user)

    stored, _ = store.sessions.get_session_and_user(hash_token(token), shopper_user.id)
    assert stored is not None and stored.token_hash != token and token not in stored.token_hash


def test_a_session_lasts_fourteen_days(shopper_user: User) -> None:
    result = auth.login(shopper_user.username, PASSWORD, CLIENT_ADDRESS)

    lifetime = result.session.expires_at - result.session.created_at
    assert lifetime == timedelta(days=14)


def test_a_session_is_valid_until_it_expires(
    shopper_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = log_in(shopper_user)
    monkeypatch.setattr(auth, "utc_now", lambda: utc_now() + timedelta(days=13, hours=23))

    assert is_valid(token)


def test_an_expired_session_is_refused(shopper_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    token = log_in(shopper_user)
    monkeypatch.setattr(auth, "utc_now", lambda: utc_now() + timedelta(days=14, seconds=1))

    with pytest.raises(AuthenticationFailed, match="expired"):
        auth.authenticate(token)


@pytest.mark.parametrize("token", ["", "garbage", "1.", ".secret", "x.secret", "1.wrong-secret"])
def test_a_token_not_issued_is_refused(shopper_user: User, token: str) -> None:
    assert not is_valid(token)


def test_a_token_with_another_users_id_is_refused(shopper_user: User, staff_user: User) -> None:
    _, _, secret = log_in(shopper_user).partition(".")

    assert not is_valid(f"{staff_user.id}.{secret}")


def test_logout_ends_the_session_at_once(shopper_user: User) -> None:
    token = log_in(shopper_user)
    _, session = auth.authenticate(token)

    auth.logout(session)

    assert not is_valid(token)


def test_logout_ends_only_that_session(shopper_user: User) -> None:
    kept = log_in(shopper_user)
    _, ended = auth.authenticate(log_in(shopper_user))

    auth.logout(ended)

    assert is_valid(kept)


def test_changing_ones_password_ends_the_other_sessions_only(shopper_user: User) -> None:
    current, other = log_in(shopper_user), log_in(shopper_user)
    _, session = auth.authenticate(current)

    accounts.update_user(
        shopper_user, shopper_user.id, UserChanges(password="new-horse-10"), session
    )

    assert (is_valid(current), is_valid(other)) == (True, False)


def test_a_password_changed_by_staff_ends_every_session_of_the_user(
    shopper_user: User, staff_user: User
) -> None:
    token = log_in(shopper_user)
    _, staff_session = auth.authenticate(log_in(staff_user))

    accounts.update_user(
        staff_user, shopper_user.id, UserChanges(password="new-horse-10"), staff_session
    )

    assert not is_valid(token)
    assert is_valid(log_in(shopper_user, "new-horse-10"))


def test_a_profile_change_without_a_password_keeps_the_sessions(shopper_user: User) -> None:
    token = log_in(shopper_user)

    accounts.update_user(shopper_user, shopper_user.id, UserChanges(first_name="Sam"), None)

    assert is_valid(token)


def test_a_changed_password_replaces_the_old_one(shopper_user: User) -> None:
    accounts.update_user(shopper_user, shopper_user.id, UserChanges(password="new-horse-10"), None)

    assert is_valid(log_in(shopper_user, "new-horse-10"))
    with pytest.raises(InvalidInput):
        log_in(shopper_user)


def test_deleting_a_user_ends_their_sessions(shopper_user: User) -> None:
    token = log_in(shopper_user)

    accounts.delete_user(shopper_user, shopper_user.id)

    assert not is_valid(token)


def test_deleting_a_user_removes_their_session_records(shopper_user: User) -> None:
    token = log_in(shopper_user)

    accounts.delete_user(shopper_user, shopper_user.id)

    assert store.sessions.get_session_and_user(hash_token(token), shopper_user.id) == (None, None)


def test_deleting_a_user_frees_their_username_and_email(shopper_user: User) -> None:
    accounts.delete_user(shopper_user, shopper_user.id)

    again = accounts.signup(
        NewUser(username="Shopper", email="shopper@example.com", password=PASSWORD)
    )
    assert again.id != shopper_user.id
