"""Login failure windows: the window opens at the first failure and lasts a fixed time."""

from __future__ import annotations

from chalicelib.domain.throttling import FailureWindow

LIMIT = 10
WINDOW = 900
OPENED_AT = 1_000_000


def test_failures_up_to_the_limit_are_not_blocked() -> None:
    window = FailureWindow(failures=LIMIT - 1, started_at=OPENED_AT)

    assert window.seconds_blocked(LIMIT, now=OPENED_AT + 10, window_seconds=WINDOW) == 0


def test_an_attempt_after_the_limit_is_blocked_until_the_window_ends() -> None:
    window = FailureWindow(failures=LIMIT, started_at=OPENED_AT)

    assert window.seconds_blocked(LIMIT, now=OPENED_AT + 100, window_seconds=WINDOW) == 800


def test_the_block_ends_when_the_window_has_passed() -> None:
    window = FailureWindow(failures=LIMIT * 5, started_at=OPENED_AT)

    assert window.seconds_blocked(LIMIT, now=OPENED_AT + WINDOW, window_seconds=WINDOW) == 0


def test_the_last_second_of_the_window_is_still_blocked() -> None:
    window = FailureWindow(failures=LIMIT, started_at=OPENED_AT)

    assert window.seconds_blocked(LIMIT, now=OPENED_AT + WINDOW - 1, window_seconds=WINDOW) == 1


def test_no_window_blocks_nothing() -> None:
    window = FailureWindow(failures=0, started_at=0)

    assert window.seconds_blocked(LIMIT, now=OPENED_AT, window_seconds=WINDOW) == 0
