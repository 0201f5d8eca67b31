"""The accounts repositories, held equal in both stores: users with their username and
email claims, sessions, and the failed-login windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers import INVALID_CURSOR

from chalicelib.domain.entities import Session, User
from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.domain.throttling import Counter, FailureWindow
from chalicelib.errors import InvalidInput, NotFound

CREATED_AT = datetime(2025, 4, 17, 13, 22, 25, 166148, tzinfo=UTC)
USERNAME_TAKEN = {"username": ["A user with that username already exists."]}
EMAIL_TAKEN = {"email": ["user with this email already exists."]}
NOW = 1_750_000_000
WINDOW = 300
LIMIT = 3


def a_user(backend: Any, username: str = "alice", **fields: Any) -> User:
    """A new user (not stored yet)."""
    fields.setdefault("email", f"{username}@example.com")
    return User(
        id=backend.users.new_user_id(),
        username=username,
        password_hash="pbkdf2_sha256$1000$salt$hash",
        created_at=CREATED_AT,
        **fields,
    )


def stored_user(backend: Any, username: str = "alice", **fields: Any) -> User:
    return backend.users.create_user(a_user(backend, username, **fields))


def changed(backend: Any, updated: User, previous: User) -> None:
    with backend.unit_of_work.unit_of_work() as work:
        backend.users.stage_user_change(work, updated, previous)


def failed_labels(write: Any) -> frozenset[str]:
    with pytest.raises(ConditionsFailed) as failed:
        write()
    return failed.value.labels


# --- users --------------------------------------------------------------------------------


def test_new_user_ids_count_up_from_one(backend: Any) -> None:
    assert [backend.users.new_user_id() for _ in range(3)] == [1, 2, 3]


def test_a_created_user_is_at_version_1(backend: Any) -> None:
    assert stored_user(backend).version == 1


def test_a_created_user_reads_back_with_every_field(backend: Any) -> None:
    created = stored_user(
        backend,
        first_name="Alice",
        last_name="Liddell",
        phone="+44 20 7946 0000",
        address="Oxford",
        is_staff=True,
        is_superuser=True,
        is_active=False,
        session_epoch=2,
    )

    assert backend.users.get_user(created.id) == created


def test_a_user_without_optional_fields_reads_back_with_their_defaults(backend: Any) -> None:
    created = stored_user(backend)

    assert backend.users.get_user(created.id) == created


def test_a_second_create_with_a_taken_username_fails_on_username(backend: Any) -> None:
    stored_user(backend, "alice")

    with pytest.raises(InvalidInput) as taken:
        stored_user(backend, "ALICE", email="other@example.com")

    assert taken.value.errors == USERNAME_TAKEN


def test_a_second_create_with_a_taken_email_fails_on_email(backend: Any) -> None:
    stored_user(backend, "alice")

    with pytest.raises(InvalidInput) as taken:
        stored_user(backend, "bob", email="Alice@Example.com")

    assert taken.value.errors == EMAIL_TAKEN


def test_a_create_with_both_taken_fails_on_both(backend: Any) -> None:
    stored_user(backend, "alice")

    with pytest.raises(InvalidInput) as taken:
        stored_user(backend, "alice")

    assert taken.value.errors == {**EMAIL_TAKEN, **USERNAME_TAKEN}


def test_a_failed_create_claims_nothing(backend: Any) -> None:
    stored_user(backend, "alice")
    with pytest.raises(InvalidInput):
        stored_user(backend, "bob", email="alice@example.com")

    assert stored_user(backend, "bob").username == "bob"


def test_a_create_on_a_taken_id_is_a_write_conflict(backend: Any) -> None:
    first = stored_user(backend, "alice")

    with pytest.raises(WriteConflict):
        backend.users.create_user(replace(a_user(backend, "bob"), id=first.id))


def test_getting_a_missing_user_is_not_found(backend: Any) -> None:
    with pytest.raises(NotFound):
        backend.users.get_user(404)


def test_finding_a_missing_user_finds_none(backend: Any) -> None:
    assert backend.users.find_user(404) is None


def test_finding_a_user_finds_it_as_stored(backend: Any) -> None:
    created = stored_user(backend)

    assert backend.users.find_user(created.id) == created


def test_users_are_listed_in_id_order_in_pages_of_limit(backend: Any) -> None:
    ids = [stored_user(backend, name).id for name in ("carol", "alice", "bob")]

    first = backend.users.list_users(2, None)
    second = backend.users.list_users(2, first.next_cursor)

    assert [user.id for user in first.items] == ids[:2]
    assert [user.id for user in second.items] == ids[2:]
    assert second.next_cursor is None


def test_the_user_list_ends_without_a_cursor_when_the_last_page_is_full(backend: Any) -> None:
    for name in ("alice", "bob"):
        stored_user(backend, name)

    assert backend.users.list_users(2, None).next_cursor is None


def test_listed_users_are_as_stored(backend: Any) -> None:
    created = stored_user(backend, is_staff=True)

    assert backend.users.list_users(10, None).items == [created]


def test_an_empty_user_list_is_one_empty_page(backend: Any) -> None:
    page = backend.users.list_users(10, None)

    assert (page.items, page.next_cursor) == ([], None)


def test_a_made_up_user_list_cursor_is_invalid_input(backend: Any) -> None:
    with pytest.raises(InvalidInput) as invalid:
        backend.users.list_users(2, "eyJpZCI6MX0.bm90LWEtbWFj")

    assert invalid.value.errors == INVALID_CURSOR


def test_a_user_change_is_stored_at_the_next_version(backend: Any) -> None:
    previous = stored_user(backend)
    updated = replace(previous, first_name="Alice", is_staff=True, session_epoch=1)

    changed(backend, updated, previous)

    assert backend.users.get_user(previous.id) == replace(updated, version=2)


def test_a_username_change_frees_the_old_username(backend: Any) -> None:
    previous = stored_user(backend, "alice")
    changed(backend, replace(previous, username="alicia"), previous)

    assert stored_user(backend, "alice", email="new@example.com").username == "alice"


def test_a_username_change_claims_the_new_username(backend: Any) -> None:
    previous = stored_user(backend, "alice")
    changed(backend, replace(previous, username="alicia"), previous)

    with pytest.raises(InvalidInput) as taken:
        stored_user(backend, "Alicia", email="new@example.com")

    assert taken.value.errors == USERNAME_TAKEN


def test_an_email_change_frees_the_old_email_and_claims_the_new_one(backend: Any) -> None:
    previous = stored_user(backend, "alice")
    changed(backend, replace(previous, email="alicia@example.com"), previous)

    assert stored_user(backend, "bob", email="alice@example.com").username == "bob"
    with pytest.raises(InvalidInput) as taken:
        stored_user(backend, "carol", email="alicia@example.com")
    assert taken.value.errors == EMAIL_TAKEN


def test_a_change_of_the_username_s_case_keeps_its_claim(backend: Any) -> None:
    previous = stored_user(backend, "alice")
    changed(backend, replace(previous, username="Alice"), previous)

    assert backend.users.get_user(previous.id).username == "Alice"
    with pytest.raises(InvalidInput):
        stored_user(backend, "alice", email="new@example.com")


def test_a_change_to_a_taken_username_fails_on_username(backend: Any) -> None:
    stored_user(backend, "bob")
    previous = stored_user(backend, "alice")

    labels = failed_labels(lambda: changed(backend, replace(previous, username="BOB"), previous))

    assert labels == {"username"}


def test_a_change_to_a_taken_email_fails_on_email(backend: Any) -> None:
    stored_user(backend, "bob")
    previous = stored_user(backend, "alice")

    labels = failed_labels(
        lambda: changed(backend, replace(previous, email="bob@example.com"), previous)
    )

    assert labels == {"email"}


def test_a_change_based_on_an_older_version_fails_on_user(backend: Any) -> None:
    previous = stored_user(backend)
    changed(backend, replace(previous, first_name="First"), previous)

    labels = failed_labels(
        lambda: changed(backend, replace(previous, first_name="Second"), previous)
    )

    assert labels == {"user"}


def test_a_change_of_a_deleted_user_fails_on_user(backend: Any) -> None:
    previous = stored_user(backend)
    backend.users.delete_user(previous)

    labels = failed_labels(lambda: changed(backend, replace(previous, address="x"), previous))

    assert labels == {"user"}


def test_a_failed_change_is_a_write_conflict_when_the_user_changed(backend: Any) -> None:
    previous = stored_user(backend)
    changed(backend, replace(previous, first_name="First"), previous)
    with pytest.raises(ConditionsFailed) as failed:
        changed(backend, replace(previous, first_name="Second"), previous)

    with pytest.raises(WriteConflict):
        backend.users.raise_for_user_change(failed.value)


def test_a_failed_change_is_invalid_input_when_the_username_is_taken(backend: Any) -> None:
    stored_user(backend, "bob")
    previous = stored_user(backend, "alice")
    with pytest.raises(ConditionsFailed) as failed:
        changed(backend, replace(previous, username="bob"), previous)

    with pytest.raises(InvalidInput) as taken:
        backend.users.raise_for_user_change(failed.value)

    assert taken.value.errors == USERNAME_TAKEN


def test_a_failed_change_writes_nothing(backend: Any) -> None:
    stored_user(backend, "bob")
    previous = stored_user(backend, "alice")
    with pytest.raises(ConditionsFailed):
        changed(backend, replace(previous, username="bob", email="new@example.com"), previous)

    assert backend.users.get_user(previous.id) == previous
    assert stored_user(backend, "carol", email="new@example.com").username == "carol"


def test_a_deleted_user_is_not_found(backend: Any) -> None:
    user = stored_user(backend)

    backend.users.delete_user(user)

    with pytest.raises(NotFound):
        backend.users.get_user(user.id)


def test_deleting_a_user_frees_its_username_and_email(backend: Any) -> None:
    backend.users.delete_user(stored_user(backend, "alice"))

    assert stored_user(backend, "alice").username == "alice"


def test_deleting_a_user_changed_since_read_is_a_write_conflict(backend: Any) -> None:
    previous = stored_user(backend)
    changed(backend, replace(previous, first_name="Alice"), previous)

    with pytest.raises(WriteConflict):
        backend.users.delete_user(previous)


def test_deleting_a_user_twice_is_a_write_conflict(backend: Any) -> None:
    user = stored_user(backend)
    backend.users.delete_user(user)

    with pytest.raises(WriteConflict):
        backend.users.delete_user(user)


def test_a_re_hashed_password_is_stored_at_the_next_version(backend: Any) -> None:
    user = stored_user(backend)
    rehashed = replace(user, password_hash="pbkdf2_sha256$2000$salt$other")

    with backend.unit_of_work.unit_of_work() as work:
        backend.users.stage_password_hash(work, rehashed)

    assert backend.users.get_user(user.id) == replace(rehashed, version=2)


def test_a_re_hash_of_a_user_changed_since_read_fails_on_user(backend: Any) -> None:
    user = stored_user(backend)
    changed(backend, replace(user, first_name="Alice"), user)

    def rehash() -> None:
        with backend.unit_of_work.unit_of_work() as work:
            backend.users.stage_password_hash(work, replace(user, password_hash="other"))

    assert failed_labels(rehash) == {"user"}


# --- sessions -----------------------------------------------------------------------------


def a_session(user: User, token_hash: str = "a" * 64, **fields: Any) -> Session:
    # Whole seconds: a session's expiry is stored as one (its TTL).
    fields.setdefault("expires_at", datetime(2025, 5, 1, 13, 22, 25, tzinfo=UTC))
    fields.setdefault("csrf_token", "csrf")
    return Session(
        token_hash=token_hash,
        user_id=user.id,
        created_at=CREATED_AT,
        user_epoch=user.session_epoch,
        **fields,
    )


def started(backend: Any, session: Session) -> Session:
    with backend.unit_of_work.unit_of_work() as work:
        backend.sessions.stage_new_session(work, session)
    return session


def kept(backend: Any, session: Session) -> None:
    with backend.unit_of_work.unit_of_work() as work:
        backend.sessions.stage_kept_session(work, session)


def test_a_started_session_reads_back_with_its_user(backend: Any) -> None:
    user = stored_user(backend, session_epoch=3)
    session = started(backend, a_session(user))

    assert backend.sessions.get_session_and_user(session.token_hash, user.id) == (session, user)


def test_a_session_s_expiry_reads_back_in_whole_seconds(backend: Any) -> None:
    user = stored_user(backend)
    expires_at = CREATED_AT + timedelta(days=14)
    session = started(backend, a_session(user, expires_at=expires_at))

    read, _ = backend.sessions.get_session_and_user(session.token_hash, user.id)

    assert read.expires_at == expires_at.replace(microsecond=0)


def test_an_expired_session_is_still_read(backend: Any) -> None:
    user = stored_user(backend)
    session = started(backend, a_session(user, expires_at=datetime(2000, 1, 1, tzinfo=UTC)))

    read, _ = backend.sessions.get_session_and_user(session.token_hash, user.id)

    assert read == session


def test_a_session_of_an_older_epoch_is_still_read(backend: Any) -> None:
    user = stored_user(backend, session_epoch=2)
    session = started(backend, replace(a_session(user), user_epoch=1))

    assert backend.sessions.get_session_and_user(session.token_hash, user.id) == (session, user)


def test_a_missing_session_reads_as_none_beside_its_user(backend: Any) -> None:
    user = stored_user(backend)

    assert backend.sessions.get_session_and_user("b" * 64, user.id) == (None, user)


def test_a_session_of_a_missing_user_reads_with_no_user(backend: Any) -> None:
    user = stored_user(backend)
    session = started(backend, a_session(user))

    assert backend.sessions.get_session_and_user(session.token_hash, 404) == (session, None)


def test_starting_a_session_on_a_taken_token_fails_on_session(backend: Any) -> None:
    user = stored_user(backend)
    started(backend, a_session(user))

    labels = failed_labels(lambda: started(backend, a_session(user, csrf_token="other")))

    assert labels == {backend.sessions.SESSION}


def test_a_kept_session_is_stored_under_its_new_epoch(backend: Any) -> None:
    user = stored_user(backend)
    session = started(backend, a_session(user))

    kept(backend, replace(session, user_epoch=1))

    read, _ = backend.sessions.get_session_and_user(session.token_hash, user.id)
    assert read == replace(session, user_epoch=1)


def test_keeping_a_session_that_ended_fails_on_session(backend: Any) -> None:
    user = stored_user(backend)
    session = started(backend, a_session(user))
    backend.sessions.delete_session(session.token_hash)

    labels = failed_labels(lambda: kept(backend, replace(session, user_epoch=1)))

    assert labels == {backend.sessions.SESSION}


def test_a_session_and_a_user_change_fail_together(backend: Any) -> None:
    previous = stored_user(backend)
    changed(backend, replace(previous, first_name="First"), previous)
    session = started(backend, a_session(previous))
    backend.sessions.delete_session(session.token_hash)

    def change_keeping_the_session() -> None:
        with backend.unit_of_work.unit_of_work() as work:
            backend.users.stage_user_change(work, replace(previous, session_epoch=1), previous)
            backend.sessions.stage_kept_session(work, replace(session, user_epoch=1))

    assert failed_labels(change_keeping_the_session) == {"user", backend.sessions.SESSION}


def test_a_deleted_session_reads_as_none(backend: Any) -> None:
    user = stored_user(backend)
    session = started(backend, a_session(user))

    backend.sessions.delete_session(session.token_hash)

    assert backend.sessions.get_session_and_user(session.token_hash, user.id) == (None, user)


def test_deleting_a_missing_session_succeeds(backend: Any) -> None:
    backend.sessions.delete_session("c" * 64)


def test_deleting_a_user_s_sessions_keeps_the_one_named_and_other_users(backend: Any) -> None:
    alice, bob = stored_user(backend, "alice"), stored_user(backend, "bob")
    for token_hash in ("a1", "a2", "a3"):
        started(backend, a_session(alice, token_hash))
    started(backend, a_session(bob, "b1"))

    backend.sessions.delete_sessions_of_user(alice.id, keep_token_hash="a2")

    def remaining(token_hash: str, user: User) -> bool:
        return backend.sessions.get_session_and_user(token_hash, user.id)[0] is not None

    assert [remaining(token, alice) for token in ("a1", "a2", "a3")] == [False, True, False]
    assert remaining("b1", bob)


def test_deleting_all_of_a_user_s_sessions_leaves_none(backend: Any) -> None:
    user = stored_user(backend)
    for token_hash in ("a1", "a2"):
        started(backend, a_session(user, token_hash))

    backend.sessions.delete_sessions_of_user(user.id)

    assert [backend.sessions.get_session_and_user(t, user.id)[0] for t in ("a1", "a2")] == [
        None,
        None,
    ]


# --- login attempts -----------------------------------------------------------------------


def counter(backend: Any, window: FailureWindow, key: str = "login-failures#user#alice") -> Counter:
    return Counter(key, backend.login_attempts.USERNAME_LIMIT, window, LIMIT)


def count_failure(backend: Any, counted: Counter, now: int = NOW) -> None:
    with backend.unit_of_work.unit_of_work() as work:
        backend.login_attempts.stage_failure(work, counted, now, WINDOW)


def check_limits(backend: Any, counters: list[Counter], now: int = NOW) -> None:
    with backend.unit_of_work.unit_of_work() as work:
        backend.login_attempts.stage_limit_checks(work, counters, now, WINDOW)


def failures(backend: Any, username: str = "alice", address: str = "192.0.2.1") -> Any:
    return backend.login_attempts.read_login_state(username, address)


def username_window(backend: Any) -> FailureWindow:
    return failures(backend).username_failures


def counted_times(backend: Any, times: int, now: int = NOW) -> None:
    for _ in range(times):
        count_failure(backend, counter(backend, username_window(backend)), now)


def test_the_failure_keys_name_the_username_casefolded_and_the_address(backend: Any) -> None:
    assert backend.login_attempts.username_failures_key("Alice") == "login-failures#user#alice"
    assert (
        backend.login_attempts.address_failures_key("192.0.2.1")
        == "login-failures#address#192.0.2.1"
    )


def test_an_unknown_username_with_no_failures_reads_empty(backend: Any) -> None:
    state = failures(backend)

    assert (state.user_id, state.username_failures, state.address_failures) == (
        None,
        FailureWindow(0, 0),
        FailureWindow(0, 0),
    )


def test_the_login_state_names_the_user_of_the_username_in_any_case(backend: Any) -> None:
    user = stored_user(backend, "Alice")

    assert failures(backend, "aLICE").user_id == user.id


def test_a_first_failure_opens_a_window_now(backend: Any) -> None:
    count_failure(backend, counter(backend, FailureWindow(0, 0)))

    assert username_window(backend) == FailureWindow(1, NOW)


def test_a_failure_inside_the_window_is_counted_in_it(backend: Any) -> None:
    counted_times(backend, 1)

    count_failure(backend, counter(backend, username_window(backend)), NOW + 10)

    assert username_window(backend) == FailureWindow(2, NOW)


def test_the_address_counter_is_read_apart_from_the_username_one(backend: Any) -> None:
    address_key = backend.login_attempts.address_failures_key("192.0.2.1")
    count_failure(backend, counter(backend, FailureWindow(0, 0), address_key))

    state = failures(backend)

    assert (state.username_failures, state.address_failures) == (
        FailureWindow(0, 0),
        FailureWindow(1, NOW),
    )


def test_a_failure_at_the_limit_inside_the_window_fails_on_its_label(backend: Any) -> None:
    counted_times(backend, LIMIT)
    full = counter(backend, username_window(backend))

    assert failed_labels(lambda: count_failure(backend, full, NOW + 10)) == {
        backend.login_attempts.USERNAME_LIMIT
    }


def test_a_failure_on_a_window_replaced_since_read_fails_on_its_label(backend: Any) -> None:
    counted_times(backend, 1, NOW - WINDOW)
    read = counter(backend, username_window(backend))
    counted_times(backend, 1, NOW)  # the window read had passed: a new one opened

    labels = failed_labels(lambda: count_failure(backend, read, NOW - 1))

    assert labels == {backend.login_attempts.USERNAME_LIMIT}


def test_a_first_failure_when_another_opened_the_window_fails_on_its_label(backend: Any) -> None:
    counted_times(backend, 1)

    labels = failed_labels(lambda: count_failure(backend, counter(backend, FailureWindow(0, 0))))

    assert labels == {backend.login_attempts.USERNAME_LIMIT}


def test_a_failure_after_the_window_passed_opens_a_new_one(backend: Any) -> None:
    counted_times(backend, LIMIT)
    later = NOW + WINDOW

    count_failure(backend, counter(backend, username_window(backend)), later)

    assert username_window(backend) == FailureWindow(1, later)


def test_reading_counters_gives_each_key_its_window(backend: Any) -> None:
    counted_times(backend, 2)
    username_key = backend.login_attempts.username_failures_key("alice")

    assert backend.login_attempts.read_counters([username_key, "login-failures#user#bob"]) == {
        username_key: FailureWindow(2, NOW),
        "login-failures#user#bob": FailureWindow(0, 0),
    }


def test_the_limit_check_holds_without_any_failure(backend: Any) -> None:
    check_limits(backend, [counter(backend, FailureWindow(0, 0))])


def test_the_limit_check_holds_below_the_limit(backend: Any) -> None:
    counted_times(backend, LIMIT - 1)

    check_limits(backend, [counter(backend, username_window(backend))])


def test_the_limit_check_holds_at_the_limit_once_the_window_passed(backend: Any) -> None:
    counted_times(backend, LIMIT)

    check_limits(backend, [counter(backend, username_window(backend))], NOW + WINDOW)


def test_the_limit_check_fails_on_the_label_of_the_counter_at_its_limit(backend: Any) -> None:
    counted_times(backend, LIMIT)
    address = Counter(
        backend.login_attempts.address_failures_key("192.0.2.1"),
        backend.login_attempts.ADDRESS_LIMIT,
        FailureWindow(0, 0),
        LIMIT,
    )
    at_limit = counter(backend, username_window(backend))

    labels = failed_labels(lambda: check_limits(backend, [at_limit, address], NOW + 10))

    assert labels == {backend.login_attempts.USERNAME_LIMIT}


def test_a_failed_limit_check_starts_no_session(backend: Any) -> None:
    user = stored_user(backend)
    counted_times(backend, LIMIT)
    at_limit = counter(backend, username_window(backend))
    session = a_session(user)

    def login() -> None:
        with backend.unit_of_work.unit_of_work() as work:
            backend.login_attempts.stage_limit_checks(work, [at_limit], NOW, WINDOW)
            backend.sessions.stage_new_session(work, session)

    with pytest.raises(ConditionsFailed):
        login()
    assert backend.sessions.get_session_and_user(session.token_hash, user.id) == (None, user)
