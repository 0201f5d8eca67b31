"""Drop from a `chalice package` deployment zip the botocore service models that the
function never loads and the local-only code, and add compiled bytecode for every module.

botocore ships the API model of every AWS service, about 15 MB of the zip, while the
function calls DynamoDB (PynamoDB), S3 (images) and Secrets Manager (the cursor key,
once per container). Without the others the zip keeps room
under its 25 MB budget for the image libraries.

``chalicelib/local/`` (the emulator, `make run`, the demo data with its public passwords)
serves local runs only; the function never imports it (app.py does only under the chalice
CLI), so it is left out.

Lambda's code directory is read-only, so without bytecode in the zip every cold start
compiles each imported module from source again. The bytecode is checked by nothing at
run time ("unchecked hash" pycs): the zip is immutable, so its sources never change. It
is only used by the Python version that built it, which is the one `chalice package`
declares as the function's runtime.

Compiling and recompressing the ~800 files of the dependencies takes about ten seconds,
and they change only with requirements.txt, so a build given a cache folder (`make
package` gives ``.chalice/deployments/slim``) keeps them there: the slimmed dependencies
with their bytecode, as one zip named after what went into it (every kept member's name,
CRC and size, the Python version and this file), and the bytecode of each module named
after its path and source. A build then copies that zip and adds the app's files (chalice
writes them fresh for each build: ``app.py``, ``chalicelib/``, ``chalice/``), compiling
only the modules it has not seen.

    python deploy/slim_zip.py build/package/deployment.zip
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import py_compile
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SERVICES_CALLED = frozenset({"dynamodb", "s3", "secretsmanager"})
MODELS = "botocore/data/"
LOCAL_ONLY = "chalicelib/local/"
# What chalice adds to its cached dependencies for each build.
APP_FILES = ("app.py", "chalicelib/", "chalice/")
# Cached files not used for this long are deleted by the next build that writes one.
CACHE_DAYS = 14


def is_unused_model(name: str) -> bool:
    """``botocore/data/<service>/...`` of a service the function does not call; the files
    directly in ``botocore/data`` (endpoints, partitions, retry rules) are always kept."""
    if not name.startswith(MODELS):
        return False
    service, separator, _ = name.removeprefix(MODELS).partition("/")
    return bool(separator) and service not in SERVICES_CALLED


def is_kept(name: str) -> bool:
    # chalice copies the app's source folders with their bytecode caches, which may hold
    # modules since removed (or local-only ones); fresh bytecode of exactly the packaged
    # sources is added instead.
    return not (is_unused_model(name) or name.startswith(LOCAL_ONLY) or "__pycache__/" in name)


def bytecode(name: str, source: bytes, workdir: Path) -> tuple[str, bytes] | None:
    """The ``__pycache__`` entry for module file ``name``, or None when it does not compile
    (a few packages ship files for other Python versions that are never imported)."""
    cache_name = importlib.util.cache_from_source(name)
    source_file = workdir / "module.py"
    source_file.write_bytes(source)
    compiled = workdir / "module.pyc"
    try:
        py_compile.compile(
            str(source_file),
            cfile=str(compiled),
            dfile=f"/var/task/{name}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError:
        return None
    return cache_name, compiled.read_bytes()


class Compiler:
    """Bytecode for module files, kept in ``cache`` (when given) under a name made of the
    module's path, its source and the Python version."""

    def __init__(self, workdir: Path, cache: Path | None) -> None:
        self.workdir = workdir
        self.cache = cache

    def __call__(self, name: str, source: bytes) -> tuple[str, bytes] | None:
        if self.cache is None:
            return bytecode(name, source, self.workdir)
        key = hashlib.sha256(importlib.util.MAGIC_NUMBER + name.encode() + b"\0" + source)
        kept = self.cache / f"{key.hexdigest()}.pyc"
        if kept.exists():
            os.utime(kept)
            content = kept.read_bytes()
            # An empty file: the module does not compile.
            return (importlib.util.cache_from_source(name), content) if content else None
        compiled = bytecode(name, source, self.workdir)
        _write_atomically(kept, compiled[1] if compiled else b"")
        return compiled


