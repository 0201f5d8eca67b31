"""Login throttling: a window opens at the first failure and lasts a fixed time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FailureWindow:
    failures: int
    started_at: int

    def seconds_blocked(self, limit: int, now: int, window_seconds: int) -> int:
        """Seconds until attempts are allowed again; 0 when they are allowed now.

        ``limit`` failures are answered normally; any attempt beyond them inside the same
        window is refused, whatever its password, until the window has passed.
        """
        window_ends_at = self.started_at + window_seconds
        if self.failures < limit or now >= window_ends_at:
            return 0
        return window_ends_at - now


@dataclass(frozen=True)
class Counter:
    """One login failure counter as read, with its limit."""

    key: str
    label: str
    window: FailureWindow
    limit: int


@dataclass
class LoginState:
    user_id: int | None
    username_failures: FailureWindow
    address_failures: FailureWindow
