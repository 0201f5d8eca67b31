"""`manage.py import-django`: a Django shop's dumpdata (hashes in Django's own formats,
images as files) imported, then used through the API like records created here."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django_dump import OLD_PASSWORDS, realistic_records, record, write_dump, write_media

from migration.dump import DumpError
from migration.importer import Result, run_import

# The importer writes DynamoDB items in batches, outside the use cases.
pytestmark = pytest.mark.dynamodb


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dump, written once for the module (tests only read it)."""
    return write_dump(tmp_path_factory.mktemp("django") / "dump.json")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("django") / "media"
    write_media(root)
    return root


def run(dump: Path, media: Path | None = None, **options: Any) -> tuple[Result, str]:
    out = io.StringIO()
    result = run_import(dump, media, progress=False, out=out, **options)
    return result, out.getvalue()


@pytest.fixture(scope="module")
def saved_import(emulator: object, dump: Path, media: Path) -> tuple[Result, Callable[[], None]]:
    """The sample dump imported once for the module, and what puts the tables and the
    bucket back as that import left them."""
    from emptied import empty_store, saved_store

    empty_store(emulator)
    result = run(dump, media)[0]
    return result, saved_store()


@pytest.fixture
def imported(api: Any, saved_import: tuple[Result, Callable[[], None]]) -> Result:
    """The import's result, with the stage as the import left it (``api`` empties it)."""
    result, restore = saved_import
    restore()
    return result


def login(api: Any, username: str, password: str | None = None) -> Any:
    body = {"username": username, "password": password or OLD_PASSWORDS[username]}
    return api.post("/api/auth/login/", body)


def client_of(api: Any, username: str) -> Any:
    reply = login(api, username)
    assert reply.status == 200, reply.body
    return api.as_token(reply.body["token"])


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers["Content-Type"]


# --- logins -------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "nurpratap", "sha1fan", "argonaut", "bee", "scryer"])
def test_a_migrated_user_logs_in_with_the_old_password(api, imported, username):
    assert login(api, username).status == 200
    assert login(api, username, "not-the-password-1").status == 400


@pytest.mark.parametrize(
    ("username", "old_prefix"),
    [
        ("nurpratap", "pbkdf2_sha256$500$"),  # fewer iterations than configured
        ("sha1fan", "pbkdf2_sha1$"),
        ("argonaut", "argon2$argon2id$"),
        ("bee", "bcrypt_sha256$$2b$"),
        ("scryer", "scrypt$16384$"),
    ],
)
def test_an_outdated_hash_is_rehashed_at_login(api, settings, imported, username, old_prefix):
    from chalicelib.store import users

    user_id = users.find_user_id_by_username(username)
    assert users.get_user(user_id).password_hash.startswith(old_prefix)
    assert login(api, username).status == 200
    upgraded = users.get_user(user_id).password_hash
    assert upgraded.startswith(f"pbkdf2_sha256${settings.password_iterations}$")
    assert login(api, username).status == 200


def test_a_current_hash_is_kept_at_login(api, imported):
    from chalicelib.store import users

    before = users.get_user(1).password_hash
    assert login(api, "admin").status == 200
    assert users.get_user(1).password_hash == before


def test_unusable_and_inactive_accounts_never_log_in(api, imported):
    assert login(api, "ghost").status == 400
    assert login(api, "ghost", "!" + "x" * 40).status == 400
    assert login(api, "sleeper").status == 400


# --- what a migrated user sees ------------------------------------------------------------


def test_a_migrated_user_sees_their_orders_exactly_as_stored(api, imported):
    nur = client_of(api, "nurpratap")
    orders = nur.get("/api/orders/").body
    assert [order["id"] for order in orders] == [2, 1]
    first = orders[1]
    assert (first["total_price"], first["status"], first["user_name"]) == (
        "16800.00",
        "Pending",
        "Nur Pratap Karki",
    )
    assert first["created_at"].startswith("2025-04-17T13:24:40.322")
    (item,) = first["order_items"]
    assert (item["id"], item["product"], item["product_name"], item["quantity"]) == (
        1,
        1,
        "White Jacket",
        12,
    )
    assert (item["price"], Decimal(str(item["subtotal"]))) == ("1400.00", Decimal("16800"))
    assert item["product_image"].endswith("/products/cowsorus_2Aa9x4P.png")
    second = orders[0]
    assert second["total_price"] == "7300.20"
    assert [i["price"] for i in second["order_items"]] == ["3200.10", "4100.10"]
    assert nur.get("/api/orders/6/").status == 404  # another user's


def test_a_migrated_user_sees_their_cart(api, imported):
    cart = client_of(api, "nurpratap").get("/api/cart/items/").body
    assert cart["id"] == 1
    lines = [(line["id"], line["product"], line["quantity"]) for line in cart["items"]]
    assert lines == [(1, 6, 2), (3, 1, 1)]
    assert cart["total"] == "12200.00"


