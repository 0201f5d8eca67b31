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

    python deploy/slim_zip.py build/package/deployment.zip
"""

from __future__ import annotations

import importlib.util
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

SERVICES_CALLED = frozenset({"dynamodb", "s3", "secretsmanager"})
MODELS = "botocore/data/"
LOCAL_ONLY = "chalicelib/local/"


def is_unused_model(name: str) -> bool:
    """``botocore/data/<service>/...`` of a service the function does not call; the files
    directly in ``botocore/data`` (endpoints, partitions, retry rules) are always kept."""
    if not name.startswith(MODELS):
        return False
    service, separator, _ = name.removeprefix(MODELS).partition("/")
    return bool(separator) and service not in SERVICES_CALLED


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


def slim(archive: Path) -> tuple[int, int]:
    """Rewrite ``archive`` in place; returns its size before and after."""
    before = archive.stat().st_size
    slimmed = archive.with_name(archive.name + ".slim")
    with (
        zipfile.ZipFile(archive) as source,
        zipfile.ZipFile(slimmed, "w") as target,
        tempfile.TemporaryDirectory() as workdir,
    ):
        for entry in source.infolist():
            if is_unused_model(entry.filename) or entry.filename.startswith(LOCAL_ONLY):
                continue
            if "__pycache__/" in entry.filename:
                # chalice copies the app's source folders with their bytecode caches, which
                # may hold modules since removed (or local-only ones); fresh bytecode of
                # exactly the packaged sources is added below.
                continue
            content = source.read(entry)
            target.writestr(entry, content, compress_type=entry.compress_type)
            if entry.filename.endswith(".py"):
                compiled = bytecode(entry.filename, content, Path(workdir))
                if compiled is not None:
                    cache_entry = zipfile.ZipInfo(compiled[0], date_time=entry.date_time)
                    cache_entry.external_attr = entry.external_attr
                    target.writestr(cache_entry, compiled[1], compress_type=zipfile.ZIP_DEFLATED)
    slimmed.replace(archive)
    return before, archive.stat().st_size


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
