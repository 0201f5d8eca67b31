"""Where a stored image can be fetched by a client: the URL a response shows for an
image key."""

from __future__ import annotations

from chalicelib.config import get_settings


def public_url(key: str | None) -> str | None:
    if not key:
        return None
    settings = get_settings()
    if settings.media_base_url:
        return f"{settings.media_base_url.rstrip('/')}/{key}"
    if settings.aws_endpoint_url:
        # The emulator serves objects path-style under its own address.
        return f"{settings.aws_endpoint_url.rstrip('/')}/{settings.media_bucket}/{key}"
    return f"https://{settings.media_bucket}.s3.{settings.aws_region}.amazonaws.com/{key}"
