"""Category and product bodies: JSON, or multipart forms read the same whether they come
raw (chalice local) or base64-encoded (API Gateway)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import Request
from sample_images import gateway_event, multipart, png

from chalicelib.api.multipart import parse_form
from chalicelib.api.uploads import fields_and_image, max_form_bytes
from chalicelib.domain.images import KEEP, REMOVE, ImageUpload
from chalicelib.errors import MalformedRequest, PayloadTooLarge


def request_of(content_type: str, body: bytes, *, base64: bool) -> Request:
    event = gateway_event("POST", "/api/products", "/api/products/", {}, body)
    event["headers"] = {"content-type": content_type}
    if not base64:
        # chalice local hands a multipart body over as it came, not base64-encoded.
        event["body"], event["isBase64Encoded"] = body, False
    return Request(event)


@pytest.fixture(params=["raw", "base64"])
def encoded(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "base64")


def form_request(encoded: bool, fields: dict[str, Any], files: Any = None) -> Request:
    content_type, body = multipart(fields, files)
    return request_of(content_type, body, base64=encoded)


def test_form_fields_arrive_as_text(encoded: bool) -> None:
    request = form_request(encoded, {"name": "White Jacket", "price": "1400.00", "stock": 4})
    assert fields_and_image(request) == (
        {"name": "White Jacket", "price": "1400.00", "stock": "4"},
        KEEP,
    )


def test_a_file_in_image_is_the_upload_with_its_bytes_intact(encoded: bool) -> None:
    content = png() + bytes(range(256))  # every byte value survives the trip
    request = form_request(encoded, {"name": "Hat"}, {"image": ("hat.png", content)})
    fields, image = fields_and_image(request)
    assert fields == {"name": "Hat"}
    assert image.upload == ImageUpload("hat.png", content)


def test_an_empty_file_input_changes_nothing(encoded: bool) -> None:
    request = form_request(encoded, {"name": "Hat"}, {"image": ("", b"")})
    assert fields_and_image(request)[1] == KEEP


def test_an_empty_image_text_field_removes_the_image(encoded: bool) -> None:
    fields, image = fields_and_image(form_request(encoded, {"name": "Hat", "image": ""}))
    assert (fields, image) == ({"name": "Hat"}, REMOVE)


def test_other_image_text_stays_among_the_fields_for_validation_to_refuse() -> None:
    fields, image = fields_and_image(form_request(False, {"image": "http://x/y.png"}))
    assert (fields, image) == ({"image": "http://x/y.png"}, KEEP)


def test_json_null_image_removes_the_image() -> None:
    request = request_of("application/json", json.dumps({"image": None}).encode(), base64=False)
    assert fields_and_image(request) == ({"image": None}, REMOVE)


def test_json_without_image_keeps_it() -> None:
    request = request_of("application/json", b'{"name": "Hat"}', base64=False)
    assert fields_and_image(request) == ({"name": "Hat"}, KEEP)


def test_a_body_over_the_limit_is_too_large(encoded: bool) -> None:
    request = form_request(encoded, {}, {"image": ("big.png", b"\0" * max_form_bytes())})
    with pytest.raises(PayloadTooLarge):
        fields_and_image(request)


def test_a_form_without_a_boundary_is_malformed() -> None:
    with pytest.raises(MalformedRequest):
        parse_form(request_of("multipart/form-data", b"--x--\r\n", base64=False), 1000)


def test_a_form_cut_off_before_its_closing_boundary_is_malformed(encoded: bool) -> None:
    content_type, body = multipart({"name": "Hat"}, {"image": ("hat.png", png())})
    request = request_of(content_type, body[: len(body) // 2], base64=encoded)
    with pytest.raises(MalformedRequest):
        parse_form(request, max_form_bytes())


def test_garbage_under_a_multipart_content_type_is_malformed() -> None:
    request = request_of("multipart/form-data; boundary=abc", b"\x00\xffnot a form", base64=False)
    with pytest.raises(MalformedRequest):
        parse_form(request, max_form_bytes())


def test_when_a_field_repeats_the_last_value_wins() -> None:
    boundary = "b"
    body = (
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nFirst\r\n'
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nLast\r\n--b--\r\n'
    )
    request = request_of(f"multipart/form-data; boundary={boundary}", body, base64=False)
    assert parse_form(request, max_form_bytes()).fields == {"name": "Last"}
