"""Reading ``multipart/form-data`` bodies with python-multipart (Chalice has no parser).

The body comes from ``request.raw_body``, which is right in both places a request can come
from: ``chalice local`` passes the bytes as they are (its binary check wants the exact
type, and a multipart Content-Type carries a boundary), API Gateway passes them base64
encoded with ``isBase64Encoded``, which ``raw_body`` decodes. The parser is imported only
when a multipart body arrives, and this module only by the writes that receive one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalice.app import Request

from chalicelib.errors import MalformedRequest, PayloadTooLarge

if TYPE_CHECKING:
    from python_multipart.multipart import Field as TextPart
    from python_multipart.multipart import File as UploadedPart


@dataclass(frozen=True)
class FilePart:
    filename: str
    content: bytes


@dataclass
class Form:
    """Text fields and files by name; when a name repeats, the last part wins."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, FilePart] = field(default_factory=dict)


def _parse_error(reason: str) -> MalformedRequest:
    """DRF's prefix with a reason of our own: the parser's texts name its internals."""
    return MalformedRequest(f"Multipart form parse error - {reason}")


def parse_form(request: Request, max_body_bytes: int) -> Form:
    """The form in the body; 413 when the body is over ``max_body_bytes``, 400 when it is
    not a well-formed multipart body."""
    from python_multipart import FormParser
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import parse_options_header

    body = request.raw_body
    raw = body if isinstance(body, bytes) else body.encode()
    if len(raw) > max_body_bytes:
        raise PayloadTooLarge()
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise _parse_error("Invalid boundary in multipart: None")
    form = Form()
    finished = []

    def on_field(part: TextPart) -> None:
        form.fields[_text(part.field_name or b"")] = _text(part.value or b"")

    def on_file(part: UploadedPart) -> None:
        handle = part.file_object
        handle.seek(0)
        filename = _text(part.file_name or b"")
        form.files[_text(part.field_name or b"")] = FilePart(filename, handle.read())

    parser = FormParser(
        content_type.decode("latin-1"),
        on_field,
        on_file,
        on_end=lambda: finished.append(True),
        boundary=boundary,
        # Everything stays in memory: the body is already there, and bounded.
        config={"MAX_MEMORY_FILE_SIZE": float("inf"), "MAX_BODY_SIZE": max_body_bytes},
    )
    try:
        parser.write(raw)
        parser.finalize()
    except FormParserError:
        raise _parse_error("the body is not well-formed multipart/form-data.") from None
    if not finished:
        raise _parse_error("the body ends before its closing boundary")
    return form


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise _parse_error("a field name or value is not UTF-8") from None
