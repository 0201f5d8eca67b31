"""Settings from the environment, validated once and cached.

Chalice's test client only applies a stage's environment variables while a request runs,
so nothing here is read at import time: ``get_settings()`` is called on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MIN_PRODUCTION_PASSWORD_ITERATIONS = 600_000
LOCAL_STAGES = frozenset({"local", "test"})
# A cursor key is an HMAC-SHA256 key: 32 random characters or more.
MIN_CURSOR_SECRET_LENGTH = 32


@dataclass
class Settings:
    """A plain dataclass rather than a pydantic model: it is built on every cold start,
    and a pydantic model class costs a cold Lambda container tens of milliseconds."""

    stage: str = "local"
    aws_region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    table_prefix: str = ""
    media_bucket: str = ""
    media_base_url: str | None = None
    session_days: int = 14
    password_iterations: int = MIN_PRODUCTION_PASSWORD_ITERATIONS
    cors_allowed_origins: tuple[str, ...] = ()
    login_failures_per_username: int = 10
    login_failures_per_address: int = 100
    login_window_seconds: int = 15 * 60
    # Catalog reads say ``Cache-Control: public, max-age=..., stale-while-revalidate=...``
    # (CATALOG_MAX_AGE, CATALOG_STALE_WHILE_REVALIDATE, in seconds): how stale a shopper
    # may see the catalog, through browsers and CloudFront. None: 0 locally, else 60/300.
    catalog_max_age: int | None = None
    catalog_stale_while_revalidate: int | None = None
    # The key that signs page cursors. Deployed stages name a Secrets Manager secret
    # (CURSOR_SECRET_ARN, generated per stack); local stages may give the key itself
    # (CURSOR_SECRET), or get a random one per process. Never shown in a repr or a log.
    cursor_secret: str | None = field(default=None, repr=False)
    cursor_secret_arn: str | None = None

    def __post_init__(self) -> None:
        self.session_days = _positive_int("SESSION_DAYS", self.session_days)
        self.password_iterations = _positive_int("PASSWORD_ITERATIONS", self.password_iterations)
        self.catalog_max_age = _seconds(
            "CATALOG_MAX_AGE", self.catalog_max_age, 0 if self.is_local else 60
        )
        self.catalog_stale_while_revalidate = _seconds(
            "CATALOG_STALE_WHILE_REVALIDATE",
            self.catalog_stale_while_revalidate,
            0 if self.is_local else 300,
        )
        if not self.table_prefix:
            self.table_prefix = f"shop-{self.stage}-"
        if not self.media_bucket:
            self.media_bucket = f"shop-{self.stage}-media"
        if not self.is_local and self.password_iterations < MIN_PRODUCTION_PASSWORD_ITERATIONS:
            raise ValueError("PASSWORD_ITERATIONS below 600000 is allowed only locally")
        if self.cursor_secret is not None and len(self.cursor_secret) < MIN_CURSOR_SECRET_LENGTH:
            raise ValueError(
                f"CURSOR_SECRET must be at least {MIN_CURSOR_SECRET_LENGTH} characters"
            )

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES

    @property
    def secure_cookies(self) -> bool:
        return not self.is_local

    def table_name(self, table: str) -> str:
        return f"{self.table_prefix}{table}"


def _positive_int(name: str, value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be at least 1")
    return number


def _seconds(name: str, value: object, default: int) -> int:
    if value is None:
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


def _split_origins(raw: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in raw.split(",") if origin.strip())


def settings_from_environment(env: dict[str, str] | os._Environ[str]) -> Settings:
    fields: dict[str, Any] = {}
    mapping = {
        "STAGE": "stage",
        "AWS_ENDPOINT_URL": "aws_endpoint_url",
        "TABLE_PREFIX": "table_prefix",
        "MEDIA_BUCKET": "media_bucket",
        "MEDIA_BASE_URL": "media_base_url",
        "SESSION_DAYS": "session_days",
        "PASSWORD_ITERATIONS": "password_iterations",
        "CATALOG_MAX_AGE": "catalog_max_age",
        "CATALOG_STALE_WHILE_REVALIDATE": "catalog_stale_while_revalidate",
        "CURSOR_SECRET": "cursor_secret",
        "CURSOR_SECRET_ARN": "cursor_secret_arn",
    }
    for variable, name in mapping.items():
        if env.get(variable):
            fields[name] = env[variable]
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        fields["aws_region"] = region
    if env.get("CORS_ALLOWED_ORIGINS"):
        fields["cors_allowed_origins"] = _split_origins(env["CORS_ALLOWED_ORIGINS"])
    return Settings(**fields)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from_environment(os.environ)


def reset_settings() -> None:
    """Forget the cached settings (tests that change the environment call this)."""
    get_settings.cache_clear()
