from __future__ import annotations

from chalice import Response
from chalice.app import Request

from chalicelib.api.cors import preflight_headers


def answer_preflight(request: Request, **_: str) -> Response:
    headers: dict[str, str | list[str]] = {**preflight_headers(request.headers.get("origin"))}
    return Response(body="", status_code=200, headers=headers)
