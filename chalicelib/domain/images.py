"""What a write asks of a record's image: an upload, or keep or remove the current one.
Plain values, so that the catalog's use cases and routes can name them without loading the
image checks (chalicelib/services/images.py), which only writes with an image need."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageUpload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class ImageChange:
    """What an update does to the image: keep it (the default), remove it, or replace it
    with an upload."""

    upload: ImageUpload | None = None
    remove: bool = False


KEEP = ImageChange()
REMOVE = ImageChange(remove=True)
