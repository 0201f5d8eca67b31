"""Paged lists: the ``Link`` header that points at the next page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalice import Response
from chalice.app import Request
from pydantic import BaseModel

from chalicelib.api.http import absolute_url, query_params
from chalicelib.api.responses import list_response


def next_page_url(request: Request, next_cursor: str | None) -> str | None:
    if next_cursor is None:
        return None
    query = {**query_params(request), "cursor": next_cursor}
    return absolute_url(request, query)


def page_response(
    request: Request,
    items: Sequence[BaseModel] | Sequence[dict[str, Any]],
    next_cursor: str | None,
) -> Response:
    return list_response(items, next_page_url(request, next_cursor))
