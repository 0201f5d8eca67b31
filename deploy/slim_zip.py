"""Drop from a `chalice package` deployment zip the botocore service models that the
function never loads.

botocore ships the API model of every AWS service, about 15 MB of the zip, while the
function calls DynamoDB (PynamoDB) and S3 (images). Without the others the zip keeps room
under its 25 MB budget for the image libraries. Everything else stays as chalice wrote it.

    python deploy/slim_zip.py build/package/deployment.zip
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

SERVICES_CALLED = frozenset({"dynamodb", "s3"})
MODELS = "botocore/data/"


def is_unused_model(name: str) -> bool:
    """``botocore/data/<service>/...`` of a service the function does not call; the files
    directly in ``botocore/data`` (endpoints, partitions, retry rules) are always kept."""
    if not name.startswith(MODELS):
        return False
    service, separator, _ = name.removeprefix(MODELS).partition("/")
    return bool(separator) and service not in SERVICES_CALLED


def slim(archive: Path) -> tuple[int, int]:
    """Rewrite ``archive`` in place; returns its size before and after."""
    before = archive.stat().st_size
    slimmed = archive.with_name(archive.name + ".slim")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(slimmed, "w") as target:
        for entry in source.infolist():
            if not is_unused_model(entry.filename):
                target.writestr(entry, source.read(entry), compress_type=entry.compress_type)
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
