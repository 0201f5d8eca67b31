"""`make run`: the emulator (unless AWS_ENDPOINT_URL names one) with the data saved in
.local-data/, tables, demo data when they are empty, and the API on 127.0.0.1:$PORT, until
Ctrl-C or SIGTERM. ``--emulator-only`` leaves the API out (for plain `chalice local`).

Stopping: the first Ctrl-C or SIGTERM raises StopRequested in the main thread wherever it
is (waiting, or still starting), and everything started so far is stopped, the data saved
last; a second one, or a stop that takes longer than SHUTDOWN_DEADLINE_SECONDS, ends the
process at once (the previous snapshot stays intact, see persistence).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time
from contextlib import ExitStack
from types import FrameType
from typing import Any

from chalicelib.local import persistence
from chalicelib.local.emulator import (
    LOOPBACK,
    Emulator,
    PortInUse,
    unreachable,
    use_emulator_credentials,
)
from chalicelib.local.stages import StageUnknown, stage_environment

SHUTDOWN_DEADLINE_SECONDS = 10.0
# One stop request can arrive twice: `kill -TERM -<group>` reaches make, which passes
# SIGTERM on to its child, and the child directly; `timeout` signals both too. A second
# signal this soon after the first is that same request, not an impatient second one.
DUPLICATE_SIGNAL_SECONDS = 1.0
# How long the last save waits for a request the emulator is still handling.
FINAL_SAVE_WAIT_SECONDS = 2.0


class StopRequested(BaseException):
    """Raised by the first SIGINT/SIGTERM; a BaseException so that no ``except Exception``
    on the way swallows it."""


class StartupProblem(Exception):
    """A start-up failure the developer can fix; its message says how (no traceback)."""


class Signals:
    def __init__(self) -> None:
        self.stopping = False
        self._first_at: float | None = None

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self._first_at is not None and now - self._first_at < DUPLICATE_SIGNAL_SECONDS:
            return
        if self.stopping:
            os.write(2, b"Stopped at once, without saving.\n")
            os._exit(128 + signum)
        self.stopping = True
        self._first_at = now
        raise StopRequested(signum)


def _port(variable: str, default: str) -> int:
    value = os.environ.get(variable) or default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise StartupProblem(f"{variable}={value} is not a port number, e.g. {variable}={default}")
    return int(value)


def _check_endpoint(url: str) -> None:
    reason = unreachable(url)
    if reason is not None:
        raise StartupProblem(
            f"AWS_ENDPOINT_URL={url} does not answer ({reason}): start that emulator first "
            "(make run in another terminal starts one on 127.0.0.1:5000), or unset "
            "AWS_ENDPOINT_URL to let make run start its own."
        )


def _prepare_data() -> bool:
    """Tables and bucket; the demo data when the tables are empty. Whether it was loaded."""
    from chalicelib.config import reset_settings
    from chalicelib.local.demo import seed
    from chalicelib.store.products import backfill_filter_keys
    from chalicelib.store.setup import add_missing_indexes, create_bucket, create_tables

    reset_settings()
    create_tables()
    # Data saved by an older version lacks the indexes added since, and the attributes
    # they are keyed on: add both, as a deployed stage's upgrade does (docs/deploy.md).
    added = add_missing_indexes()
    if added:
        backfill_filter_keys()
        print(f"Added to the restored data the indexes it lacked: {', '.join(added)}")
    create_bucket()
    return seed()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_logins() -> None:
    from chalicelib.local.demo import DEMO_SHOPPER, DEMO_STAFF

    for user in (DEMO_STAFF, DEMO_SHOPPER):
        print(f"  login: {user['username']} / {user['password']}")


class Stack:
    """What one run started, so that exactly that is stopped."""

    def __init__(self) -> None:
        self.resources = ExitStack()
        self.api: Any = None
        self.api_thread: threading.Thread | None = None
        self.emulator: Emulator | None = None
        self.data: persistence.LocalData | None = None
        self.restored: persistence.Restored | None = None
        self.started = False

    def start(self, port: int, moto_port: int, serve_api: bool) -> None:
        stage = os.environ.setdefault("STAGE", "local")
        try:
            environment = stage_environment(stage)
        except StageUnknown as unknown:
            raise StartupProblem(
                f"STAGE={stage} has no configuration in .chalice/config.json, whose stages "
                f"are {', '.join(unknown.known)}: e.g. STAGE=local make run"
            ) from None
        for name, value in environment.items():
            os.environ.setdefault(name, value)
        use_emulator_credentials()
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            _check_endpoint(endpoint)
        if serve_api:
            self._bind_api(port, stage)
        if not endpoint:
            self._start_emulator(moto_port)
        else:
            print(f"Using the AWS emulator at {endpoint} (the run that started it saves its data)")
        loaded = _prepare_data()
        restored = self.restored
        if restored is not None and not loaded:
            assert self.data is not None
            print(
                f"Restored local data from {persistence.shown(self.data.data_dir)} "
                f"({_count(restored.tables, 'table')}, {_count(restored.objects, 'image')})"
            )
        elif loaded:
            print("Started with fresh demo data.")
        _print_logins()
        if self.data is not None:
            self.data.save_in_background()
        self.started = True
        if self.api is not None:
            self.api_thread = threading.Thread(target=self.api.server.serve_forever, daemon=True)
            self.api_thread.start()
            print(f"Shop API on http://{LOOPBACK}:{port}/api/ (schema: /api/schema/)")
        if self.emulator is not None and self.data is not None:
            print(f"Data saved in {persistence.shown(self.data.data_dir)} (make reset deletes it)")
        sys.stdout.flush()

    def _bind_api(self, port: int, stage: str) -> None:
        from chalicelib.local.server import create_server

        try:
            self.api = create_server(LOOPBACK, port, stage=stage)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise StartupProblem(
                f"PORT={port} is in use: stop the other server or choose another port, "
                f"e.g. PORT={port + 1} make run"
            ) from None

    def _start_emulator(self, moto_port: int) -> None:
        data_dir = persistence.data_dir_from_environment()
        emulator_url = f"http://{LOOPBACK}:{moto_port}"
        try:
            self.resources.enter_context(
                persistence.owned(
                    data_dir, f"make run (pid {os.getpid()}, emulator {emulator_url})"
                )
            )
        except persistence.DataDirInUse as error:
            raise StartupProblem(
                f"{persistence.shown(data_dir)} is in use by {error.owner}: share that "
                f"emulator with AWS_ENDPOINT_URL=<its address> PORT={_port('PORT', '8000') + 1} "
                "make run, or give this one its own folder with LOCAL_DATA_DIR=<path>"
            ) from None
        emulator = Emulator(moto_port)
        self.data = persistence.LocalData(data_dir, emulator)
        self.restored = self.data.restore()
        try:
            self.emulator = emulator.start()
        except PortInUse:
            raise StartupProblem(
                f"MOTO_PORT={moto_port} is in use: stop the other emulator or choose another "
                f"port, e.g. MOTO_PORT={moto_port + 1} make run (or use the emulator there: "
                f"AWS_ENDPOINT_URL={emulator_url} make run)"
            ) from None
        os.environ["AWS_ENDPOINT_URL"] = emulator.url
        print(f"AWS emulator on {emulator.url}")

    def stop(self) -> None:
        if self.api is not None:
            if self.api_thread is not None:
                self.api.shutdown()
            self.api.server.server_close()
        if self.data is not None:
            self.data.stop_saving_in_background()
            # A start that was interrupted (half the demo data loaded) is not saved.
            if (
                self.started
                and self.emulator is not None
                and not self.data.save(FINAL_SAVE_WAIT_SECONDS)
            ):
                print("Could not save the local data: the emulator stayed busy.", file=sys.stderr)
        if self.emulator is not None:
            self.emulator.stop()
        self.resources.close()


def _give_up() -> None:
    os.write(2, f"Still stopping after {SHUTDOWN_DEADLINE_SECONDS:.0f} s; exiting now.\n".encode())
    os._exit(1)


def main(argv: list[str]) -> int:
    signals = Signals()
    signals.install()
    stack = Stack()
    code = 0
    try:
        stack.start(
            _port("PORT", "8000"), _port("MOTO_PORT", "5000"), "--emulator-only" not in argv
        )
        # Not signal.pause(): the kernel may hand a signal to any thread, and then a main
        # thread parked in pause() would never wake up to run the handler. Python runs
        # it at the main thread's next step, which these sleeps keep within 0.2 s.
        while True:
            time.sleep(0.2)
    except StopRequested:
        print("Stopping.", flush=True)
    except StartupProblem as problem:
        print(problem, file=sys.stderr, flush=True)
        code = 2
    finally:
        signals.stopping = True
        deadline = threading.Timer(SHUTDOWN_DEADLINE_SECONDS, _give_up)
        deadline.daemon = True
        deadline.start()
        stack.stop()
        deadline.cancel()
    return code


if __name__ == "__main__":
    exit_code = main(sys.argv[1:])
    # Everything is stopped and saved. The interpreter's finalization would walk the
    # emulator's whole state (seconds), and daemon threads still parked in a library at
    # that moment can abort the process ("FATAL: exception not rethrown", exit -6, seen
    # after a Ctrl-C during start-up). Nothing is left for it to do: leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