def copy_with_bytecode(
    source: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    target: zipfile.ZipFile,
    compile_module: Compiler,
) -> None:
    for entry in entries:
        content = source.read(entry)
        target.writestr(entry, content, compress_type=entry.compress_type)
        if entry.filename.endswith(".py"):
            compiled = compile_module(entry.filename, content)
            if compiled is not None:
                cache_entry = zipfile.ZipInfo(compiled[0], date_time=entry.date_time)
                cache_entry.external_attr = entry.external_attr
                target.writestr(cache_entry, compiled[1], compress_type=zipfile.ZIP_DEFLATED)


def dependencies_key(entries: list[zipfile.ZipInfo]) -> str:
    """Names what the slimmed dependencies are made of: each member's name, CRC and size
    (a new version of a package renames its .dist-info folder too), the Python version
    the bytecode is for, and the slimming rules (this file)."""
    key = hashlib.sha256(importlib.util.MAGIC_NUMBER + Path(__file__).read_bytes())
    for entry in entries:
        key.update(f"{entry.filename}\0{entry.CRC}\0{entry.file_size}\0".encode())
        key.update(f"{entry.compress_type}\0{entry.external_attr}\n".encode())
    return key.hexdigest()[:32]


def slim(archive: Path, cache: Path | None = None) -> tuple[int, int]:
    """Rewrite ``archive`` in place, reusing what an earlier build kept in ``cache``;
    returns its size before and after."""
    before = archive.stat().st_size
    slimmed = archive.with_name(archive.name + ".slim")
    with zipfile.ZipFile(archive) as source, tempfile.TemporaryDirectory() as workdir:
        kept = [entry for entry in source.infolist() if is_kept(entry.filename)]
        app = [entry for entry in kept if entry.filename.startswith(APP_FILES)]
        dependencies = [entry for entry in kept if not entry.filename.startswith(APP_FILES)]
        bytecode_cache = cache / "bytecode" if cache is not None else None
        if bytecode_cache is not None:
            bytecode_cache.mkdir(parents=True, exist_ok=True)
        compile_module = Compiler(Path(workdir), bytecode_cache)
        kept_dependencies = (
            cache / f"dependencies-{dependencies_key(dependencies)}.zip"
            if cache is not None
            else None
        )
        if kept_dependencies is not None and kept_dependencies.exists():
            os.utime(kept_dependencies)
            shutil.copyfile(kept_dependencies, slimmed)
        else:
            with zipfile.ZipFile(slimmed, "w") as target:
                copy_with_bytecode(source, dependencies, target, compile_module)
            if cache is not None and kept_dependencies is not None:
                _copy_atomically(slimmed, kept_dependencies)
                forget_unused(cache)
        with zipfile.ZipFile(slimmed, "a") as target:
            copy_with_bytecode(source, app, target, compile_module)
    slimmed.replace(archive)
    return before, archive.stat().st_size


def forget_unused(cache: Path, *patterns: str) -> None:
    """Delete the files of ``cache`` (matching ``patterns``) that no build has used for
    CACHE_DAYS: those of older requirements or older sources."""
    oldest = time.time() - CACHE_DAYS * 86400
    for pattern in patterns or ("dependencies-*.zip", "bytecode/*.pyc"):
        for kept in cache.glob(pattern):
            if kept.stat().st_mtime < oldest:
                kept.unlink(missing_ok=True)


def _write_atomically(path: Path, content: bytes) -> None:
    """Parallel builds may write the same file: each writes its own, then renames it."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(content)
    partial.replace(path)


def _copy_atomically(source: Path, path: Path) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    partial.replace(path)


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for path in paths:
        before, after = slim(Path(path))
        print(f"{path}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
