"""`make cost-model`: what a request, a shopping session and the store at rest cost, and
which DynamoDB key runs hot first as orders per second grow.

Two steps, so that the document is reproducible:

- ``--measure`` drives the bench scenarios (benchmarks/scenarios.py, through
  benchmarks/calls.py) against a fresh emulator, records every DynamoDB request each one
  makes at the emulator, and prices it from the items it touched: item sizes are computed
  the way DynamoDB bills them, from the real items the app wrote (read back from the
  emulator before and after each request). It also times each request in process and
  reads every table back for item sizes at rest. All of it goes to
  benchmarks/cost_inputs.json.
- The default run computes everything from that file and rewrites the generated section
  of docs/performance.md (between the markers; the rest of the file is left alone).
  ``--check`` exits non-zero when the section is out of date.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INPUTS_PATH = ROOT / "benchmarks" / "cost_inputs.json"
DOC_PATH = ROOT / "docs" / "performance.md"
START_MARKER = "<!-- cost-model:start -->"
END_MARKER = "<!-- cost-model:end -->"
SECTION_TITLE = "## Cost and scale model"

# ---------------------------------------------------------------------------------------
# Prices: us-east-1, on demand. Not read from the web when this runs: they are the public
# list prices as known on PRICES_READ_ON (DynamoDB's on-demand prices after the cut of
# November 2024). Check them against PRICE_SOURCES before relying on the dollars.
PRICES_READ_ON = "2026-11-27"
PRICE_SOURCES = {
    "DynamoDB": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "Lambda": "https://aws.amazon.com/lambda/pricing/",
    "API Gateway": "https://aws.amazon.com/api-gateway/pricing/",
    "CloudFront": "https://aws.amazon.com/cloudfront/pricing/",
    "S3": "https://aws.amazon.com/s3/pricing/",
}
DYNAMODB_WRITE_UNIT_USD = 0.625 / 1e6  # per write request unit
DYNAMODB_READ_UNIT_USD = 0.125 / 1e6  # per read request unit
DYNAMODB_STORAGE_GB_MONTH_USD = 0.25  # Standard table class, after the first 25 GB free
LAMBDA_ARM_GB_SECOND_USD = 0.0000133334
LAMBDA_REQUEST_USD = 0.20 / 1e6
API_GATEWAY_REST_REQUEST_USD = 3.50 / 1e6  # first 333 million a month
CLOUDFRONT_HTTPS_REQUEST_USD = 0.0100 / 10_000  # United States
CLOUDFRONT_TRANSFER_GB_USD = 0.085  # to the internet, first 10 TB, United States
S3_STANDARD_GB_MONTH_USD = 0.023

# ---------------------------------------------------------------------------------------
# DynamoDB's billing and partition rules.
READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
READ_FACTOR = {"eventual": 0.5, "strong": 1.0, "transactional": 2.0}
WRITE_FACTOR = {"standard": 1.0, "transactional": 2.0}
PARTITION_WRITE_UNITS_PER_SECOND = 1000
PARTITION_READ_UNITS_PER_SECOND = 3000
# Storage bills each item with 100 bytes of indexing overhead, in the table and each index.
STORAGE_OVERHEAD_BYTES = 100
GB = 1024**3

# ---------------------------------------------------------------------------------------
# Traffic and data assumptions of the model (the document states them).
SESSION_MIX: dict[str, int] = {
    "POST /api/auth/login/": 1,
    "GET /api/products/{id}/": 10,
    "GET /api/products/?limit=20": 3,
    "GET /api/categories/": 1,
    "GET /api/categories/{id}/products/?limit=20": 1,
    "POST /api/cart/add_item/": 2,
    "GET /api/cart/items/": 1,
    "POST /api/cart/checkout/ (one line)": 1,
    "GET /api/orders/": 1,
}
STORE_AT_REST = {"products": 10_000, "users": 100_000, "orders": 1_000_000}
# The lookups a user owns (username#, email#) and the ratings, carts and sessions alive
# at any time, per user.
LOOKUPS_PER_USER = 2
IMAGE_BYTES = 200_000  # one image per product, an assumption: uploads are not resized
SIMULATED_ORDER_RATES = [1, 10, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000]


# ---------------------------------------------------------------------------------------
# Item sizes, the way DynamoDB counts them.


def number_size(text: str) -> int:
    """1 byte per two significant digits, plus 1 (leading and trailing zeros trimmed)."""
    digits = text.lstrip("-").replace(".", "").lstrip("0").rstrip("0")
    return (max(len(digits), 1) + 1) // 2 + 1


def value_size(value: Mapping[str, Any]) -> int:
    """The size of one attribute value in DynamoDB's JSON form (``{"S": "..."}``)."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return len(base64.b64decode(content))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(element.encode()) for element in content)
    if kind == "NS":
        return sum(number_size(element) for element in content)
    if kind == "BS":
        return sum(len(base64.b64decode(element)) for element in content)
    if kind == "L":
        return 3 + sum(value_size(element) + 1 for element in content)
    if kind == "M":
        return 3 + sum(len(name.encode()) + value_size(v) + 1 for name, v in content.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Sum of attribute name lengths and value sizes (0 for no item)."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


# ---------------------------------------------------------------------------------------
# Capacity units.


def read_units(size_bytes: int, consistency: str) -> float:
    """Read request units of one item (or one Query page) of ``size_bytes``; reading
    nothing still costs one block."""
    blocks = max(1, math.ceil(size_bytes / READ_UNIT_BYTES))
    return blocks * READ_FACTOR[consistency]


def write_units(size_bytes: int, mode: str) -> float:
    """Write request units of one item write of ``size_bytes`` (the larger of the item
    before and after)."""
    blocks = max(1, math.ceil(size_bytes / WRITE_UNIT_BYTES))
    return blocks * WRITE_FACTOR[mode]


@dataclass(frozen=True)
class IndexSpec:
    table: str
    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL | KEYS_ONLY
    local: bool


def _index_entry_size(item: Mapping[str, Any] | None, index: IndexSpec) -> int:
    """An ALL index holds the whole item; a KEYS_ONLY one its index keys (and the table's,
    a few bytes more: left out)."""
    if item is None or index.projection == "ALL":
        return item_size(item)
    keys = [index.hash_key] + ([index.range_key] if index.range_key else [])
    return item_size({name: item[name] for name in keys if name in item})


def _key_value(item: Mapping[str, Mapping[str, Any]] | None, name: str) -> str | None:
    if not item or name not in item:
        return None
    ((_, content),) = item[name].items()
    return str(content)


def index_writes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    indexes: Iterable[IndexSpec],
) -> list[tuple[IndexSpec, str, int]]:
    """The index entries a table write touches: (index, partition key value, size).

    An item is in an index when it has the index's key attributes. A write puts, updates
    or deletes its entry; when the index key changes it is a delete and a put (two writes).
    A KEYS_ONLY index is not written when its keys did not change. Projections are ALL or
    KEYS_ONLY here, so an entry is the whole item or just its keys.
    """
    touched = []
    for index in indexes:
        keys = [index.hash_key] + ([index.range_key] if index.range_key else [])
        old = tuple(_key_value(before, k) for k in keys)
        new = tuple(_key_value(after, k) for k in keys)
        was_in, is_in = None not in old, None not in new
        if not (was_in or is_in):
            continue
        if index.projection == "KEYS_ONLY" and old == new and before and after:
            continue

        def entry_size(item: Mapping[str, Any] | None, index: IndexSpec = index) -> int:
            return _index_entry_size(item, index)

        if was_in and is_in and old != new:
            touched.append((index, str(old[0]), entry_size(before)))
            touched.append((index, str(new[0]), entry_size(after)))
        elif is_in:
            touched.append((index, str(new[0]), max(entry_size(before), entry_size(after))))
        else:
            touched.append((index, str(old[0]), entry_size(before)))
    return touched


