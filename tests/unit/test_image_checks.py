"""Uploaded images are recognised by their content, and named after the original file."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image
from sample_images import image_bytes, png

from chalicelib.domain.images import ImageUpload
from chalicelib.errors import InvalidInput
from chalicelib.services.images import (
    MAX_IMAGE_BYTES,
    NOT_AN_IMAGE,
    check_image,
    image_format,
    image_key,
    safe_stem,
)


@pytest.mark.parametrize("image_format_name", ["JPEG", "PNG", "WEBP", "GIF"])
def test_jpeg_png_webp_and_gif_are_accepted(image_format_name: str) -> None:
    assert image_format(image_bytes(image_format_name)) == image_format_name


def test_the_format_comes_from_the_content_not_the_name() -> None:
    checked = check_image(ImageUpload("photo.jpg", png()), "products")
    assert (checked.key.endswith(".png"), checked.content_type) == (True, "image/png")


def refusal(content: bytes) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        image_format(content)
    assert list(refused.value.errors) == ["image"]
    return refused.value.errors["image"]


def test_text_named_like_an_image_is_refused() -> None:
    assert refusal(b"<svg xmlns='http://www.w3.org/2000/svg'/>") == [NOT_AN_IMAGE]


def test_an_image_of_another_format_is_refused() -> None:
    assert refusal(image_bytes("BMP")) == [NOT_AN_IMAGE]


def test_a_truncated_png_is_refused() -> None:
    whole = image_bytes("PNG", size=(64, 64))
    assert refusal(whole[: len(whole) // 2]) == [NOT_AN_IMAGE]


def test_a_png_with_a_corrupted_chunk_is_refused() -> None:
    corrupted = bytearray(image_bytes("PNG", size=(64, 64)))
    corrupted[40] ^= 0xFF  # inside the first data chunk: its checksum no longer matches
    assert refusal(bytes(corrupted)) == [NOT_AN_IMAGE]


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == ["The submitted file is empty."]


def test_a_file_over_4_mb_is_refused() -> None:
    assert refusal(png() + b"\0" * MAX_IMAGE_BYTES) == ["Upload an image of at most 4 MB."]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [9_000, 20_000])
def test_a_small_file_declaring_a_huge_canvas_is_refused(side: int) -> None:
    # 81 and 400 megapixels of one colour compress to a few kilobytes: a decompression bomb.
    buffer = BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < MAX_IMAGE_BYTES
    assert refusal(buffer.getvalue())[0].startswith("Upload an image of at most")


def test_a_key_is_the_folder_the_stem_seven_random_characters_and_the_extension() -> None:
    key = image_key("categories", "cowsorus.png", "png")
    assert re.fullmatch(r"categories/cowsorus_[A-Za-z0-9]{7}\.png", key)


def test_two_uploads_of_one_file_get_different_keys() -> None:
    assert image_key("products", "a.png", "png") != image_key("products", "a.png", "png")


@pytest.mark.parametrize(
    ("filename", "stem"),
    [
        ("White Jacket.JPG", "White_Jacket"),
        ("C:\\Users\\me\\photo.final.png", "photofinal"),
        ("../../etc/passwd", "passwd"),
        ("café crème.webp", "cafe_creme"),
        ("%00<script>.gif", "00script"),
        (".png", "png"),
        ("", "image"),
        ("名前.png", "image"),
    ],
)
def test_a_stem_keeps_only_safe_characters_of_the_base_name(filename: str, stem: str) -> None:
    assert safe_stem(filename) == stem


def test_a_long_stem_is_shortened() -> None:
    assert len(safe_stem("x" * 500 + ".png")) == 60
