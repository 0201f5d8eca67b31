"""Which browser origins may call the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chalicelib.api.cors import cors_headers, origin_allowed, preflight_headers
from chalicelib.config import reset_settings

CONFIGURED = "https://shop.example.com"


@pytest.fixture
def stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(name: str) -> None:
        monkeypatch.setenv("STAGE", name)
        monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{CONFIGURED},https://m.example.com")
        monkeypatch.delenv("PASSWORD_ITERATIONS", raising=False)
        reset_settings()

    yield use
    monkeypatch.undo()
    reset_settings()


@pytest.mark.parametrize(
    "origin",
    ["http://localhost:3000", "http://localhost:8000", "http://127.0.0.1:5173", "http://localhost"],
)
def test_the_local_stage_allows_http_localhost_on_any_port(
    stage: Callable[[str], None], origin: str
) -> None:
    stage("local")

    assert origin_allowed(origin)


@pytest.mark.parametrize(
    "origin",
    [
        "https://localhost:3000",
        "http://localhost.evil.com",
        "http://localhost:3000.evil.com",
        "http://evil.com:3000",
        "http://127.0.0.2:3000",
        "http://localhost:3000/",
        "http://user@localhost:3000",
        "null",
    ],
)
def test_the_local_stage_refuses_other_origins(stage: Callable[[str], None], origin: str) -> None:
    stage("local")

    assert not origin_allowed(origin)


def test_the_local_stage_also_allows_the_configured_origins(
    stage: Callable[[str], None],
) -> None:
    stage("local")

    assert origin_allowed(CONFIGURED)


def test_a_deployed_stage_allows_the_configured_origins(stage: Callable[[str], None]) -> None:
    stage("prod")

    assert origin_allowed(CONFIGURED)
    assert origin_allowed("https://m.example.com")


@pytest.mark.parametrize(
    "origin",
    ["http://localhost:3000", "http://127.0.0.1:8000", "http://shop.example.com", "https://x.com"],
)
def test_a_deployed_stage_refuses_every_other_origin(
    stage: Callable[[str], None], origin: str
) -> None:
    stage("prod")

    assert not origin_allowed(origin)


def test_an_allowed_origin_is_echoed_with_credentials(stage: Callable[[str], None]) -> None:
    stage("prod")

    headers = cors_headers(CONFIGURED)

    assert headers["Access-Control-Allow-Origin"] == CONFIGURED
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert headers["Vary"] == "Origin"


def test_a_refused_origin_gets_no_allow_origin_header(stage: Callable[[str], None]) -> None:
    stage("prod")

    assert "Access-Control-Allow-Origin" not in cors_headers("https://evil.example.com")


def test_a_preflight_allows_the_headers_the_api_uses(stage: Callable[[str], None]) -> None:
    stage("prod")

    allowed = preflight_headers(CONFIGURED)["Access-Control-Allow-Headers"].lower().split(",")

    for header in ("authorization", "content-type", "x-csrftoken", "x-cart-token"):
        assert header in allowed
    assert "idempotency-key" in allowed
