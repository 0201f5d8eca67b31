"""Images named by the dump's ``image`` fields: paths relative to Django's MEDIA_ROOT,
stored in the bucket under the same keys.

With ``--media-dir`` each file is checked like an upload (content, size, format) before
anything is written, and uploaded with the content type of its detected format; without
it an image is kept only when the bucket already holds that key (copied there before).
A missing or invalid file is reported and its record keeps no image: never a URL to
nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput
from chalicelib.services.images import ACCEPTED_FORMATS, image_format
from chalicelib.store import images as image_store


@dataclass(frozen=True)
class CheckedFile:
    key: str
    path: Path
    content_type: str
    md5: str


@dataclass
class MediaCheck:
    keep: dict[str, str | None]  # named key -> stored key, or None (not kept)
    uploads: list[CheckedFile]  # files to put in the bucket (missing or different there)
    unchanged: int
    problems: list[str]


def _safe_key(named: str) -> str | None:
    path = PurePosixPath(named.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return str(path)


@cache
def _s3() -> Any:
    """An S3 client with a bulk load's patience (the API's gives up after 2 s)."""
    import boto3
    from botocore.config import Config

    settings = get_settings()
    config = Config(
        connect_timeout=10,
        read_timeout=120,
        retries={"mode": "standard", "total_max_attempts": 6},
        s3={"addressing_style": "path" if settings.aws_endpoint_url else "auto"},
    )
    return boto3.client(
        "s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url, config=config
    )


def bucket_etags() -> dict[str, str]:
    """Key -> ETag of every object in the media bucket (one listing, paged)."""
    settings = get_settings()
    client = _s3()
    etags: dict[str, str] = {}
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=settings.media_bucket):
        for item in page.get("Contents", []):
            etags[item["Key"]] = str(item.get("ETag", "")).strip('"')
    return etags


def check_images(named_keys: Iterable[str], media_dir: Path | None) -> MediaCheck:
    existing = bucket_etags()
    check = MediaCheck({}, [], 0, [])
    for named in sorted(set(named_keys)):
        key = _safe_key(named)
        if key is None:
            check.keep[named] = None
            check.problems.append(f"{named}: not a path inside MEDIA_ROOT; no image kept")
            continue
        if media_dir is None:
            if key in existing:
                check.keep[named] = key
                check.unchanged += 1
            else:
                check.keep[named] = None
                check.problems.append(f"{named}: not in the bucket and no --media-dir; no image")
            continue
        checked = _check_file(media_dir, key, check.problems)
        check.keep[named] = checked.key if checked else None
        if checked is None:
            continue
        if existing.get(key) == checked.md5:
            check.unchanged += 1
        else:
            check.uploads.append(checked)
    return check


def _check_file(media_dir: Path, key: str, problems: list[str]) -> CheckedFile | None:
    path = media_dir / key
    try:
        content = path.read_bytes()
    except OSError as error:
        problems.append(f"{key}: cannot read {path} ({error.strerror or error}); no image kept")
        return None
    try:
        detected = image_format(content)
    except InvalidInput as error:
        message = " ".join(error.errors.get("image", [])) or "not a valid image"
        problems.append(f"{key}: {message} No image kept.")
        return None
    content_type = ACCEPTED_FORMATS[detected][1]
    return CheckedFile(key, path, content_type, hashlib.md5(content).hexdigest())


def upload(file: CheckedFile) -> None:
    """Stored like an upload through the API: content type, one-year immutable caching."""
    _s3().put_object(
        Bucket=get_settings().media_bucket,
        Key=file.key,
        Body=file.path.read_bytes(),
        ContentType=file.content_type,
        CacheControl=image_store.CACHE_CONTROL,
    )
