"""The slimming's cache (deploy/slim_zip.py): a zip slimmed with what an earlier build kept
holds exactly what one slimmed from scratch holds, and only the modules not seen before
are compiled again."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from deploy import slim_zip

DEPENDENCIES = {
    "pynamodb/__init__.py": b"VERSION = 1\n",
    "pynamodb/broken_for_another_python.py": b"print 'python 2'\n",
    "botocore/data/dynamodb/2012-08-10/service-2.json": b"{}",
    "botocore/data/ec2/2016-11-15/service-2.json": b"{}",
    "botocore/data/endpoints.json": b"{}",
}
APP = {
    "app.py": b"from chalicelib import shop\n",
    "chalicelib/shop.py": b"NAME = 'shop'\n",
    "chalicelib/__pycache__/removed.cpython-313.pyc": b"stale",
    "chalicelib/local/demo.py": b"PASSWORD = 'local-only'\n",
}


def chalice_zip(path: Path, app: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**DEPENDENCIES, **app}.items():
            archive.writestr(name, content)
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The module files compiled, in order."""
    names: list[str] = []
    compile_module = slim_zip.bytecode

    def counting(name: str, source: bytes, workdir: Path) -> tuple[str, bytes] | None:
        names.append(name)
        return compile_module(name, source, workdir)

    monkeypatch.setattr(slim_zip, "bytecode", counting)
    return names


def test_a_zip_slimmed_with_the_cache_holds_what_one_slimmed_without_it_holds(
    tmp_path: Path,
) -> None:
    without = chalice_zip(tmp_path / "without.zip", APP)
    first = chalice_zip(tmp_path / "first.zip", APP)
    second = chalice_zip(tmp_path / "second.zip", APP)
    slim_zip.slim(without)
    slim_zip.slim(first, tmp_path / "cache")
    slim_zip.slim(second, tmp_path / "cache")

    assert members(first) == members(without) == members(second)
    assert set(members(without)) == {
        "pynamodb/__init__.py",
        "pynamodb/__pycache__/__init__.cpython-313.pyc",
        "pynamodb/broken_for_another_python.py",
        "botocore/data/dynamodb/2012-08-10/service-2.json",
        "botocore/data/endpoints.json",
        "app.py",
        "__pycache__/app.cpython-313.pyc",
        "chalicelib/shop.py",
        "chalicelib/__pycache__/shop.cpython-313.pyc",
    }


def test_a_build_with_the_cache_compiles_only_the_changed_modules_of_the_app(
    tmp_path: Path, compiled: list[str]
) -> None:
    slim_zip.slim(chalice_zip(tmp_path / "first.zip", APP), tmp_path / "cache")
    compiled.clear()
    edited = {**APP, "chalicelib/shop.py": b"NAME = 'edited'\n"}
    again = chalice_zip(tmp_path / "again.zip", edited)

    slim_zip.slim(again, tmp_path / "cache")

    assert compiled == ["chalicelib/shop.py"]
    without = chalice_zip(tmp_path / "without.zip", edited)
    slim_zip.slim(without)
    assert members(again) == members(without)


def test_new_dependencies_are_slimmed_and_compiled_again(
    tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slim_zip.slim(chalice_zip(tmp_path / "first.zip", APP), tmp_path / "cache")
    compiled.clear()
    monkeypatch.setitem(DEPENDENCIES, "pynamodb/__init__.py", b"VERSION = 2\n")
    upgraded = chalice_zip(tmp_path / "upgraded.zip", APP)

    slim_zip.slim(upgraded, tmp_path / "cache")

    assert compiled == ["pynamodb/__init__.py"]
    assert members(upgraded)["pynamodb/__init__.py"] == b"VERSION = 2\n"