def test_the_catalog_keeps_ids_fields_and_rebuilt_aggregates(api, imported):
    jacket = api.get("/api/products/1/").body
    assert (jacket["price"], jacket["stock"], jacket["category"], jacket["category_name"]) == (
        "1400.00",
        400,
        1,
        "Jackets",
    )
    assert jacket["average_rating"] == 4.5
    assert api.get("/api/products/6/").body["average_rating"] == 2
    assert api.get("/api/products/2/").body["average_rating"] == 0
    ratings = api.get("/api/ratings/?product=1").body
    assert [(r["id"], r["user"], r["username"], r["rating"]) for r in ratings] == [
        (1, 2, "nurpratap", 4),
        (2, 3, "sha1fan", 5),
    ]
    shoes = api.get("/api/categories/3/products/").body
    assert [product["id"] for product in shoes] == [5, 6]


def test_images_are_uploaded_under_their_keys_or_dropped(api, imported):
    jacket = api.get("/api/products/1/").body
    assert jacket["image"].endswith("/products/cowsorus_2Aa9x4P.png")
    assert fetch(jacket["image"])[1] == "image/png"
    boots = api.get("/api/products/6/").body
    assert fetch(boots["image"])[1] == "image/webp"
    assert api.get("/api/categories/1/").body["image"].endswith("/categories/cowsorus_SDhrdcM.png")
    # A missing file and a file that is not an image: reported, no image, no broken URL.
    assert api.get("/api/products/2/").body["image"] is None
    assert api.get("/api/products/5/").body["image"] is None
    problems = " ".join(imported.media.problems)
    assert "products/missing_file.png" in problems and "products/not_an_image.jpg" in problems


# --- a migrated record behaves like one created through the API ----------------------------


def test_a_migrated_staff_user_manages_the_catalog(api, imported):
    admin = client_of(api, "admin")
    reply = admin.patch("/api/products/1/", {"price": "1500.00", "stock": 390})
    assert reply.status == 200, reply.body
    assert (reply.body["price"], reply.body["stock"], reply.body["average_rating"]) == (
        "1500.00",
        390,
        4.5,
    )
    # The category counts came from the products: a category with products stays.
    assert admin.delete("/api/categories/1/").status == 409
    assert admin.delete("/api/categories/4/").status == 204
    assert admin.put("/api/categories/1/", {"name": "Coats"}).status == 200
    assert api.get("/api/products/1/").body["category_name"] == "Coats"
    assert client_of(api, "nurpratap").patch("/api/products/1/", {"stock": 1}).status == 403


def test_rating_a_migrated_product_moves_its_average_exactly(api, imported):
    bee = client_of(api, "bee")
    reply = bee.post("/api/products/1/rate/", {"rating": 3})
    assert reply.status in (200, 201), reply.body
    assert api.get("/api/products/1/").body["average_rating"] == 4  # (4 + 5 + 3) / 3
    nur = client_of(api, "nurpratap")
    assert nur.post("/api/products/1/rate/", {"rating": 1}).status in (200, 201)  # replaces 4
    assert api.get("/api/products/1/").body["average_rating"] == 3  # (1 + 5 + 3) / 3


def test_new_records_continue_above_the_imported_ids(api, imported, people):
    admin = client_of(api, "admin")
    category = admin.post("/api/categories/", {"name": "Hats"}).body
    assert category["id"] == 5
    product = admin.post(
        "/api/products/", {"name": "Cap", "price": "10.00", "category": 5, "stock": 3}
    ).body
    assert product["id"] == 7
    assert people.signup("newcomer")["id"] == 10
    rating = client_of(api, "bee").post("/api/products/7/rate/", {"rating": 5}).body
    assert rating["id"] == 5
    scryer = client_of(api, "scryer")
    line = scryer.post("/api/cart/add_item/", {"product_id": 7, "quantity": 1}).body
    assert line["id"] == 5
    assert scryer.get("/api/cart/items/").body["id"] == 3
    assert scryer.post("/api/cart/checkout/", {"shipping_address": "Here"}).status == 201
    (order,) = scryer.get("/api/orders/").body
    assert order["id"] == 7 and order["order_items"][0]["id"] == 8
    # Orders of a migrated user sort after their old ones.
    nur = client_of(api, "nurpratap")
    assert nur.post("/api/cart/checkout/", {"shipping_address": "Kohalpur"}).status == 201
    assert [o["id"] for o in nur.get("/api/orders/").body] == [8, 2, 1]


# --- reruns -------------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_says_so(api, imported, dump, media):
    again, output = run(dump, media)
    assert not again.changed_anything
    assert sum(again.imported.values()) == 0
    assert again.unchanged["user"] == 8 and again.unchanged["rating"] == 3
    assert "nothing changed" in output


def test_an_interrupted_import_finishes_when_repeated(api, imported, dump, media):
    from chalicelib.store.models.catalog import ProductRecord
    from chalicelib.store.models.orders import OrderRecord
    from chalicelib.store.models.ratings import RatingRecord

    # As if the first run had stopped part-way through the products.
    ProductRecord(6).delete()
    RatingRecord(6, 2).delete()
    OrderRecord(2).delete()
    again, _ = run(dump, media)
    assert (again.imported["product"], again.imported["rating"], again.imported["order"]) == (
        1,
        1,
        1,
    )
    assert again.imported["orderitem"] == 2
    assert api.get("/api/products/6/").body["average_rating"] == 2
    assert run(dump, media)[0].changed_anything is False


