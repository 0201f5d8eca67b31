"""Filtered product lists fill their pages at a cost that does not grow with the catalog:
20 matches spread evenly through a catalog arrive in at most 2 requests of ``limit=20``,
each within 5 DynamoDB calls (counted at the emulator), reading as many index entries
from a large catalog as from a small one. (benchmarks/filtered_pages.py measures the same
at 10,000 products; writing those to the emulator takes over a minute.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emptied import empty_store

from benchmarks.filtered_pages import (
    INDEXED_FILTERS,
    SOLD_OUT_CATALOG_FILTERS,
    FilteredList,
    is_match,
    load_catalog,
    measure_list,
    stock_of,
)
from chalicelib.domain.catalog import ProductQuery

SMALL_CATALOG = 100
LARGE_CATALOG = 400
MAX_REQUESTS = 2
MAX_CALLS_PER_REQUEST = 5
# Every indexed filter, and whether it is measured on the sold-out catalog.
MEASURED = {
    **{label: (query, False) for label, query in INDEXED_FILTERS.items()},
    **{label: (query, True) for label, query in SOLD_OUT_CATALOG_FILTERS.items()},
}


def _measured(emulator: object, size: int) -> dict[str, FilteredList]:
    empty_store(emulator)
    url = emulator.url  # type: ignore[attr-defined]
    measured = {}
    for sold_out in (False, True):
        load_catalog(size, sold_out=sold_out)
        measured |= {
            label: measure_list(url, label, query, size)
            for label, (query, on_sold_out) in MEASURED.items()
            if on_sold_out == sold_out
        }
    return measured


def _matches(query: ProductQuery, size: int, *, sold_out: bool) -> list[int]:
    """The products of the catalog ``load_catalog`` wrote that ``query`` should find."""
    by_color_or_size = query.color is not None or query.size is not None
    return [
        number
        for number in range(1, size + 1)
        if (not by_color_or_size or is_match(number, size))
        and (
            query.in_stock is None
            or (stock_of(number, size, sold_out=sold_out) > 0) == query.in_stock
        )
    ]


@pytest.fixture(scope="module")
def catalogs(emulator: object) -> Iterator[dict[int, dict[str, FilteredList]]]:
    measured = {size: _measured(emulator, size) for size in (SMALL_CATALOG, LARGE_CATALOG)}
    yield measured
    empty_store(emulator)


@pytest.mark.parametrize("label", sorted(MEASURED))
def test_every_match_arrives_within_two_requests(
    catalogs: dict[int, dict[str, FilteredList]], label: str
) -> None:
    listed = catalogs[LARGE_CATALOG][label]

    query, sold_out = MEASURED[label]
    matches = _matches(query, LARGE_CATALOG, sold_out=sold_out)
    assert listed.requests <= MAX_REQUESTS
    assert listed.found == len(matches)


@pytest.mark.parametrize("label", sorted(MEASURED))
def test_a_filtered_request_costs_at_most_five_calls(
    catalogs: dict[int, dict[str, FilteredList]], label: str
) -> None:
    assert max(catalogs[LARGE_CATALOG][label].calls_per_request) <= MAX_CALLS_PER_REQUEST


@pytest.mark.parametrize("label", sorted(MEASURED))
def test_a_filtered_page_reads_as_much_from_a_large_catalog_as_from_a_small_one(
    catalogs: dict[int, dict[str, FilteredList]], label: str
) -> None:
    small, large = catalogs[SMALL_CATALOG][label], catalogs[LARGE_CATALOG][label]

    assert large.items_read_per_request == small.items_read_per_request
