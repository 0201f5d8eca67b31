"""The stage every benchmark measures against: a moto server of its own on a free port,
with the stage's tables and bucket, in a scratch folder that the caller removes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.local.emulator import Emulator

BENCH_ENVIRONMENT = {
    "STAGE": "test",
    "TABLE_PREFIX": "shop-bench-",
    "MEDIA_BUCKET": "shop-bench-media",
    "PASSWORD_ITERATIONS": "1000",
}


@contextlib.contextmanager
def emulated_stage(scratch: Path) -> Iterator[Emulator]:
    """Started on entry (empty tables and bucket), stopped on exit."""
    os.environ.update(BENCH_ENVIRONMENT)
    # moto's recorder reads its file's path when moto is imported.
    os.environ["MOTO_RECORDER_FILEPATH"] = str(scratch / "moto-recording")

    from chalicelib.config import reset_settings
    from chalicelib.local.emulator import Emulator, free_ports, use_emulator_credentials
    from chalicelib.store.setup import create_bucket, create_tables

    use_emulator_credentials()
    emulator = Emulator(free_ports(1)[0]).start()
    os.environ["AWS_ENDPOINT_URL"] = emulator.url
    reset_settings()
    try:
        create_tables()
        create_bucket()
        yield emulator
    finally:
        emulator.stop()
