"""`make run`: the emulator (unless AWS_ENDPOINT_URL names one), tables, demo data and the
API on 127.0.0.1:$PORT, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from types import FrameType

from chalicelib.local.emulator import LOOPBACK, Emulator, use_emulator_credentials


def _stop_on_sigterm(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def _prepare_data() -> None:
    from chalicelib.config import reset_settings
    from chalicelib.services.demo import DEMO_SHOPPER, DEMO_STAFF, seed
    from chalicelib.store.setup import create_bucket, create_tables

    reset_settings()
    create_tables()
    create_bucket()
    if seed():
        print("Demo data loaded.")
    for user in (DEMO_STAFF, DEMO_SHOPPER):
        print(f"  login: {user['username']} / {user['password']}")


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    os.environ.setdefault("STAGE", "local")
    use_emulator_credentials()
    emulator = None
    if not os.environ.get("AWS_ENDPOINT_URL"):
        emulator = Emulator(int(os.environ.get("MOTO_PORT", "5000"))).start()
        os.environ["AWS_ENDPOINT_URL"] = emulator.url
        print(f"AWS emulator on {emulator.url}")
    stop = threading.Event()
    _stop_on_sigterm(stop)
    from chalicelib.local.server import create_server

    server = create_server(LOOPBACK, port, stage=os.environ["STAGE"])
    try:
        _prepare_data()
        thread = threading.Thread(target=server.server.serve_forever, daemon=True)
        thread.start()
        print(f"Shop API on http://{LOOPBACK}:{port}/api/ (schema: /api/schema/)", flush=True)
        stop.wait()
    finally:
        print("Stopping.", flush=True)
        server.shutdown()
        server.server.server_close()
        if emulator is not None:
            emulator.stop()
    return 0


if __name__ == "__main__":
    exit_code = main()
    # Everything is stopped. The interpreter's final garbage collections would walk the
    # emulator's whole state and delay the exit by seconds; frozen objects are skipped.
    gc.freeze()
    sys.exit(exit_code)
