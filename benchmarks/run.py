"""`make bench`: measured DynamoDB calls per request next to the budgets, the cold-start
ratio and the package size. Exits non-zero when one misses its budget.

Prints the table only: the app's request log is held back while the bench drives it, and
chalice's packaging messages are shown only if packaging fails. Everything it creates
(the emulator's recording, the package build) lives in one temporary directory, removed
at the end, after a failure or Ctrl-C too.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.calls import Measurement
    from benchmarks.cold_start import ColdStart, Spread
    from benchmarks.conditional_gets import Repeat
    from benchmarks.filtered_pages import FilteredList
    from chalicelib.local.emulator import Emulator

from benchmarks.emulated import emulated_stage

# measure_calls fills empty tables, so its first category and product get the first ids.
FIRST_PRODUCT_ID = 1
FIRST_CATEGORY_ID = 1
# The filtered lists' goals, and the catalog sizes they compare.
FILTERED_MAX_REQUESTS = 2
FILTERED_MAX_CALLS = 5
SMALL_CATALOG = 100
OK = "ok"
OVER = "OVER BUDGET"


@contextlib.contextmanager
def app_logs_held_back() -> Iterator[None]:
    """The app writes a JSON line per request (``shop.access``) to stdout; while the bench
    drives it, only warnings and errors get through."""
    from chalicelib.api.logs import configure_logging

    configure_logging()  # as importing the app does, which would set the level again
    logger = logging.getLogger("shop")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _print_calls(measurements: list[Measurement]) -> bool:
    print("DynamoDB calls per request (counted at the emulator)")
    print(f"{'request':<48} {'budget':>8} {'measured':>9}  calls")
    ok = True
    for measurement in measurements:
        scenario = measurement.scenario
        if measurement.calls is None:
            print(f"{scenario.label:<48} {scenario.budget_text:>8} {'-':>9}  not served yet")
            continue
        total = sum(measurement.calls.values())
        verdict = "" if measurement.within_budget else f"  {OVER}"
        ok = ok and measurement.within_budget
        detail = ", ".join(f"{name} x{count}" for name, count in sorted(measurement.calls.items()))
        print(
            f"{scenario.label:<48} {scenario.budget_text:>8} {total:>9}  "
            f"{detail} (HTTP {measurement.status}){verdict}"
        )
    return ok


def _milliseconds(spread: Spread) -> str:
    first, third = spread.quartiles
    return f"{spread.median * 1000:6.1f} ms (IQR {first * 1000:6.1f}-{third * 1000:6.1f})"


def _print_cold_start(cold: ColdStart) -> bool:
    from benchmarks.cold_start import GOAL_RATIO

    rounds = len(cold.ratios.samples)
    first, third = cold.ratios.quartiles
    verdict = OK if cold.within_goal else OVER
    print(f"\nCold start: {rounds} fresh processes of each, interleaved; medians")
    print(f"  {'':<63} {'CPU time (judged)':<32} wall time")
    for name, what, side in (
        ("app", "import app + first product read (API Gateway event)", cold.app),
        ("floor", "chalice, pynamodb, pydantic + 1 client + 1 GetItem", cold.floor),
    ):
        print(f"  {name:<6} {what:<56} {_milliseconds(side.cpu)}  {_milliseconds(side.wall)}")
    print(
        f"  ratio  {cold.ratio:.3f} (goal ≤ {GOAL_RATIO:.3f}), CPU time of app / floor, "
        f"median of the {rounds} rounds (IQR {first:.3f}-{third:.3f})  {verdict}"
    )
    return cold.within_goal


def _print_conditional_gets(repeats: list[Repeat]) -> bool:
    from benchmarks.conditional_gets import GOAL_RATE, rate, report

    ok = all(repeat.within_budget for repeat in repeats)
    print("\nRepeated public reads with If-None-Match (counted at the emulator)")
    for line in report(repeats):
        print(line)
    print(
        f"  304 rate {rate(repeats):.0%} (goal {GOAL_RATE:.0%}, each for no more calls than "
        f"its read)  {OK if ok else OVER}"
    )
    return ok


def _print_filtered_pages(small: list[FilteredList], large: list[FilteredList]) -> bool:
    from benchmarks.filtered_pages import MATCHES

    print(
        f"\nFiltered lists, {MATCHES} matches spread evenly (limit=20; goals: every match "
        f"in ≤ {FILTERED_MAX_REQUESTS} requests of ≤ {FILTERED_MAX_CALLS} calls, and as many "
        "entries read per request at the large catalog as at the small one)"
    )
    print(f"  {'filter':<30} {'products':>8} {'found':>5} {'requests':>8}  calls/entries read")
    ok = True
    small_by_label = {m.label: m for m in small}
    for measured in large:
        before = small_by_label[measured.label]
        within = (
            measured.found == MATCHES
            and measured.requests <= FILTERED_MAX_REQUESTS
            and max(measured.calls_per_request) <= FILTERED_MAX_CALLS
            and max(measured.items_read_per_request) <= max(before.items_read_per_request)
        )
        ok = ok and within
        for m in (before, measured):
            per_request = ", ".join(
                f"{calls}/{read}"
                for calls, read in zip(m.calls_per_request, m.items_read_per_request, strict=True)
            )
            verdict = "" if m is before else f"  {OK if within else OVER}"
            print(
                f"  {m.label:<30} {m.catalog_size:>8} {m.found:>5} {m.requests:>8}  "
                f"{per_request}{verdict}"
            )
    return ok


def _print_package(size: int, strays: list[str]) -> bool:
    from benchmarks.package_size import LIMIT_BYTES, MB

    ok = size <= LIMIT_BYTES and not strays
    print(
        f"\nPackage: deployment.zip {size / MB:.1f} MB (limit {LIMIT_BYTES / MB:.0f} MB; "
        f"1 MB = 10^6 bytes)" + (f", dev-only files: {strays[:5]}" if strays else "")
        + f"  {OK if ok else OVER}"
    )  # fmt: skip
    return ok


def _show_progress(done: int, total: int) -> None:
    """On a terminal only, and erased once done: the output stays the table."""
    if sys.stderr.isatty():
        text = "" if done == total else f"cold start: round {done + 1} of {total}"
        print(f"\r{text:<40}\r", end="", file=sys.stderr, flush=True)


def _measure_filtered_pages(emulator: Emulator) -> tuple[list[FilteredList], list[FilteredList]]:
    """At 100 and at 10,000 products, each on emptied tables, after the other measures."""
    from benchmarks.filtered_pages import CATALOG_SIZE, measure_filtered_pages
    from chalicelib.timeouts import PYNAMODB_CLIENT_SETTINGS

    # The emulator sorts a whole index for every Query: at 10,000 products one takes
    # seconds, where DynamoDB answers in milliseconds.
    PYNAMODB_CLIENT_SETTINGS["read_timeout_seconds"] = 120
    _show_step("filtered lists: 100 products")
    _start_empty(emulator)
    small = measure_filtered_pages(emulator.url, SMALL_CATALOG)
    _show_step(f"filtered lists: {CATALOG_SIZE:,} products (a few minutes)")
    _start_empty(emulator)
    large = measure_filtered_pages(emulator.url, CATALOG_SIZE)
    _show_step("")
    return small, large


def _start_empty(emulator: Emulator) -> None:
    from chalicelib.store.setup import create_bucket, create_tables

    emulator.reset()
    create_tables()
    create_bucket()


def _show_step(text: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{text:<60}\r", end="", file=sys.stderr, flush=True)


def bench(scratch: Path, rounds: int) -> int:
    with emulated_stage(scratch) as emulator:
        from benchmarks.calls import measure_calls
        from benchmarks.cold_start import measure_cold_start
        from benchmarks.conditional_gets import measure_repeats
        from benchmarks.package_size import measure_package
        from chalicelib.config import get_settings

        with app_logs_held_back():
            measurements = measure_calls(emulator.url)
            repeats = measure_repeats(emulator.url, FIRST_PRODUCT_ID, FIRST_CATEGORY_ID)
        calls_ok = _print_calls(measurements)
        repeats_ok = _print_conditional_gets(repeats)
        cold = measure_cold_start(
            emulator.url,
            get_settings().table_name("products"),
            FIRST_PRODUCT_ID,
            rounds=rounds,
            progress=_show_progress,
        )
        with app_logs_held_back():
            filtered = _measure_filtered_pages(emulator)
    cold_ok = _print_cold_start(cold)
    filtered_ok = _print_filtered_pages(*filtered)
    package_ok = _print_package(*measure_package())
    verdicts = (calls_ok, repeats_ok, cold_ok, filtered_ok, package_ok)
    return 0 if all(verdicts) else 1


def main(argv: list[str] | None = None) -> int:
    from benchmarks.cold_start import ROUNDS

    parser = argparse.ArgumentParser(prog="manage.py bench", description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="cold-start runs of each kind (app, floor)"
    )
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="shop-bench-") as scratch:
            return bench(Path(scratch), args.rounds)
    except KeyboardInterrupt:
        print("\nbench interrupted; its temporary files are removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