# ---------------------------------------------------------------------------------------
# Recorded calls -> priced accesses. An access is one unit-bearing touch of one partition.


@dataclass(frozen=True)
class Access:
    target: str  # "products" or "products/products_by_id" (table or table/index)
    partition: str  # the partition key value
    kind: str  # read | write
    units: float

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "partition": self.partition,
            "kind": self.kind,
            "units": self.units,
        }


def hot_key_rate(units_per_order: float, limit_units_per_second: float) -> float:
    """Orders per second at which a key taking ``units_per_order`` reaches its limit."""
    return math.inf if units_per_order <= 0 else limit_units_per_second / units_per_order


def partition_limit(kind: str) -> int:
    return PARTITION_WRITE_UNITS_PER_SECOND if kind == "write" else PARTITION_READ_UNITS_PER_SECOND


# ---------------------------------------------------------------------------------------
# Which keys can run hot. The bench drives one user, one product and one category, so
# every per-entity key of the recording is one key; in a real shop per-user keys spread
# over the users. The model keeps a key as one partition when its value is a constant
# (a ``scope`` index partition, an id counter) or a product or category (a flash sale
# puts every buyer on one product); per-user keys (users, sessions, carts, orders,
# lookups, idempotency keys) spread and are left out of the hot-key search.
CONSTANT_HASH_ATTRIBUTES = {"scope"}
FLASH_SALE_TARGET_PREFIXES = ("products", "categories")


def key_class(access: Mapping[str, Any], indexes: Mapping[str, IndexSpec]) -> str | None:
    """'constant', 'flash-sale' or None (spread over users)."""
    target = access["target"]
    table = target.split("/")[0]
    if table == "counters":
        return "constant"
    if "/" in target and indexes[target].hash_key in CONSTANT_HASH_ATTRIBUTES:
        return "constant"
    if table in FLASH_SALE_TARGET_PREFIXES:
        return "flash-sale"
    return None


