"""`make bench`: measured DynamoDB calls per request next to the budgets, the cold-start
ratio and the package size. Exits non-zero when a budget is exceeded."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.calls import Measurement

BENCH_ENVIRONMENT = {
    "STAGE": "test",
    "TABLE_PREFIX": "shop-bench-",
    "MEDIA_BUCKET": "shop-bench-media",
    "PASSWORD_ITERATIONS": "1000",
}


def _print_calls(measurements: list[Measurement]) -> bool:
    print(f"{'request':<48} {'budget':>8} {'measured':>9}  calls")
    ok = True
    for measurement in measurements:
        scenario = measurement.scenario
        if measurement.calls is None:
            print(f"{scenario.label:<48} {scenario.budget_text:>8} {'-':>9}  not served yet")
            continue
        total = sum(measurement.calls.values())
        verdict = "" if measurement.within_budget else "  OVER BUDGET"
        ok = ok and measurement.within_budget
        detail = ", ".join(f"{name} x{count}" for name, count in sorted(measurement.calls.items()))
        print(
            f"{scenario.label:<48} {scenario.budget_text:>8} {total:>9}  "
            f"{detail} (HTTP {measurement.status}){verdict}"
        )
    return ok


def main() -> int:
    os.environ.update(BENCH_ENVIRONMENT)
    os.environ.setdefault("MOTO_RECORDER_FILEPATH", tempfile.mktemp(prefix="moto-recording-"))

    from benchmarks.calls import measure_calls
    from benchmarks.cold_start import ALLOWED_RATIO, measure_cold_start
    from benchmarks.package_size import LIMIT_BYTES, measure_package
    from chalicelib.config import get_settings, reset_settings
    from chalicelib.local.emulator import Emulator, free_ports, use_emulator_credentials
    from chalicelib.store.setup import create_bucket, create_tables

    use_emulator_credentials()
    emulator = Emulator(free_ports(1)[0]).start()
    os.environ["AWS_ENDPOINT_URL"] = emulator.url
    reset_settings()
    try:
        create_tables()
        create_bucket()
        print("DynamoDB calls per request (counted at the emulator)")
        calls_ok = _print_calls(measure_calls(emulator.url))
        cold = measure_cold_start(emulator.url, get_settings().table_name("products"), 1)
    finally:
        emulator.stop()
    cold_ok = cold.ratio <= ALLOWED_RATIO
    print(
        f"\ncold start: app {cold.app * 1000:.0f} ms, floor {cold.floor * 1000:.0f} ms, "
        f"ratio {cold.ratio:.2f} (allowed {ALLOWED_RATIO}){'' if cold_ok else '  OVER BUDGET'}"
        f"\n  against bare imports ({cold.strict_floor * 1000:.0f} ms, pydantic unloaded): "
        f"ratio {cold.strict_ratio:.2f}"
    )
    size, strays = measure_package()
    size_ok = size <= LIMIT_BYTES and not strays
    print(
        f"package: {size / 1024 / 1024:.1f} MB (allowed {LIMIT_BYTES // 1024 // 1024} MB)"
        + (f", dev-only files: {strays[:5]}" if strays else "")
    )
    return 0 if (calls_ok and cold_ok and size_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
