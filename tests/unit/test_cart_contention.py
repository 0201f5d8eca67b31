"""A use case whose optimistic write lost a race runs again; one that keeps losing is a 503."""

from __future__ import annotations

import pytest

from chalicelib.domain.storage import WriteConflict
from chalicelib.errors import ServiceUnavailable
from chalicelib.services import contention
from chalicelib.services.contention import MAX_ATTEMPTS, retried


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contention.time, "sleep", lambda seconds: None)


def test_a_lost_race_is_run_again_from_its_reads() -> None:
    attempts = []

    def use_case() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise WriteConflict()
        return "done"

    assert retried(use_case) == "done"
    assert len(attempts) == 3


def test_a_use_case_that_keeps_losing_is_a_service_unavailable() -> None:
    attempts = []

    def use_case() -> None:
        attempts.append(1)
        raise WriteConflict()

    with pytest.raises(ServiceUnavailable) as raised:
        retried(use_case)
    assert len(attempts) == MAX_ATTEMPTS
    assert raised.value.retry_after_seconds >= 1


def test_a_rule_violation_is_not_retried() -> None:
    attempts = []

    def use_case() -> None:
        attempts.append(1)
        raise ValueError("no")

    with pytest.raises(ValueError):
        retried(use_case)
    assert len(attempts) == 1
