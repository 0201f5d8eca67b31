"""Category and product images: checked by content, stored under a fresh name, and never
left behind when the record that named them changes or fails to be written.

Pillow is imported only when an upload is checked, so requests without an image (and a
cold Lambda container) never pay for it.
"""

from __future__ import annotations

import logging
import re
import secrets
import string
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from chalicelib.domain.images import ImageChange, ImageUpload
from chalicelib.errors import InvalidInput
from chalicelib.services.storage import store

logger = logging.getLogger("shop")

MAX_IMAGE_BYTES = 4 * 1024 * 1024
# Width x height above which an image is refused: a small file can declare a huge canvas
# (a decompression bomb) that would exhaust the memory of whoever decodes it.
MAX_IMAGE_PIXELS = 64_000_000
# Pillow's name of each accepted format -> (file extension, content type).
ACCEPTED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
SUFFIX_ALPHABET = string.ascii_letters + string.digits
SUFFIX_LENGTH = 7
MAX_STEM_LENGTH = 60
NOT_AN_IMAGE = (
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)
TOO_LARGE = "Upload an image of at most 4 MB."
TOO_MANY_PIXELS = f"Upload an image of at most {MAX_IMAGE_PIXELS:,} pixels."
EMPTY_FILE = "The submitted file is empty."


@dataclass(frozen=True)
class CheckedImage:
    key: str
    content: bytes
    content_type: str


def _invalid(message: str) -> InvalidInput:
    return InvalidInput.on("image", message)


def image_format(content: bytes) -> str:
    """Pillow's name for the format of ``content``; InvalidInput on ``image`` unless it is
    a whole image of an accepted format and size."""
    if not content:
        raise _invalid(EMPTY_FILE)
    if len(content) > MAX_IMAGE_BYTES:
        raise _invalid(TOO_LARGE)
    from PIL import Image, UnidentifiedImageError

    # Pillow itself refuses canvases over twice this size, before reading any pixel.
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(BytesIO(content), formats=list(ACCEPTED_FORMATS)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _invalid(TOO_MANY_PIXELS)
            image.verify()
            return str(image.format)
    except Image.DecompressionBombError:
        raise _invalid(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # What Pillow raises for truncated or malformed files varies by format.
        raise _invalid(NOT_AN_IMAGE) from None


def safe_stem(filename: str) -> str:
    """The name without folders or extension, reduced to ASCII letters, digits, ``-`` and
    ``_`` so that it is safe in a key and a URL."""
    base = re.split(r"[\\/]", filename)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "", ascii_stem.strip().replace(" ", "_"))
    return cleaned[:MAX_STEM_LENGTH] or "image"


def image_key(folder: str, filename: str, extension: str) -> str:
    """``<folder>/<original-stem>_<7 random characters>.<extension>``."""
    suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
    return f"{folder}/{safe_stem(filename)}_{suffix}.{extension}"


def check_image(upload: ImageUpload, folder: str) -> CheckedImage:
    extension, content_type = ACCEPTED_FORMATS[image_format(upload.content)]
    return CheckedImage(image_key(folder, upload.filename, extension), upload.content, content_type)


def discard(key: str | None) -> None:
    """Delete an object that nothing names any more. The record change that orphaned it is
    already committed, so a failure here is logged, not raised."""
    if not key:
        return
    try:
        store.images.delete_image(key)
    except Exception:
        logger.warning("could not delete orphaned image %s", key, exc_info=True)


@contextmanager
def stored_upload(upload: ImageUpload | None, folder: str) -> Iterator[str | None]:
    """Check and store the upload, then yield its key (None without an upload) for the
    record write inside the block. If that write fails, the object is deleted again."""
    if upload is None:
        yield None
        return
    image = check_image(upload, folder)
    try:
        store.images.put_image(image.key, image.content, image.content_type)
    except BaseException:
        # The put may have stored the object and only its answer got lost.
        discard(image.key)
        raise
    try:
        yield image.key
    except BaseException:
        discard(image.key)
        raise


@contextmanager
def changed_image(
    current_key: str | None,
    change: ImageChange,
    folder: str,
    still_shown: Callable[[str], bool] = lambda key: False,
) -> Iterator[str | None]:
    """Yield the key the record should name after ``change``; once the record write inside
    the block succeeds, the object it no longer names is deleted, unless
    ``still_shown(key)`` says something else (an order) shows it, asked after the write."""
    if change.upload is None:
        yield None if change.remove else current_key
        if change.remove and current_key and not still_shown(current_key):
            discard(current_key)
        return
    with stored_upload(change.upload, folder) as new_key:
        yield new_key
    if current_key and not still_shown(current_key):
        discard(current_key)