def test_the_summary_counts_imported_and_skipped_records(imported, api, dump, media):
    plan = imported.plan
    assert imported.imported["user"] == 8 and imported.imported["orderitem"] == 4
    assert imported.imported["cart"] == 1 and imported.imported["cartitem"] == 2
    assert plan.skipped["cart"] == 1 and plan.skipped["cartitem"] == 1
    for label in ("sessions.session", "authtoken.token", "admin.logentry", "auth.permission"):
        assert plan.skipped[label] == 1


# --- malformed dumps write nothing --------------------------------------------------------


def break_missing_field(records: list[dict[str, Any]]) -> str:
    product = next(r for r in records if r["model"] == "shop.product")
    del product["fields"]["price"]
    return 'shop.product pk=1): missing required field "price"'


def break_foreign_key(records: list[dict[str, Any]]) -> str:
    records.append(record("shop.rating", 9, product=99, user=2, rating=3,
                          created_at="2025-04-17T13:53:36Z"))  # fmt: skip
    return 'shop.rating pk=9): field "product" refers to product pk=99'


def break_username(records: list[dict[str, Any]]) -> str:
    records.append(records[2] | {"pk": 40, "fields": records[2]["fields"] | {"username": "Admin"}})
    return 'shop.customuser pk=40): duplicate username "Admin"'


def break_order_item(records: list[dict[str, Any]]) -> str:
    records.append(record("shop.orderitem", 30, order=77, product=1, quantity=1, price="1.00"))
    return 'shop.orderitem pk=30): field "order" refers to order pk=77'


@pytest.mark.parametrize(
    "breaks", [break_missing_field, break_foreign_key, break_username, break_order_item]
)
def test_a_malformed_dump_is_refused_before_anything_is_written(api, tmp_path, media, breaks):
    records = realistic_records()
    expected = breaks(records)
    path = write_dump(tmp_path / "broken.json", records)
    with pytest.raises(DumpError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        run(path, media)
    assert_nothing_written()


def test_bad_json_is_refused_before_anything_is_written(api, tmp_path, media, dump):
    text = dump.read_text()
    broken = tmp_path / "broken.json"
    broken.write_text(text[: len(text) - 200])  # cut off: the last records never arrive
    with pytest.raises(DumpError, match="bad JSON"):
        run(broken, media)
    broken.write_text(text.replace('"pk": 6,', '"pk": 6,,', 1))
    with pytest.raises(DumpError, match="bad JSON in record #"):
        run(broken, media)
    assert_nothing_written()


def assert_nothing_written() -> None:
    from chalicelib.store.models import all_models
    from migration.media import bucket_etags

    for model in all_models():
        assert list(model.scan()) == [], model.Meta.table_name
    assert bucket_etags() == {}


def test_a_dry_run_validates_and_writes_nothing(api, dump, media):
    result, output = run(dump, media, dry_run=True)
    assert result.imported["product"] == 4
    assert "would import" in output and "dry run: nothing was written" in output
    assert_nothing_written()


def test_the_command_reports_a_refused_dump(api, tmp_path, capsys):
    import manage

    broken = write_dump(tmp_path / "broken.json", [record("shop.category", 1, name="Hats")])
    assert manage.main(["import-django", str(broken), "--quiet"]) == 1
    assert 'missing required field "created_at"' in capsys.readouterr().err
    path = write_dump(tmp_path / "ok.json", [json.loads('{"model": "shop.category", "pk": 2,'
        ' "fields": {"name": "Hats", "created_at": "2025-04-17T13:22:25Z"}}')])  # fmt: skip
    assert manage.main(["import-django", str(path), "--quiet"]) == 0
    assert api.get("/api/categories/2/").body["name"] == "Hats"


def test_staff_superuser_and_active_flags_carry_over(imported):
    from chalicelib.store import users

    admin, nur, sleeper = users.get_user(1), users.get_user(2), users.get_user(9)
    assert (admin.is_staff, admin.is_superuser, admin.is_active) == (True, True, True)
    assert (nur.is_staff, nur.is_superuser, nur.phone, nur.address) == (
        False,
        False,
        "9800000000",
        "Kohalpur",
    )
    assert sleeper.is_active is False


def test_a_username_taken_in_the_tables_is_refused_before_writing(api, people, dump, media):
    from chalicelib.store.models.accounts import UserRecord
    from chalicelib.store.models.catalog import ProductRecord

    people.signup("first")
    people.signup("Admin")  # id 2; the dump's admin is pk=1
    with pytest.raises(DumpError, match="username 'admin' already belongs to user id 2"):
        run(dump, media)
    assert sorted(int(user.id) for user in UserRecord.scan()) == [1, 2]
    assert list(ProductRecord.scan()) == []
