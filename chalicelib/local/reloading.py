"""`chalice local` restarts its server when a file in the project changes. Its watcher
looks at every file under the project directory: each second it walks .venv's tens of
thousands of files, and any write anywhere (the saved emulator data in .local-data/,
.pytest_cache, .mypy_cache, bytecode in __pycache__) restarts the server. Here it watches
the shop's source only: app.py, chalicelib/**/*.py and .chalice/config.json.

Chalice offers no option for this, so the two watchers it may use are patched: the stat
poller (the default) and the watchdog observer (when watchdog is installed). The worker
process that serves also exits when the reloading parent is gone (see _exit_with_parent).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SOURCE_FILES = ("app.py", os.path.join(".chalice", "config.json"))
SOURCE_PACKAGE = "chalicelib"


def is_source(project_dir: str, path: str) -> bool:
    relative = os.path.relpath(os.path.abspath(path), project_dir)
    if relative in SOURCE_FILES:
        return True
    parts = Path(relative).parts
    return (
        len(parts) > 1
        and parts[0] == SOURCE_PACKAGE
        and relative.endswith(".py")
        and "__pycache__" not in parts
    )


def source_mtimes(project_dir: str) -> dict[str, float]:
    root = Path(project_dir)
    paths = [root / name for name in SOURCE_FILES] + sorted((root / SOURCE_PACKAGE).rglob("*.py"))
    mtimes = {}
    for path in paths:
        try:
            mtimes[str(path)] = path.stat().st_mtime
        except FileNotFoundError:  # deleted meanwhile: the next poll sees it gone
            continue
    return mtimes


def _patch_stat_watcher(project_dir: str) -> None:
    from chalice.cli.filewatch.stat import StatFileWatcher

    def seed(self: Any, root_dir: str) -> None:
        self._shop_sources = source_mtimes(project_dir)

    def poll(self: Any, root_dir: str, callback: Callable[[], None]) -> None:
        current = source_mtimes(project_dir)
        previous = getattr(self, "_shop_sources", None)
        self._shop_sources = current
        # No previous: the watcher was seeded (with every file) before the app's import
        # patched it; this first poll only records the sources.
        if previous is not None and current != previous:
            callback()

    StatFileWatcher._seed_mtime_cache = seed  # type: ignore[method-assign]
    StatFileWatcher._single_pass_poll = poll  # type: ignore[method-assign]


def _patch_watchdog_restarter(project_dir: str) -> None:
    try:
        from chalice.cli.filewatch.eventbased import WatchdogRestarter
    except ImportError:  # watchdog is not installed: chalice polls with stat
        return
    restart = WatchdogRestarter.on_any_event

    def on_any_event(self: Any, event: Any) -> None:
        paths = (event.src_path, getattr(event, "dest_path", "") or "")
        if any(path and is_source(project_dir, os.fsdecode(path)) for path in paths):
            restart(self, event)

    WatchdogRestarter.on_any_event = on_any_event  # type: ignore[method-assign]


def _exit_with_parent() -> None:
    """The server runs in a worker process that the reloading parent restarts. A SIGTERM
    ends the parent only (Ctrl-C reaches both through the terminal), which would leave the
    worker serving on the port: it exits once its parent is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def reload_on_source_changes_only(project_dir: str) -> None:
    _patch_stat_watcher(project_dir)
    _patch_watchdog_restarter(project_dir)
    if os.environ.get("CHALICE_WORKER"):
        _exit_with_parent()
