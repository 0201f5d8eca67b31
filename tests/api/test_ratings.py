"""Ratings over HTTP: `/api/products/{id}/rate/` and `/api/ratings/`."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import NOT_FOUND, TIMESTAMP

RATING_FIELDS = {"id", "product", "user", "username", "rating", "comment", "created_at"}


@pytest.fixture
def alice(people: Any) -> Any:
    people.signup("alice")
    return people.client("alice")


@pytest.fixture
def bob(people: Any) -> Any:
    people.signup("bob")
    return people.client("bob")


def rate(client: Any, product_id: int, rating: int, comment: str = "") -> Any:
    return client.post(f"/api/products/{product_id}/rate/", {"rating": rating, "comment": comment})


def product_score(api: Any, product_id: int) -> tuple[float, int]:
    body = api.get(f"/api/products/{product_id}/").body
    return body["average_rating"], body["rating_count"]


# --- /api/products/{id}/rate/ ------------------------------------------------------------


def test_a_first_rating_is_created(alice, jacket):
    reply = rate(alice, jacket["id"], 4, "This is good tho")

    assert reply.status == 201
    assert set(reply.body) >= RATING_FIELDS
    assert reply.body["product"] == jacket["id"]
    assert (reply.body["username"], reply.body["rating"]) == ("alice", 4)
    assert reply.body["comment"] == "This is good tho"
    assert TIMESTAMP.match(reply.body["created_at"])


def test_rating_the_same_product_again_replaces_the_rating(alice, jacket):
    first = rate(alice, jacket["id"], 4).body

    reply = rate(alice, jacket["id"], 2, "Changed my mind")

    assert reply.status == 200
    assert (reply.body["id"], reply.body["created_at"]) == (first["id"], first["created_at"])
    assert (reply.body["rating"], reply.body["comment"]) == (2, "Changed my mind")


def test_the_product_shows_the_average_of_its_ratings(api, alice, bob, jacket):
    assert product_score(api, jacket["id"]) == (0, 0)
    rate(alice, jacket["id"], 4)
    rate(bob, jacket["id"], 5)
    assert product_score(api, jacket["id"]) == (4.5, 2)

    rate(bob, jacket["id"], 1)

    assert product_score(api, jacket["id"]) == (2.5, 2)


def test_the_average_is_rounded_to_two_decimals_in_product_lists(api, people, jacket):
    for name, value in (("ann", 5), ("cyd", 4), ("dee", 4)):
        people.signup(name)
        rate(people.client(name), jacket["id"], value)

    listed = api.get("/api/products/").body

    assert [product["average_rating"] for product in listed] == [4.33]


def test_rating_anonymously_is_401(api, jacket):
    assert rate(api, jacket["id"], 5).status == 401


def test_rating_an_unknown_product_is_404(alice):
    reply = rate(alice, 999, 5)
    assert (reply.status, reply.body) == (404, NOT_FOUND)


def test_a_product_path_that_is_not_an_id_is_404(alice):
    assert alice.post("/api/products/abc/rate/", {"rating": 5}).status == 404


def test_the_rate_path_works_without_its_trailing_slash(alice, jacket):
    assert alice.post(f"/api/products/{jacket['id']}/rate", {"rating": 5}).status == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"rating": 6}, {"rating": ["Ensure this value is less than or equal to 5."]}),
        ({"rating": 0}, {"rating": ["Ensure this value is greater than or equal to 1."]}),
        ({"rating": "lots"}, {"rating": ["A valid integer is required."]}),
        ({"comment": "no stars"}, {"rating": ["This field is required."]}),
    ],
)
def test_an_invalid_rating_is_a_field_error(alice, jacket, body, errors):
    reply = alice.post(f"/api/products/{jacket['id']}/rate/", body)
    assert (reply.status, reply.body) == (400, errors)


def test_malformed_json_is_400(alice, jacket):
    reply = alice.post(f"/api/products/{jacket['id']}/rate/", raw="{not json")
    assert reply.status == 400


# --- /api/ratings/ ---------------------------------------------------------------------


def test_posting_a_rating_creates_it(alice, jacket):
    reply = alice.post("/api/ratings/", {"product": jacket["id"], "rating": 3, "comment": "Ok"})
    assert (reply.status, reply.body["rating"], reply.body["product"]) == (201, 3, jacket["id"])


def test_posting_a_second_rating_of_a_product_replaces_the_first(alice, jacket):
    first = alice.post("/api/ratings/", {"product": jacket["id"], "rating": 3}).body

    reply = alice.post("/api/ratings/", {"product": jacket["id"], "rating": 5})

    assert (reply.status, reply.body["id"], reply.body["rating"]) == (200, first["id"], 5)


def test_posting_a_rating_of_an_unknown_product_is_a_field_error(alice):
    reply = alice.post("/api/ratings/", {"product": 999, "rating": 3})
    assert (reply.status, list(reply.body)) == (400, ["product"])


def test_posting_a_rating_without_a_product_is_a_field_error(alice):
    reply = alice.post("/api/ratings/", {"rating": 3})
    assert (reply.status, reply.body) == (400, {"product": ["This field is required."]})


def test_posting_a_rating_anonymously_is_401(api, jacket):
    assert api.post("/api/ratings/", {"product": jacket["id"], "rating": 3}).status == 401


def test_anyone_lists_ratings_in_id_order(api, alice, bob, jacket):
    ids = [rate(alice, jacket["id"], 4).body["id"], rate(bob, jacket["id"], 2).body["id"]]

    reply = api.get("/api/ratings/")

    assert reply.status == 200
    assert [rating["id"] for rating in reply.body] == ids


def test_ratings_are_filtered_by_product_and_by_user(api, catalog, alice, bob, jacket):
    cap = catalog.product(jacket["category"], "Cap")
    rate(alice, jacket["id"], 4)
    rate(alice, cap["id"], 3)
    rate(bob, cap["id"], 2)
    alice_id = alice.get("/api/users/me/").body["id"]

    by_product = api.get(f"/api/ratings/?product={cap['id']}").body
    by_user = api.get(f"/api/ratings/?user={alice_id}").body
    by_both = api.get(f"/api/ratings/?product={cap['id']}&user={alice_id}").body

    assert [(r["username"], r["rating"]) for r in by_product] == [("alice", 3), ("bob", 2)]
    assert [(r["product"], r["rating"]) for r in by_user] == [(jacket["id"], 4), (cap["id"], 3)]
    assert [(r["username"], r["rating"]) for r in by_both] == [("alice", 3)]


def test_a_filter_that_is_not_an_id_is_400(api):
    reply = api.get("/api/ratings/?product=jacket")
    assert (reply.status, list(reply.body)) == (400, ["product"])


def test_the_rating_list_is_paged_with_a_next_link(api, people, jacket):
    for name in ("ann", "cyd", "dee"):
        people.signup(name)
        rate(people.client(name), jacket["id"], 5)

    first = api.get(f"/api/ratings/?product={jacket['id']}&limit=2")

    assert len(first.body) == 2
    assert 'rel="next"' in first.headers["Link"]
    names = [r["username"] for r in api.all_pages(f"/api/ratings/?product={jacket['id']}&limit=2")]
    assert names == ["ann", "cyd", "dee"]


def test_a_made_up_cursor_is_400(api):
    reply = api.get("/api/ratings/?cursor=bm90LWEtY3Vyc29y.0000")
    assert (reply.status, reply.body) == (400, {"cursor": ["Invalid cursor."]})


def test_anyone_reads_a_rating(api, alice, jacket):
    rating = rate(alice, jacket["id"], 4, "Nice").body

    reply = api.get(f"/api/ratings/{rating['id']}/")

    assert (reply.status, reply.body) == (200, rating)


def test_an_unknown_rating_is_404(api):
    assert api.get("/api/ratings/999/").status == 404


# --- changing and deleting by id ------------------------------------------------------


def test_the_author_changes_a_rating_with_patch(api, alice, jacket):
    rating = rate(alice, jacket["id"], 4, "Nice").body

    reply = alice.patch(f"/api/ratings/{rating['id']}/", {"rating": 2})

    assert (reply.status, reply.body["rating"], reply.body["comment"]) == (200, 2, "Nice")
    assert product_score(api, jacket["id"]) == (2, 1)


def test_the_author_replaces_a_rating_with_put_keeping_the_comment_not_sent(alice, jacket):
    rating = rate(alice, jacket["id"], 4, "Nice").body
    body = {"product": jacket["id"], "rating": 1}

    reply = alice.put(f"/api/ratings/{rating['id']}/", body)

    # As README says of every PUT: optional fields left out keep their values.
    assert (reply.status, reply.body["rating"], reply.body["comment"]) == (200, 1, "Nice")


def test_put_requires_the_rating(alice, jacket):
    rating = rate(alice, jacket["id"], 4).body
    reply = alice.put(f"/api/ratings/{rating['id']}/", {"comment": "only words"})
    assert (reply.status, reply.body) == (400, {"rating": ["This field is required."]})


def test_a_rating_cannot_be_moved_to_another_product(catalog, alice, jacket):
    cap = catalog.product(jacket["category"], "Cap")
    rating = rate(alice, jacket["id"], 4).body

    reply = alice.patch(f"/api/ratings/{rating['id']}/", {"product": cap["id"]})

    assert (reply.status, list(reply.body)) == (400, ["product"])


def test_another_user_may_not_change_or_delete_a_rating(alice, bob, jacket):
    rating = rate(alice, jacket["id"], 4).body
    path = f"/api/ratings/{rating['id']}/"

    assert bob.patch(path, {"rating": 1}).status == 403
    assert bob.delete(path).status == 403


def test_changing_a_rating_anonymously_is_401(api, alice, jacket):
    rating = rate(alice, jacket["id"], 4).body
    assert api.patch(f"/api/ratings/{rating['id']}/", {"rating": 1}).status == 401


def test_staff_change_and_delete_anyones_rating(api, staff, alice, jacket):
    rating = rate(alice, jacket["id"], 4, "Rude").body
    path = f"/api/ratings/{rating['id']}/"

    changed = staff.patch(path, {"comment": "[removed]"})
    assert (changed.status, changed.body["username"]) == (200, "alice")

    assert staff.delete(path).status == 204
    assert product_score(api, jacket["id"]) == (0, 0)


def test_the_author_deletes_a_rating_and_the_average_follows(api, alice, bob, jacket):
    rate(bob, jacket["id"], 5)
    rating = rate(alice, jacket["id"], 1).body

    reply = alice.delete(f"/api/ratings/{rating['id']}/")

    assert (reply.status, reply.body) == (204, None)
    assert api.get(f"/api/ratings/{rating['id']}/").status == 404
    assert product_score(api, jacket["id"]) == (5, 1)


def test_after_deleting_a_rating_the_author_may_rate_again(alice, jacket):
    rating = rate(alice, jacket["id"], 1).body
    alice.delete(f"/api/ratings/{rating['id']}/")

    again = rate(alice, jacket["id"], 3)

    assert again.status == 201
    assert again.body["id"] != rating["id"]


# --- ratings outlive neither their product nor their author -----------------------------


def test_deleting_a_product_deletes_its_ratings(api, staff, alice, jacket):
    rate(alice, jacket["id"], 4)

    assert staff.delete(f"/api/products/{jacket['id']}/").status == 204

    assert api.get("/api/ratings/").body == []


def test_deleting_a_user_deletes_their_ratings_and_corrects_the_average(api, alice, bob, jacket):
    rate(alice, jacket["id"], 1)
    rate(bob, jacket["id"], 5)
    alice_id = alice.get("/api/users/me/").body["id"]

    assert alice.delete(f"/api/users/{alice_id}/").status == 204

    assert [r["username"] for r in api.get("/api/ratings/").body] == ["bob"]
    assert product_score(api, jacket["id"]) == (5, 1)


def test_a_renamed_user_appears_under_the_new_name(api, alice, jacket):
    rate(alice, jacket["id"], 4)
    alice_id = alice.get("/api/users/me/").body["id"]

    alice.patch(f"/api/users/{alice_id}/", {"username": "alicia"})

    assert [r["username"] for r in api.get("/api/ratings/").body] == ["alicia"]
