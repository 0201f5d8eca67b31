"""Filtered product lists on a large catalog: how many requests a client needs to see
every match, and what each request costs (DynamoDB calls counted at the emulator, index
entries read as DynamoDB reports them in ScannedCount).

The catalog holds ``MATCHES`` products that every measured color, size and search filter
finds, spread evenly through it, among products that match none; and as many sold-out
products, spread evenly too, which ``in_stock=false`` finds. ``in_stock=true`` is measured
on the same catalog with the stock turned around: all sold out but those few. Measured on
an emulator whose tables are empty; the catalog is written straight to it with
BatchWriteItem.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from benchmarks.call_counter import EmulatorCallCounter
from chalicelib.domain.catalog import ProductQuery

CATALOG_SIZE = 10_000
MATCHES = 20
PAGE_SIZE = 20
# A client reading every page stops here, so a list that never fills cannot loop forever.
MAX_REQUESTS = 1_000

# Filters whose matches an index reads directly; the values differ in case from the
# stored ones on purpose.
INDEXED_FILTERS = {
    "color=blue": ProductQuery(limit=PAGE_SIZE, color="blue"),
    "color=BLUE&ordering=-price": ProductQuery(limit=PAGE_SIZE, color="BLUE", ordering="-price"),
    "size=xl&ordering=name": ProductQuery(limit=PAGE_SIZE, size="xl", ordering="name"),
    "color=blue&in_stock=true": ProductQuery(limit=PAGE_SIZE, color="blue", in_stock=True),
    "in_stock=false": ProductQuery(limit=PAGE_SIZE, in_stock=False),
    "in_stock=false&ordering=name": ProductQuery(limit=PAGE_SIZE, in_stock=False, ordering="name"),
}
# Indexed too, but measured on the catalog that is sold out but for ``MATCHES`` products.
SOLD_OUT_CATALOG_FILTERS = {
    "in_stock=true": ProductQuery(limit=PAGE_SIZE, in_stock=True),
    "in_stock=true&ordering=-price": ProductQuery(
        limit=PAGE_SIZE, in_stock=True, ordering="-price"
    ),
}
# Served by reading the catalog's index until the page is full: bounded in calls, not in
# entries read.
UNINDEXED_FILTERS = {
    "search=needle": ProductQuery(limit=PAGE_SIZE, search="needle"),
}


@dataclass
class FilteredList:
    label: str
    catalog_size: int
    found: int = 0
    calls_per_request: list[int] = field(default_factory=list)
    items_read_per_request: list[int] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.calls_per_request)


def is_match(number: int, size: int, matches: int = MATCHES) -> bool:
    """Whether product ``number`` of a catalog of ``size`` is one the filters find."""
    every = size // matches
    return number % every == every // 2


def stands_out_in_stock(number: int, size: int, matches: int = MATCHES) -> bool:
    """Whether product ``number`` is one of the few whose stock differs from the rest's:
    sold out in a stocked catalog, in stock in a sold-out one (never a color or size
    match, so those lists keep all their matches in stock)."""
    return number % (size // matches) == 0


def stock_of(number: int, size: int, *, sold_out: bool = False, matches: int = MATCHES) -> int:
    """Product ``number``'s stock, in a stocked catalog or (``sold_out``) a sold-out one."""
    in_stock = stands_out_in_stock(number, size, matches) == sold_out
    return 1 + number % 7 if in_stock else 0


def load_catalog(size: int, matches: int = MATCHES, *, sold_out: bool = False) -> None:
    """``size`` products, every ``size // matches``-th of them a match (blue, XL, a
    "needle" in its description), all in stock but ``matches`` others, evenly spread (or,
    ``sold_out``, all sold out but those), written in batches of 25."""
    from chalicelib.domain.clock import utc_now
    from chalicelib.domain.entities import Category, Product
    from chalicelib.store import categories, products
    from chalicelib.store.models import bind_models
    from chalicelib.store.models.catalog import CategoryRecord, ProductRecord

    bind_models()
    category = Category(id=1, name="Bench", created_at=utc_now(), product_count=size)
    # Written as a batch, unconditionally: it replaces the category of a catalog loaded
    # before (a put conditioned on the version would refuse to).
    with CategoryRecord.batch_write() as categories_batch:
        categories_batch.save(categories.to_record(category))
    now = utc_now()
    with ProductRecord.batch_write() as batch:
        for number in range(1, size + 1):
            match = is_match(number, size, matches)
            product = Product(
                id=number,
                name=f"Product {number:05d}",
                price=Decimal(number % 997) + Decimal("0.99"),
                category_id=category.id,
                category_name=category.name,
                created_at=now,
                stock=stock_of(number, size, sold_out=sold_out, matches=matches),
                description="A needle in the haystack" if match else "Hay",
                color="Blue" if match else "Red",
                size="XL" if match else "M",
            )
            batch.save(products.to_record(product))


