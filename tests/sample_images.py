"""Images and multipart bodies for the image tests, made on the spot with Pillow."""

from __future__ import annotations

import base64
import secrets
from io import BytesIO
from typing import Any

from PIL import Image


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (8, 6), **options: Any) -> bytes:
    mode = "RGB" if image_format == "JPEG" else "RGBA" if image_format != "GIF" else "P"
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def png() -> bytes:
    return image_bytes("PNG")


def multipart(
    fields: dict[str, Any] | None = None, files: dict[str, tuple[str, bytes]] | None = None
) -> tuple[str, bytes]:
    """The Content-Type header and the body of a multipart/form-data request, as a browser
    sends it."""
    boundary = f"----shop-test-{secrets.token_hex(8)}"
    parts: list[bytes] = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content) in (files or {}).items():
        parts.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def gateway_event(
    method: str,
    resource: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A Lambda proxy event as API Gateway sends it for a binary media type: the body is
    base64 and ``isBase64Encoded`` is true."""
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Host": "api.example.com", **headers},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "requestId": "test-request",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": True,
    }
