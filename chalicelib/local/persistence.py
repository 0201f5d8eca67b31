"""What `make run` keeps between runs: the embedded emulator's tables, items and objects,
saved in a folder of the project (``.local-data/``, git-ignored) and restored at the next
start.

A snapshot is a pickle of moto's DynamoDB and S3 backends, taken between two emulator
requests (under the emulator's lock), so it is always a consistent state. It is written to
a temporary file that then replaces the previous snapshot (``os.replace`` is atomic): a
process killed while saving leaves the previous complete snapshot. Besides the save at
exit, a background thread saves once writes have paused for a second, and at least every
ten seconds while they go on, so that a kill -9 loses only the last seconds.

Measured on the 2-core development machine with the demo data and one 200 KB image:
saving takes 2 ms (216 KB), restoring 3 ms. moto's request recorder
(MOTO_ENABLE_RECORDING) was the alternative: it replays every request ever made at each
start, so starts get slower with every change, and a replay depends on the same ids and
clock as the original run.

One process at a time owns the folder: it holds an exclusive lock on ``.lock`` (released
by the kernel however the process ends), and ``make reset`` refuses to delete the data
while it is held.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import pickle
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from chalicelib.local.emulator import Emulator

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_DIR / ".local-data"
SNAPSHOT = "emulator.pickle"
LOCK = ".lock"
SERVICES = ("dynamodb", "s3")
FORMAT = 1
# Save once writes have paused this long, and while they go on at least this often.
QUIET_SECONDS = 1.0
MAX_UNSAVED_SECONDS = 10.0
# How long a save waits for the emulator's request in progress.
LOCK_TIMEOUT_SECONDS = 5.0
BACKGROUND_LOCK_TIMEOUT_SECONDS = 1.0


class DataDirInUse(Exception):
    def __init__(self, data_dir: Path, owner: str) -> None:
        super().__init__(f"{data_dir} is in use by {owner or 'another process'}")
        self.data_dir = data_dir
        self.owner = owner


@dataclass(frozen=True)
class Restored:
    tables: int
    objects: int


def data_dir_from_environment() -> Path:
    configured = os.environ.get("LOCAL_DATA_DIR")
    return Path(configured).resolve() if configured else DEFAULT_DATA_DIR


def shown(path: Path) -> str:
    """The path as the developer would type it: relative to the project when inside it."""
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(PROJECT_DIR)}/"
    return f"{path}/"


@contextlib.contextmanager
def owned(data_dir: Path, owner: str) -> Iterator[Path]:
    """Hold the folder's lock for the block, or DataDirInUse naming its holder. ``owner``
    is written into the lock file for that message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK, "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            raise DataDirInUse(data_dir, lock_file.read().strip()) from None
        lock_file.truncate(0)
        lock_file.write(owner)
        lock_file.flush()
        # Temporary files of a save that was killed are no one's now.
        for leftover in data_dir.glob(f".{SNAPSHOT}.*.tmp"):
            leftover.unlink(missing_ok=True)
        try:
            yield data_dir
        finally:
            lock_file.truncate(0)


def _backends() -> dict[str, Any]:
    from moto.backends import get_backend

    return {name: get_backend(name) for name in SERVICES}  # type: ignore[call-overload]