@dataclass(frozen=True)
class KeyLoad:
    target: str
    partition: str
    kind: str
    units_per_order: float
    key_class: str

    @property
    def label(self) -> str:
        return f"{self.target} [{self.partition}] {self.kind}s"

    @property
    def saturating_order_rate(self) -> float:
        return hot_key_rate(self.units_per_order, partition_limit(self.kind))


def key_loads(
    requests: Mapping[str, Mapping[str, Any]],
    mix: Mapping[str, int],
    indexes: Mapping[str, IndexSpec],
    include_flash_sale: bool,
) -> list[KeyLoad]:
    """Units each key takes per order (one session of ``mix`` makes one order)."""
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    classes: dict[tuple[str, str, str], str] = {}
    for label, count in mix.items():
        for access in requests[label]["accesses"]:
            klass = key_class(access, indexes)
            if klass is None or (klass == "flash-sale" and not include_flash_sale):
                continue
            key = (access["target"], access["partition"], access["kind"])
            totals[key] += count * access["units"]
            classes[key] = klass
    loads = [KeyLoad(*key, units, classes[key]) for key, units in totals.items()]
    return sorted(loads, key=lambda load: load.saturating_order_rate)


def simulate(
    loads: list[KeyLoad], order_rates: Iterable[float]
) -> list[tuple[float, KeyLoad, float]]:
    """For each orders/s rate: the most utilised key and its utilisation (1.0 = limit)."""
    rows = []
    for rate in order_rates:
        hottest = max(
            loads, key=lambda load: rate * load.units_per_order / partition_limit(load.kind)
        )
        rows.append((rate, hottest, rate * hottest.units_per_order / partition_limit(hottest.kind)))
    return rows


# ---------------------------------------------------------------------------------------
# Dollars.


def request_units(request: Mapping[str, Any]) -> tuple[float, float]:
    reads = sum(a["units"] for a in request["accesses"] if a["kind"] == "read")
    writes = sum(a["units"] for a in request["accesses"] if a["kind"] == "write")
    return reads, writes


def lambda_gb_seconds(duration_ms: float, memory_mb: int) -> float:
    return math.ceil(duration_ms) / 1000 * memory_mb / 1024


def request_cost(request: Mapping[str, Any], memory_mb: int) -> dict[str, float]:
    """Dollars of one request, by service."""
    reads, writes = request_units(request)
    return {
        "DynamoDB": reads * DYNAMODB_READ_UNIT_USD + writes * DYNAMODB_WRITE_UNIT_USD,
        "Lambda": lambda_gb_seconds(request["duration_ms"], memory_mb) * LAMBDA_ARM_GB_SECOND_USD
        + LAMBDA_REQUEST_USD,
        "API Gateway": API_GATEWAY_REST_REQUEST_USD,
        "CloudFront": CLOUDFRONT_HTTPS_REQUEST_USD
        + request["response_bytes"] / GB * CLOUDFRONT_TRANSFER_GB_USD,
    }


def storage_bytes(stats: Mapping[str, Any], count: int) -> float:
    """Bytes billed for ``count`` items shaped like the measured ones, indexes included."""
    per_item = stats["mean_bytes"] + STORAGE_OVERHEAD_BYTES
    per_item += stats["mean_index_bytes"] + stats["mean_index_entries"] * STORAGE_OVERHEAD_BYTES
    return per_item * count


# ---------------------------------------------------------------------------------------
# The document.


def _usd(value: float) -> str:
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${value:.4f}"


