"""Conditional GETs of the public catalog: an ETag of what the response shows, 304 for a
matching If-None-Match, and Cache-Control that lets browsers and CloudFront keep catalog
reads for the stage's max-age."""
# ruff: noqa: F811  (test parameters name the fixtures imported from module_tables)

from __future__ import annotations

from typing import Any

import pytest
from helpers import ORIGIN, Api, Catalog, People

# Tables emptied once per module: these fixtures replace the per-test ones of the same names.
from module_tables import api, shopper, staff  # noqa: F401


@pytest.fixture(scope="module")
def product(shared_catalog: Catalog) -> dict[str, Any]:
    category = shared_catalog.category("Boots")
    return shared_catalog.product(category["id"], "Brown Boot")


@pytest.fixture(scope="module")
def rating(shared_people: People, product: dict[str, Any]) -> dict[str, Any]:
    shared_people.signup("rater")
    rater = shared_people.client("rater")
    reply = rater.post(f"/api/products/{product['id']}/rate/", {"rating": 4})
    assert reply.status == 201, reply.body
    return reply.body  # type: ignore[no-any-return]


@pytest.fixture
def catalog_cache(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "catalog_max_age", 60)
    monkeypatch.setattr(settings, "catalog_stale_while_revalidate", 300)


def catalog_paths(product: dict[str, Any], rating: dict[str, Any]) -> list[str]:
    return [
        "/api/products/",
        f"/api/products/{product['id']}/",
        "/api/categories/",
        f"/api/categories/{product['category']}/",
        f"/api/categories/{product['category']}/products/",
        f"/api/ratings/?product={product['id']}",
        f"/api/ratings/{rating['id']}/",
    ]


def test_every_catalog_read_carries_an_etag_and_may_be_kept_publicly(
    api: Api, product: dict[str, Any], rating: dict[str, Any], catalog_cache: None
) -> None:
    for path in catalog_paths(product, rating):
        reply = api.get(path)
        assert reply.status == 200, path
        assert reply.headers["ETag"].startswith('"'), path
        assert reply.headers["Cache-Control"] == ("public, max-age=60, stale-while-revalidate=300")
        assert "Origin" in reply.headers["Vary"]


def test_the_max_age_is_the_stages_setting(
    api: Api, product: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "catalog_max_age", 5)
    monkeypatch.setattr(settings, "catalog_stale_while_revalidate", 30)
    reply = api.get(f"/api/products/{product['id']}/")
    assert reply.headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"


def test_a_matching_if_none_match_is_a_304_without_a_body(
    api: Api, product: dict[str, Any], catalog_cache: None
) -> None:
    path = f"/api/products/{product['id']}/"
    etag = api.get(path).headers["ETag"]
    reply = api.get(path, headers={"If-None-Match": etag})
    assert reply.status == 304
    assert reply.body is None
    assert reply.headers["ETag"] == etag
    assert reply.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "Content-Type" not in reply.headers


@pytest.mark.parametrize(
    "if_none_match",
    ["*", '"other", {etag}', "W/{etag}", '"a", W/{etag}, "b"'],
    ids=["any", "in-a-list", "weak", "weak-in-a-list"],
)
def test_if_none_match_compares_weakly_and_takes_lists_and_a_star(
    api: Api, product: dict[str, Any], if_none_match: str
) -> None:
    path = f"/api/products/{product['id']}/"
    etag = api.get(path).headers["ETag"]
    reply = api.get(path, headers={"If-None-Match": if_none_match.format(etag=etag)})
    assert reply.status == 304


def test_an_etag_that_does_not_match_gets_the_whole_answer(
    api: Api, product: dict[str, Any]
) -> None:
    reply = api.get(f"/api/products/{product['id']}/", headers={"If-None-Match": '"stale"'})
    assert reply.status == 200
    assert reply.body["id"] == product["id"]


def test_the_etag_changes_when_what_the_response_shows_changes(
    api: Api, staff: Api, shared_catalog: Catalog
) -> None:
    category = shared_catalog.category("Scarves")
    item = shared_catalog.product(category["id"], "Wool Scarf")
    path = f"/api/products/{item['id']}/"
    before = api.get(path).headers["ETag"]
    assert api.get(path).headers["ETag"] == before
    assert staff.patch(path, {"price": "9.99"}).status == 200
    after = api.get(path)
    assert after.headers["ETag"] != before
    assert api.get(path, headers={"If-None-Match": before}).status == 200


def test_a_list_page_changes_its_etag_with_its_next_link(api: Api, shared_catalog: Catalog) -> None:
    category = shared_catalog.category("Gloves")
    shared_catalog.product(category["id"], "Glove A")
    path = f"/api/categories/{category['id']}/products/?limit=1"
    alone = api.get(path)
    assert "Link" not in alone.headers
    shared_catalog.product(category["id"], "Glove B")
    with_next = api.get(path)
    assert with_next.body == alone.body
    assert with_next.headers["ETag"] != alone.headers["ETag"]


def test_head_is_conditional_too(api: Api, product: dict[str, Any]) -> None:
    path = f"/api/products/{product['id']}/"
    etag = api.get(path).headers["ETag"]
    reply = api.request("HEAD", path, headers={"If-None-Match": etag})
    assert reply.status == 304
    assert reply.headers["ETag"] == etag


def test_a_304_carries_the_cors_headers_of_an_allowed_origin(
    api: Api, product: dict[str, Any]
) -> None:
    path = f"/api/products/{product['id']}/"
    etag = api.get(path).headers["ETag"]
    reply = api.get(path, headers={"If-None-Match": etag, "Origin": ORIGIN})
    assert reply.status == 304
    assert reply.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert reply.headers["Vary"] == "Origin"


def test_catalog_reads_look_the_same_to_every_caller(
    api: Api, staff: Api, product: dict[str, Any], rating: dict[str, Any]
) -> None:
    """Why shared caches may keep them: credentials change nothing in the answer."""
    for path in catalog_paths(product, rating):
        anonymous, as_staff = api.get(path), staff.get(path)
        assert (anonymous.body, anonymous.headers["ETag"]) == (
            as_staff.body,
            as_staff.headers["ETag"],
        ), path


def test_writes_to_the_catalog_are_never_stored(staff: Api, product: dict[str, Any]) -> None:
    reply = staff.patch(f"/api/products/{product['id']}/", {"stock": 7})
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in reply.headers
