from __future__ import annotations

from chalice import Response

from chalicelib.api.cors import preflight_headers
from chalicelib.api.security import Call


def answer_preflight(call: Call, **_: str) -> Response:
    origin = call.request.headers.get("origin")
    headers: dict[str, str | list[str]] = {**preflight_headers(origin)}
    return Response(body="", status_code=200, headers=headers)
