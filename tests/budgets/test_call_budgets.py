"""The DynamoDB round trips of each budgeted request, counted at the emulator, and of a
repeated public read answered 304."""

from collections.abc import Iterator

import pytest
from emptied import empty_store

from benchmarks.calls import Measurement, measure_calls
from benchmarks.conditional_gets import Repeat, measure_repeats
from benchmarks.run import FIRST_CATEGORY_ID, FIRST_PRODUCT_ID


@pytest.fixture(scope="module")
def measured(emulator) -> Iterator[tuple[list[Measurement], list[Repeat]]]:
    """Measured once for the module (the requests write: a cart, an order, a rating), on
    tables emptied before and after."""
    empty_store(emulator)
    measurements = [m for m in measure_calls(emulator.url) if m.calls is not None]
    repeats = measure_repeats(emulator.url, FIRST_PRODUCT_ID, FIRST_CATEGORY_ID)
    yield measurements, repeats
    empty_store(emulator)


@pytest.fixture
def measurements(measured) -> list[Measurement]:
    return measured[0]


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


def test_every_repeated_public_read_is_a_304_for_no_more_calls_than_the_read(measured):
    _, repeats = measured
    assert [r.path for r in repeats if not r.within_budget] == []
    assert all(r.first_status == 200 for r in repeats)