@contextmanager
def _items_read() -> Iterator[Callable[[], int]]:
    """Sums the ScannedCount of every Query answered while inside."""
    from botocore.client import BaseClient

    original: Callable[..., Any] = BaseClient._make_api_call
    lock = threading.Lock()
    total = 0

    def counting_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        nonlocal total
        response = original(client, operation, params)
        if operation == "Query":
            with lock:
                total += int(response.get("ScannedCount", 0))
        return response

    BaseClient._make_api_call = counting_call
    try:
        yield lambda: total
    finally:
        BaseClient._make_api_call = original


def measure_list(emulator_url: str, label: str, query: ProductQuery, size: int) -> FilteredList:
    """Reads every page of the list, as a client following ``next`` links does."""
    from chalicelib.services import catalog

    counter = EmulatorCallCounter(emulator_url)
    measured = FilteredList(label, size)
    cursor: str | None = None
    while measured.requests < MAX_REQUESTS:
        with _items_read() as items_read:
            counter.start()
            page = catalog.list_products(replace(query, cursor=cursor))
            calls = sum(counter.stop().values())
        measured.found += len(page.items)
        measured.calls_per_request.append(calls)
        measured.items_read_per_request.append(items_read())
        cursor = page.next_cursor
        if cursor is None:
            break
    return measured


def measure_filtered_pages(
    emulator_url: str, size: int = CATALOG_SIZE, *, load: bool = True
) -> list[FilteredList]:
    """Every filter of ``INDEXED_FILTERS`` and ``UNINDEXED_FILTERS`` on a catalog of
    ``size`` products (loaded first unless ``load`` is False), then, on the same catalog
    turned sold out, every filter of ``SOLD_OUT_CATALOG_FILTERS``."""
    if load:
        load_catalog(size)
    filters = {**INDEXED_FILTERS, **UNINDEXED_FILTERS}
    measured = [measure_list(emulator_url, label, query, size) for label, query in filters.items()]
    load_catalog(size, sold_out=True)
    return measured + [
        measure_list(emulator_url, label, query, size)
        for label, query in SOLD_OUT_CATALOG_FILTERS.items()
    ]


def report(measurements: list[FilteredList]) -> str:
    lines = [f"{'filtered list':<30} {'products':>8} {'found':>5} {'requests':>8}  per request"]
    for m in measurements:
        per_request = ", ".join(
            f"{calls} calls/{read} read"
            for calls, read in zip(m.calls_per_request, m.items_read_per_request, strict=True)
        )
        lines.append(
            f"{m.label:<30} {m.catalog_size:>8} {m.found:>5} {m.requests:>8}  {per_request}"
        )
    return "\n".join(lines)


def main() -> int:
    """``python -m benchmarks.filtered_pages``: both catalog sizes on a fresh emulator."""
    import tempfile
    from pathlib import Path

    from benchmarks.emulated import emulated_stage
    from chalicelib.timeouts import PYNAMODB_CLIENT_SETTINGS

    # The emulator sorts a whole index for every Query: at 10,000 products one takes
    # seconds, where DynamoDB answers in milliseconds.
    PYNAMODB_CLIENT_SETTINGS["read_timeout_seconds"] = 120
    with (
        tempfile.TemporaryDirectory(prefix="filtered-pages-") as scratch,
        emulated_stage(Path(scratch)) as emulator,
    ):
        # The larger catalog rewrites every product of the smaller one (same ids).
        for size in (100, CATALOG_SIZE):
            print(report(measure_filtered_pages(emulator.url, size)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
