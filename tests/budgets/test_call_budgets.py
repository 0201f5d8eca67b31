"""The DynamoDB round trips of each budgeted request, counted at the emulator."""

import pytest

from benchmarks.calls import Measurement, measure_calls


@pytest.fixture
def measurements(store, emulator) -> list[Measurement]:
    return [m for m in measure_calls(emulator.url) if m.calls is not None]


def test_every_served_budgeted_request_succeeds(measurements):
    failed = {m.scenario.label: m.status for m in measurements if m.status not in (200, 201)}
    assert failed == {}


def test_every_served_request_stays_within_its_dynamodb_call_budget(measurements):
    over = {
        m.scenario.label: (sum(m.calls.values()), m.scenario.allowed_calls)
        for m in measurements
        if not m.within_budget
    }
    assert over == {}


def test_no_budgeted_request_scans_a_table(measurements):
    scanning = [m.scenario.label for m in measurements if m.calls and m.calls.get("Scan")]
    assert scanning == []