def _rate(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:,.0f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def indexes_by_target(inputs: Mapping[str, Any]) -> dict[str, IndexSpec]:
    return {f"{spec['table']}/{spec['name']}": IndexSpec(**spec) for spec in inputs["indexes"]}


def render(inputs: Mapping[str, Any]) -> str:
    """The generated section, markers included."""
    memory_mb = int(inputs["lambda_memory_mb"])
    requests = inputs["requests"]
    indexes = indexes_by_target(inputs)
    out = [START_MARKER, SECTION_TITLE, ""]
    out += [
        "Generated by `make cost-model` (`benchmarks/cost_model.py`) from the measured inputs",
        "in `benchmarks/cost_inputs.json`; `python -m benchmarks.cost_model --measure` "
        "re-measures them.",
        "Do not edit this section by hand: the next run replaces it.",
        "",
        "**How it is measured.** Each bench request (`benchmarks/scenarios.py`) runs through",
        "the whole app against a fresh emulator; every DynamoDB request it makes is recorded",
        "at the emulator and priced from the items it touched, read back before and after it:",
        "item size = attribute names + values (DynamoDB's rules), reads round up to 4 KB per",
        "item (per page for a Query) at 0.5 unit eventually consistent, 1 strongly consistent,",
        "2 transactional; writes round up to 1 KB per item at 1 unit, 2 transactional, on the",
        "larger of the item before and after. Every index entry a write changes is one more",
        "write (a local or global index holds the item when it has the index's key attributes;",
        "projections are ALL, except `sessions_by_user` and `carts_by_id`, KEYS_ONLY). Index",
        "writes are priced as standard writes, also inside a transaction (our reading of the",
        "docs; not verified). The bench catalog is small and plain (no descriptions or",
        "images; one-line carts and orders), so real items are larger: treat sizes as floors.",
        "",
    ]
    out += ["### Prices (us-east-1, on demand)", ""]
    out += _table(
        ["service", "price", "source"],
        [
            [
                "DynamoDB writes",
                "$0.625 per million write request units",
                PRICE_SOURCES["DynamoDB"],
            ],
            ["DynamoDB reads", "$0.125 per million read request units", PRICE_SOURCES["DynamoDB"]],
            ["DynamoDB storage", "$0.25 per GB-month", PRICE_SOURCES["DynamoDB"]],
            [
                "Lambda (arm64)",
                "$0.0000133334 per GB-s + $0.20 per million requests",
                PRICE_SOURCES["Lambda"],
            ],
            ["API Gateway (REST)", "$3.50 per million requests", PRICE_SOURCES["API Gateway"]],
            [
                "CloudFront",
                "$0.0100 per 10,000 HTTPS requests + $0.085 per GB out",
                PRICE_SOURCES["CloudFront"],
            ],
            ["S3 Standard", "$0.023 per GB-month", PRICE_SOURCES["S3"]],
        ],
    )
    out += [
        "",
        f"Read on {PRICES_READ_ON}, but not from the web: they are the public list prices as",
        "known to the author (DynamoDB's after its on-demand price cut of November 2024),",
        "written down without a browser. Check them at the sources before quoting dollars.",
        "",
        "### Capacity units and dollars per request",
        "",
        f"Lambda: {memory_mb} MB (`lambda_memory_size` in `.chalice/config.json`), billed per",
        "ms; duration is the app's in-process handling time measured locally against the",
        "emulator (median of "
        f"{inputs['timing_rounds']} runs on a shared 2-core machine), a rough figure: the",
        "emulator is slower than DynamoDB on queries, faster on round trips. Every request",
        "is counted through CloudFront and API Gateway (no",
        "cache hits), with its measured response size as CloudFront transfer.",
        "",
    ]
    rows = []
    for label, request in requests.items():
        reads, writes = request_units(request)
        index_writes_count = sum(
            1 for a in request["accesses"] if a["kind"] == "write" and "/" in a["target"]
        )
        cost = request_cost(request, memory_mb)
        rows.append(
            [
                f"`{label}`",
                str(request["calls"]),
                f"{reads:g}",
                f"{writes:g} ({index_writes_count} index)",
                f"{request['duration_ms']:.1f}",
                _usd(cost["DynamoDB"] * 1e6),
                _usd(cost["Lambda"] * 1e6),
                _usd(sum(cost.values()) * 1e6),
            ]
        )
    out += _table(
        ["request", "calls", "RRU", "WRU", "ms", "DynamoDB /M", "Lambda /M", "total /M"], rows
    )
    session_text = ", ".join(f"{count} x `{label}`" for label, count in SESSION_MIX.items())
    session_cost: dict[str, float] = defaultdict(float)
    session_reads = session_writes = 0.0
    for label, count in SESSION_MIX.items():
        for service, dollars in request_cost(requests[label], memory_mb).items():
            session_cost[service] += count * dollars
        reads, writes = request_units(requests[label])
        session_reads += count * reads
        session_writes += count * writes
    requests_per_session = sum(SESSION_MIX.values())
    out += [
        "",
        "### A typical shopping session",
        "",
        f"One session is {requests_per_session} requests and makes one order: {session_text}.",
        "The two add-to-carts add the same product, so the checkout is the one-line checkout",
        "measured above. `GET /api/cart/items/` is the session's first look at its cart, which",
        "creates the cart (a user's first visit: later sessions find it and cost less).",
        "",
    ]
    out += _table(
        ["", "per million sessions"],
        [[service, _usd(dollars * 1e6)] for service, dollars in sorted(session_cost.items())]
        + [["**total**", _usd(sum(session_cost.values()) * 1e6)]],
    )
    out += [
        "",
        f"DynamoDB units per session: {session_reads:g} read, {session_writes:g} write.",
        "",
    ]
    out += _render_storage(inputs)
    out += _render_limits(requests, indexes)
    out += [END_MARKER]
    return "\n".join(out) + "\n"


def _render_storage(inputs: Mapping[str, Any]) -> list[str]:
    sizes = inputs["item_sizes"]
    counts = {
        "products": STORE_AT_REST["products"],
        "users": STORE_AT_REST["users"],
        "lookups": STORE_AT_REST["users"] * LOOKUPS_PER_USER,
        "orders": STORE_AT_REST["orders"],
    }
    rows = []
    total = 0.0
    for table, count in counts.items():
        stats = sizes[table]
        billed = storage_bytes(stats, count)
        total += billed
        rows.append(
            [
                f"`{table}`",
                f"{count:,}",
                f"{stats['mean_bytes']:.0f}",
                f"{stats['mean_index_entries']:g}",
                f"{billed / GB:.2f}",
                _usd(billed / GB * DYNAMODB_STORAGE_GB_MONTH_USD),
            ]
        )
    images = STORE_AT_REST["products"] * IMAGE_BYTES
    lines = [
        "### The store at rest",
        "",
        f"{STORE_AT_REST['products']:,} products, {STORE_AT_REST['users']:,} users (with their",
        f"{LOOKUPS_PER_USER} username and email lookups) and {STORE_AT_REST['orders']:,} orders,",
        "at the measured item sizes (mean of the items in the emulator after the bench; each",
        "item and index entry adds 100 bytes of storage overhead):",
        "",
    ]
    lines += _table(["table", "items", "bytes/item", "index entries/item", "GB", "per month"], rows)
    lines += [
        "",
        f"DynamoDB storage: {total / GB:.2f} GB, {_usd(total / GB * DYNAMODB_STORAGE_GB_MONTH_USD)}"
        " a month (the first 25 GB a month are free). Product images in S3, one of "
        f"{IMAGE_BYTES // 1000} KB per product (an assumption): {images / GB:.2f} GB, "
        f"{_usd(images / GB * S3_STANDARD_GB_MONTH_USD)} a month. Sessions, carts and ratings",
        "are left out: they are per active user and small.",
        "",
    ]
    return lines


def _render_limits(
    requests: Mapping[str, Mapping[str, Any]], indexes: Mapping[str, IndexSpec]
) -> list[str]:
    constant = key_loads(requests, SESSION_MIX, indexes, include_flash_sale=False)
    flash = key_loads(requests, SESSION_MIX, indexes, include_flash_sale=True)
    lines = [
        "### Limits on paper: keys that run hot",
        "",
        "One partition key value takes at most 1,000 write units and 3,000 read units a",
        "second. A key whose value is a constant takes every such write of the whole shop:",
        "the `scope` partitions of the listing indexes (`P` products, `C` categories, `U`",
        "users, `R` ratings, `O` orders) and the id counters (`counters`, one item per kind,",
        "`ADD 1` on every create). In a flash sale every buyer also lands on one product",
        "item (each checkout line is a transactional write of its stock) and on its",
        "category's partitions of the category indexes. Per-user keys (users, sessions,",
        "carts, orders, lookups) spread over the users and are left out. Adaptive capacity",
        "may split a hot index partition by sort key, but not for ever-increasing sort keys",
        "(order ids) and never one item: on paper, these are the ceilings. Product and",
        "category reads are counted at DynamoDB; in the deployed stages CloudFront caches",
        "the catalog (`CATALOG_MAX_AGE`), which takes most of them off the hot product.",
        "",
        "Units per order (one session of the mix above) and the orders per second at which",
        "each key reaches its limit, hottest first:",
        "",
    ]
    rows = [
        [
            f"`{load.target}`",
            f"`{load.partition}`",
            load.kind,
            load.key_class,
            f"{load.units_per_order:g}",
            _rate(load.saturating_order_rate),
        ]
        for load in flash[:14]
    ]
    lines += _table(["key", "partition", "units", "why one key", "units/order", "orders/s"], rows)
    first_constant = constant[0]
    first_flash = flash[0]
    lines += [
        "",
        "#### Simulation",
        "",
        "Per-key units a second from the recorded calls of each request and the session mix,",
        "at a given order rate; the hottest key and its utilisation (1.00 = at its limit).",
        "",
    ]
    rows = []
    for (rate, normal_key, normal_use), (_, flash_key, flash_use) in zip(
        simulate(constant, SIMULATED_ORDER_RATES),
        simulate(flash, SIMULATED_ORDER_RATES),
        strict=True,
    ):
        rows.append(
            [
                f"{rate:,}",
                f"{normal_key.label}",
                f"{normal_use:.2f}",
                f"{flash_key.label}",
                f"{flash_use:.2f}",
            ]
        )
    lines += _table(
        [
            "orders/s",
            "hottest key, catalog-wide traffic",
            "use",
            "hottest key, flash sale on one product",
            "use",
        ],
        rows,
    )
    normal_rate = first_constant.saturating_order_rate
    flash_rate = first_flash.saturating_order_rate
    lines += [
        "",
        f"First to go hot: **{first_constant.label}** at about {_rate(normal_rate)} orders/s",
        f"when orders spread over the catalog; in a flash sale, **{first_flash.label}** at",
        f"about {_rate(flash_rate)} orders/s.",
        "",
        f"What changes at 10x ({_rate(normal_rate * 10)} orders/s) and 100x"
        f" ({_rate(normal_rate * 100)} orders/s) that rate:",
        "",
        "- **10x**: write-shard the constant `scope` keys: `scope = P#0..P#n-1` chosen by",
        "  id, n ≈ 10-20, and list pages merge n Queries (the cursor carries one position",
        "  per shard). Counters give way to id blocks per container (`store/id_blocks.py`",
        "  reserves a block of 100-1,000 ids with one `ADD`, the container hands them out",
        "  from memory), so the counter item sees one write per block, not per create.",
        "  A flash-sale product's stock is split into buckets (`stock#0..k-1`, each holding",
        "  a share; a checkout decrements a random bucket with stock and tries the next on",
        "  a failed condition), and its catalog index entries stop changing on every sale:",
        "  stock moves to its own item, outside the products indexes, so a sale writes one",
        "  small item instead of the product and every index that projects it.",
        "- **100x**: the staff-only listings (`orders_by_id`, `users_by_id`, `ratings_by_id`)",
        "  go to a stream-fed store (DynamoDB Streams → an analytics table or OpenSearch)",
        "  instead of a global index; ids become time-ordered random ids (ULID/KSUID) with no",
        "  counter at all; the catalog indexes are rebuilt from a stream into a read model,",
        "  cached by CloudFront, and stock reservations move to a queue-backed allocator per",
        "  hot product (SQS FIFO by product) that confirms orders asynchronously.",
        "",
    ]
    return lines


def replace_section(document: str, section: str) -> str:
    """``document`` with the generated section replaced (or appended)."""
    start = document.find(START_MARKER)
    end = document.find(END_MARKER)
    if start != -1 and end != -1:
        return document[:start] + section + document[end + len(END_MARKER) :].lstrip("\n")
    base = document.rstrip("\n")
    if not base:
        base = "# Performance"
    return base + "\n\n" + section


def load_inputs(path: Path = INPUTS_PATH) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


# ---------------------------------------------------------------------------------------
# Measuring (needs the emulator; not imported by the default run).


def model_indexes() -> list[IndexSpec]:
    from pynamodb.indexes import LocalSecondaryIndex

    from chalicelib.store.models import all_models

    specs = []
    for model in all_models():
        for name, index in sorted(model._indexes.items()):
            attributes = index.Meta.attributes.values()
            hash_key = next(a.attr_name for a in attributes if a.is_hash_key)
            range_key = next((a.attr_name for a in attributes if a.is_range_key), None)
            specs.append(
                IndexSpec(
                    model.short_name,
                    name,
                    hash_key,
                    range_key,
                    index.Meta.projection.projection_type,
                    isinstance(index, LocalSecondaryIndex),
                )
            )
    return specs


def table_keys() -> dict[str, list[str]]:
    from chalicelib.store.models import all_models

    keys = {}
    for model in all_models():
        names = [model._hash_key_attribute().attr_name]
        if model._range_key_attribute() is not None:
            names.append(model._range_key_attribute().attr_name)
        keys[model.short_name] = names
    return keys


class Pricer:
    """Turns the recorded DynamoDB requests of one API request into accesses."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._keys = table_keys()
        self._indexes: dict[str, list[IndexSpec]] = defaultdict(list)
        for spec in model_indexes():
            self._indexes[spec.table].append(spec)
        self.snapshot: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {}

    def short(self, table_name: str) -> str:
        return table_name.removeprefix(self._prefix)

    def _key_of(self, table: str, item: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(json.dumps(item[name], sort_keys=True) for name in self._keys[table])

    def take_snapshot(self) -> None:
        self.snapshot = {}
        for table in self._keys:
            rows: dict[tuple[str, ...], dict[str, Any]] = {}
            for page in self._client.get_paginator("scan").paginate(TableName=self._prefix + table):
                for item in page["Items"]:
                    rows[self._key_of(table, item)] = item
            self.snapshot[table] = rows

    def _before(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.snapshot[table].get(self._key_of(table, key))

    def _now(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._prefix + table, Key=dict(key), ConsistentRead=True
        )
        item = response.get("Item")
        return dict(item) if item else None

    def _partition(self, table: str, key: Mapping[str, Any]) -> str:
        return str(_key_value(key, self._keys[table][0]))

    def _write(self, table: str, key: Mapping[str, Any], mode: str, after: Any) -> list[Access]:
        before = self._before(table, key)
        units = write_units(max(item_size(before), item_size(after)), mode)
        accesses = [Access(table, self._partition(table, key), "write", units)]
        for index, partition, size in index_writes(before, after, self._indexes[table]):
            accesses.append(
                Access(f"{table}/{index.name}", partition, "write", write_units(size, "standard"))
            )
        return accesses

    def _query_partition(self, table: str, body: Mapping[str, Any]) -> str:
        index_name = body.get("IndexName")
        if index_name:
            spec = next(i for i in self._indexes[table] if i.name == index_name)
            hash_key = spec.hash_key
        else:
            hash_key = self._keys[table][0]
        names = body.get("ExpressionAttributeNames", {})
        for name, placeholder in re.findall(
            r"(#?\w+)\s*=\s*(:\w+)", body["KeyConditionExpression"]
        ):
            if names.get(name, name) == hash_key:
                return str(_key_value(body["ExpressionAttributeValues"], placeholder))
        raise ValueError(f"no hash key condition in {body['KeyConditionExpression']}")

    def price(self, operation: str, body: dict[str, Any]) -> list[Access]:
        if operation == "GetItem":
            table = self.short(body["TableName"])
            size = item_size(self._before(table, body["Key"]))
            consistency = "strong" if body.get("ConsistentRead") else "eventual"
            return [
                Access(
                    table,
                    self._partition(table, body["Key"]),
                    "read",
                    read_units(size, consistency),
                )
            ]
        if operation == "BatchGetItem":
            accesses = []
            for table_name, request in body["RequestItems"].items():
                table = self.short(table_name)
                consistency = "strong" if request.get("ConsistentRead") else "eventual"
                for key in request["Keys"]:
                    size = item_size(self._before(table, key))
                    accesses.append(
                        Access(
                            table,
                            self._partition(table, key),
                            "read",
                            read_units(size, consistency),
                        )
                    )
            return accesses
        if operation == "TransactGetItems":
            accesses = []
            for entry in body["TransactItems"]:
                get = entry["Get"]
                table = self.short(get["TableName"])
                size = item_size(self._before(table, get["Key"]))
                accesses.append(
                    Access(
                        table,
                        self._partition(table, get["Key"]),
                        "read",
                        read_units(size, "transactional"),
                    )
                )
            return accesses
        if operation == "Query":
            table = self.short(body["TableName"])
            # Replayed just after the request: the bench requests that query write nothing.
            replay = {k: v for k, v in body.items() if k != "ReturnConsumedCapacity"}
            items = self._client.query(**replay)["Items"]
            consistency = "strong" if body.get("ConsistentRead") else "eventual"
            target = table + (f"/{body['IndexName']}" if body.get("IndexName") else "")
            if body.get("IndexName") and any(
                i.local for i in self._indexes[table] if i.name == body["IndexName"]
            ):
                target = table  # a local index lives in the table's partitions
            size = sum(item_size(item) for item in items)
            return [
                Access(
                    target,
                    self._query_partition(table, body),
                    "read",
                    read_units(size, consistency),
                )
            ]
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            table = self.short(body["TableName"])
            key = body.get("Key") or {name: body["Item"][name] for name in self._keys[table]}
            after = self._now(table, key)
            return self._write(table, key, "standard", after)
        if operation == "TransactWriteItems":
            accesses = []
            for entry in body["TransactItems"]:
                ((action, detail),) = entry.items()
                table = self.short(detail["TableName"])
                key = detail.get("Key") or {n: detail["Item"][n] for n in self._keys[table]}
                if action == "ConditionCheck":
                    size = item_size(self._before(table, key))
                    accesses.append(
                        Access(
                            table,
                            self._partition(table, key),
                            "write",
                            write_units(size, "transactional"),
                        )
                    )
                else:
                    accesses += self._write(table, key, "transactional", self._now(table, key))
            return accesses
        if operation == "BatchWriteItem":
            accesses = []
            for table_name, writes in body["RequestItems"].items():
                table = self.short(table_name)
                for write in writes:
                    request = write.get("PutRequest") or write["DeleteRequest"]
                    key = request.get("Key") or {n: request["Item"][n] for n in self._keys[table]}
                    accesses += self._write(table, key, "standard", self._now(table, key))
            return accesses
        raise ValueError(f"the cost model does not price {operation} yet")


def _recorded_requests(emulator_url: str) -> list[tuple[str, dict[str, Any]]]:
    import urllib.request

    from benchmarks.call_counter import DYNAMODB_TARGET_PREFIX

    with urllib.request.urlopen(
        f"{emulator_url}/moto-api/recorder/download-recording", timeout=10
    ) as response:
        lines = response.read().decode().splitlines()
    recorded = []
    for line in lines:
        entry = json.loads(line)
        headers = {name.lower(): value for name, value in entry["headers"].items()}
        target = headers.get("x-amz-target", "")
        if target.startswith(DYNAMODB_TARGET_PREFIX):
            body = entry["body"]
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode()
            recorded.append((target.removeprefix(DYNAMODB_TARGET_PREFIX), json.loads(body)))
    return recorded


def _pricing_counter(pricer: Pricer, priced: list[list[Access]]) -> Callable[[str], Any]:
    """An EmulatorCallCounter for benchmarks.calls.measure_calls that also prices each
    recorded request: it snapshots the tables before the request and reads back after."""
    from benchmarks.call_counter import EmulatorCallCounter

    class PricingCounter(EmulatorCallCounter):
        def start(self) -> None:
            pricer.take_snapshot()
            super().start()

        def stop(self) -> Counter[str]:
            operations = super().stop()
            accesses: list[Access] = []
            for operation, body in _recorded_requests(self._url):
                accesses += pricer.price(operation, body)
            priced.append(accesses)
            return operations

    return PricingCounter


def _time_requests(app: Any, scenarios: list[Any], token: str, rounds: int) -> dict[str, Any]:
    from chalice.test import Client

    durations: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, int] = {}
    with Client(app, stage_name="test") as client:
        for _ in range(rounds):
            for scenario in scenarios:
                headers = {"Content-Type": "application/json"}
                if scenario.authenticated:
                    headers["Authorization"] = f"Token {token}"
                body = json.dumps(scenario.body).encode() if scenario.body is not None else b""
                started = time.perf_counter()
                response = client.http.request(
                    scenario.method, scenario.path, headers=headers, body=body
                )
                durations[scenario.label].append(time.perf_counter() - started)
                sizes[scenario.label] = len(response.body)
    return {
        label: (statistics.median(times) * 1000, sizes[label]) for label, times in durations.items()
    }


def _item_sizes(pricer: Pricer) -> dict[str, dict[str, float]]:
    pricer.take_snapshot()
    stats = {}
    for table, rows in pricer.snapshot.items():
        items = list(rows.values())
        if not items:
            continue
        entries = [index_writes(None, item, pricer._indexes[table]) for item in items]
        stats[table] = {
            "items": len(items),
            "mean_bytes": round(statistics.mean(item_size(i) for i in items), 1),
            "max_bytes": max(item_size(i) for i in items),
            "mean_index_entries": round(statistics.mean(len(e) for e in entries), 2),
            "mean_index_bytes": round(statistics.mean(sum(s for _, _, s in e) for e in entries), 1),
        }
    return stats


def _without_token(access: dict[str, Any]) -> dict[str, Any]:
    """A session's key is the hash of a (throwaway) token: not worth committing."""
    if access["target"] == "sessions":
        return {**access, "partition": "<token hash>"}
    return access


def measure(rounds: int) -> dict[str, Any]:
    """Needs no running emulator: starts its own, on a free port, with empty tables."""
    from benchmarks.emulated import emulated_stage

    with (
        tempfile.TemporaryDirectory(prefix="cost-model-") as scratch,
        emulated_stage(Path(scratch)) as emulator,
    ):
        return _measure(emulator.url, rounds)


def _measure(emulator_url: str, rounds: int) -> dict[str, Any]:
    from unittest import mock

    import boto3
    from chalice.test import Client

    import benchmarks.calls
    from benchmarks.calls import PASSWORD, measure_calls
    from benchmarks.run import app_logs_held_back
    from chalicelib.config import get_settings

    client = boto3.client("dynamodb", endpoint_url=emulator_url, region_name="us-east-1")
    pricer = Pricer(client, get_settings().table_name(""))
    priced: list[list[Access]] = []
    counter = _pricing_counter(pricer, priced)
    with app_logs_held_back():
        from app import app

        with mock.patch.object(benchmarks.calls, "EmulatorCallCounter", counter):
            measurements = measure_calls(emulator_url)
        with Client(app, stage_name="test") as http:
            login = {"username": "bench", "password": PASSWORD}
            answer = http.http.post(
                "/api/auth/login/",
                body=json.dumps(login),
                headers={"Content-Type": "application/json"},
            )
            token = json.loads(answer.body)["token"]
        scenarios = [m.scenario for m in measurements]
        timings = _time_requests(app, scenarios, token, rounds)
    sizes = _item_sizes(pricer)
    requests = {}
    for measurement, accesses in zip(measurements, priced, strict=True):
        label = measurement.scenario.label
        if measurement.status is None or measurement.status >= 400:
            raise RuntimeError(f"{label} answered HTTP {measurement.status}")
        duration_ms, response_bytes = timings[label]
        requests[label] = {
            "calls": measurement.total,
            "operations": dict(sorted((measurement.calls or {}).items())),
            "duration_ms": round(duration_ms, 1),
            "response_bytes": response_bytes,
            "accesses": [_without_token(access.as_json()) for access in accesses],
        }
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {
        "lambda_memory_mb": config["lambda_memory_size"],
        "timing_rounds": rounds,
        "indexes": [spec.__dict__ for spec in model_indexes()],
        "requests": requests,
        "item_sizes": sizes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--measure",
        action="store_true",
        help="re-measure benchmarks/cost_inputs.json against a fresh emulator",
    )
    parser.add_argument("--rounds", type=int, default=10, help="timing runs per request")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when docs/performance.md's section is out of date",
    )
    args = parser.parse_args(argv)
    if args.measure:
        inputs = measure(args.rounds)
        INPUTS_PATH.write_text(json.dumps(inputs, indent=1, sort_keys=False) + "\n")
        print(f"wrote {INPUTS_PATH.relative_to(ROOT)}")
    section = render(load_inputs())
    current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
    updated = replace_section(current, section)
    if args.check:
        if updated != current:
            print(
                "docs/performance.md's cost model is out of date: run make cost-model",
                file=sys.stderr,
            )
            return 1
        return 0
    if updated != current:
        DOC_PATH.write_text(updated)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