def _capture() -> bytes:
    """The emulator's state as bytes; the caller holds the emulator's lock."""
    import moto
    from moto.s3.models import s3_backends

    state = {
        service: {account: dict(regions) for account, regions in backend.items()}
        for service, backend in _backends().items()
    }
    buffer = io.BytesIO()
    # The header first, so that a snapshot of another moto version is recognised without
    # unpickling classes that may have changed.
    pickle.dump({"format": FORMAT, "moto": moto.__version__}, buffer)
    pickle.dump(
        {"backends": state, "bucket_accounts": dict(s3_backends.bucket_accounts)},
        buffer,
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


class SnapshotUnreadable(Exception):
    pass


def _load(file: IO[bytes]) -> dict[str, Any]:
    import moto

    try:
        header = pickle.load(file)
    except Exception as error:
        raise SnapshotUnreadable(f"{type(error).__name__}: {error}") from error
    if header != {"format": FORMAT, "moto": moto.__version__}:
        raise SnapshotUnreadable(
            f"written by moto {header.get('moto')}, this is moto {moto.__version__}"
            if isinstance(header, dict)
            else "not a snapshot"
        )
    try:
        state: dict[str, Any] = pickle.load(file)
    except Exception as error:
        raise SnapshotUnreadable(f"{type(error).__name__}: {error}") from error
    return state


def _install(state: dict[str, Any]) -> Restored:
    from moto.s3.models import s3_backends

    backends = _backends()
    tables = objects = 0
    for service, accounts in state["backends"].items():
        for account, regions in accounts.items():
            for region, backend in regions.items():
                backends[service][account][region] = backend
                if service == "dynamodb":
                    tables += len(backend.tables)
                if service == "s3":
                    objects += sum(len(bucket.keys) for bucket in backend.buckets.values())
    s3_backends.bucket_accounts.update(state["bucket_accounts"])
    return Restored(tables=tables, objects=objects)


def _acquire_promptly(lock: Any, deadline: float) -> bool:
    """``lock.acquire`` until ``deadline``, in short steps: a signal that the kernel hands
    to another thread gets its Python handler run only when the main thread next steps."""
    while True:
        remaining = deadline - time.monotonic()
        if lock.acquire(timeout=max(0.0, min(0.2, remaining))):
            return True
        if remaining <= 0.2:
            return False


class LocalData:
    """The snapshots of one emulator in one folder (which the caller owns)."""

    def __init__(self, data_dir: Path, emulator: Emulator) -> None:
        self.data_dir = data_dir
        self.path = data_dir / SNAPSHOT
        self.emulator = emulator
        self._saved_writes = 0
        self._save_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def restore(self) -> Restored | None:
        """Load the snapshot into the emulator (before it serves anything); None without
        one. An unreadable snapshot is moved aside, named in a message, and not loaded."""
        if not self.path.exists():
            return None
        with open(self.path, "rb") as file:
            try:
                state = _load(file)
            except SnapshotUnreadable as error:
                aside = self.path.with_name(f"{SNAPSHOT}.unreadable-{int(time.time())}")
                os.replace(self.path, aside)
                print(
                    f"Could not restore {shown(self.data_dir)}{SNAPSHOT} ({error}); kept it "
                    f"as {shown(self.data_dir)}{aside.name} and started afresh.",
                    file=sys.stderr,
                )
                return None
        return _install(state)

    def save(self, lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> bool:
        """Write a snapshot if anything may have changed since the last one. False when
        the emulator (or another save) stayed busy for ``lock_timeout``: the previous
        snapshot stays."""
        deadline = time.monotonic() + lock_timeout
        if not _acquire_promptly(self._save_lock, deadline):
            return False
        try:
            if not _acquire_promptly(self.emulator.lock, deadline):
                return False
            try:
                writes = self.emulator.writes
                if writes == self._saved_writes and self.path.exists():
                    return True
                data = _capture()
            finally:
                self.emulator.lock.release()
            _write_atomically(self.path, data)
            self._saved_writes = writes
            return True
        finally:
            self._save_lock.release()

    def save_in_background(self) -> None:
        self._thread = threading.Thread(target=self._save_after_writes, daemon=True)
        self._thread.start()

    def stop_saving_in_background(self) -> None:
        """Not waited for: a save under way holds the save lock, which the last save
        then waits for (within its own time limit)."""
        self._stop.set()

    def _save_after_writes(self) -> None:
        seen = self._saved_writes
        last_write = first_unsaved = None
        while not self._stop.wait(0.2):
            now = time.monotonic()
            writes = self.emulator.writes
            if writes == self._saved_writes:
                first_unsaved = None
                continue
            if writes != seen or last_write is None:
                seen, last_write = writes, now
            first_unsaved = first_unsaved or now
            if now - last_write >= QUIET_SECONDS or now - first_unsaved >= MAX_UNSAVED_SECONDS:
                try:
                    self.save(BACKGROUND_LOCK_TIMEOUT_SECONDS)  # else: again next time
                except Exception as error:  # a full disk must not stop the stack
                    print(f"Could not save the local data: {error}", file=sys.stderr)
                first_unsaved = None


def reset(data_dir: Path) -> str:
    """Delete the saved data (``make reset``); what was done, for the developer."""
    if not (data_dir / SNAPSHOT).exists():
        return f"No saved local data in {shown(data_dir)}: make run starts with fresh demo data."
    with owned(data_dir, owner=f"make reset (pid {os.getpid()})"):
        (data_dir / SNAPSHOT).unlink()
    return (
        f"Deleted the saved local data in {shown(data_dir)}: make run starts with fresh demo data."
    )


def main(argv: list[str]) -> int:
    if argv != ["reset"]:
        print("usage: python -m chalicelib.local.persistence reset", file=sys.stderr)
        return 2
    data_dir = data_dir_from_environment()
    try:
        print(reset(data_dir))
    except DataDirInUse as error:
        print(
            f"{shown(data_dir)} is in use by {error.owner or 'a running make run'}: stop it "
            "(Ctrl-C), then make reset.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
