"""`make run` keeps its data: the emulator's state is saved in the data folder
(LOCAL_DATA_DIR, .local-data/ by default) and restored by the next run, images included;
`make reset` deletes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from sample_images import image_bytes

from chalicelib.local.emulator import Emulator
from chalicelib.local.persistence import SNAPSHOT, LocalData, owned

pytestmark = pytest.mark.e2e

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAVE_TIMEOUT = 15.0


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-data")


@pytest.fixture(scope="module")
def first_run(start_stack, data_dir) -> dict[str, Any]:
    """A run on an empty folder that adds a product with an image, stopped with SIGTERM."""
    running = start_stack(LOCAL_DATA_DIR=str(data_dir))
    staff = running.login("admin", "admin-local-only")
    jackets = running.get("/api/categories/").json()[0]
    image = image_bytes("PNG", size=(12, 12))
    created = running.request(
        "POST",
        "/api/products/",
        headers=staff,
        data={"name": "Kept Jacket", "price": "12.50", "category": str(jackets["id"])},
        files={"image": ("kept.png", image, "image/png")},
    )
    assert created.status_code == 201, created.text
    running.assert_stops_cleanly()
    return {"output": running.output(), "product": created.json(), "image": image}


@pytest.fixture(scope="module")
def second_run(first_run, start_stack, data_dir):
    running = start_stack(LOCAL_DATA_DIR=str(data_dir))
    yield running
    running.kill()


def reset(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`make reset` for this folder."""
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.local.persistence", "reset"],
        cwd=PROJECT_DIR,
        env={**os.environ, "LOCAL_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )


def wait_until_saved(snapshot: Path, mtime_before: int) -> None:
    """Until the snapshot has changed and then stayed as it is for longer than the quiet
    second after which the stack saves: a save under way when the write came may have
    captured the state before it, and the next one then follows within that second."""
    deadline = time.monotonic() + SAVE_TIMEOUT
    changed_at, mtime = None, mtime_before
    while changed_at is None or time.monotonic() - changed_at < 1.5:
        assert time.monotonic() < deadline, "the snapshot was not saved, or never settled"
        current = snapshot.stat().st_mtime_ns
        if current != mtime:
            changed_at, mtime = time.monotonic(), current
        time.sleep(0.1)


def test_a_first_run_says_it_started_with_fresh_demo_data(first_run):
    assert "Started with fresh demo data." in first_run["output"]
    assert "Restored local data" not in first_run["output"]


def test_a_restart_says_what_it_restored(second_run, data_dir):
    output = second_run.output()
    assert f"Restored local data from {data_dir}/ (10 tables, 1 image)" in output
    assert "Started with fresh demo data." not in output


def test_a_restart_keeps_a_product_and_its_image(first_run, second_run):
    product = second_run.get(f"/api/products/{first_run['product']['id']}/")
    assert product.status_code == 200, product.text
    assert product.json()["name"] == "Kept Jacket"
    image = requests.get(product.json()["image"], timeout=10)
    assert (image.status_code, image.content) == (200, first_run["image"])


def test_a_write_survives_a_kill_once_the_quiet_second_has_passed(
    second_run, start_stack, data_dir
):
    """Kills the module's second run: the last test to use it."""
    snapshot = data_dir / SNAPSHOT
    staff = second_run.login("admin", "admin-local-only")
    created = second_run.post("/api/categories/", {"name": "Saved Hats"}, headers=staff)
    assert created.status_code == 201, created.text
    wait_until_saved(snapshot, snapshot.stat().st_mtime_ns)
    second_run.process.send_signal(signal.SIGKILL)
    second_run.process.wait(10)

    third_run = start_stack(LOCAL_DATA_DIR=str(data_dir))
    names = [category["name"] for category in third_run.get("/api/categories/").json()]
    assert "Saved Hats" in names
    third_run.assert_stops_cleanly()


# make reset, and the snapshot file itself, without a stack


def test_make_reset_deletes_the_saved_data(tmp_path):
    (tmp_path / SNAPSHOT).write_bytes(b"saved")
    done = reset(tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Deleted the saved local data in {tmp_path}/" in done.stdout
    assert "make run starts with fresh demo data" in done.stdout
    assert not (tmp_path / SNAPSHOT).exists()


def test_make_reset_refuses_while_a_run_uses_the_folder(tmp_path):
    (tmp_path / SNAPSHOT).write_bytes(b"saved")
    with owned(tmp_path, "make run (pid 4242, emulator http://127.0.0.1:5000)"):
        refused = reset(tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"{tmp_path}/ is in use by make run (pid 4242, emulator http://127.0.0.1:5000): "
        "stop it (Ctrl-C), then make reset."
    )
    assert (tmp_path / SNAPSHOT).read_bytes() == b"saved"


def test_a_save_killed_halfway_leaves_only_a_temporary_file_that_the_next_run_removes(
    tmp_path,
):
    (tmp_path / f".{SNAPSHOT}.4242.tmp").write_bytes(b"half a pick")
    with owned(tmp_path, "test"):
        assert list(tmp_path.glob("*.tmp")) == []


def test_an_unreadable_snapshot_is_kept_aside_and_not_loaded(tmp_path, capsys):
    (tmp_path / SNAPSHOT).write_bytes(b"not a pickle")
    assert LocalData(tmp_path, Emulator(0)).restore() is None
    kept = list(tmp_path.glob(f"{SNAPSHOT}.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"not a pickle"
    assert not (tmp_path / SNAPSHOT).exists()
    assert f"Could not restore {tmp_path}/{SNAPSHOT}" in capsys.readouterr().err
