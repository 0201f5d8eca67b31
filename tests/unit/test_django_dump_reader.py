"""Reading a dumpdata file record by record: models recognised whatever the app label,
and bad JSON named by the record where it was found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migration import dump as dump_module
from migration.dump import DumpError, iter_records
from migration.rows import kind_of, parse_row


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dump.json"
    path.write_text(text)
    return path


def records(count: int) -> list[dict[str, object]]:
    return [
        {"model": "store.Category", "pk": pk, "fields": {"name": f"C{pk}" * 50}}
        for pk in range(1, count + 1)
    ]


def test_records_stream_across_chunk_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(dump_module, "CHUNK", 97)
    path = write(tmp_path, json.dumps(records(40), indent=2))
    read = list(iter_records(path))
    assert [record.pk for record in read] == list(range(1, 41))
    assert read[0].label == "store.category" and read[0].model == "category"


@pytest.mark.parametrize("text", ["[]", " [ ]\n", "[\n]"])
def test_an_empty_dump_has_no_records(tmp_path, text):
    assert list(iter_records(write(tmp_path, text))) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a JSON list"),
        ('{"model": "a.b"}', "not a JSON list"),
        ('[{"model": "a.b", "pk": 1, "fields": {}}', "expected ',' or ']'"),
        ('[{"model": "a.b", "pk": 1, "fields": {}},', "bad JSON in record #2"),
        ('[{"model": "a.b", "pk": 1, "fields": {}}, {"model": ', "bad JSON in record #2"),
        ('[{"model": "a.b", "pk": 1, "fields": {}}] x', "data after the end"),
        ('[{"model": "a.b", "pk": 1, "fields": {}} {"model": "a.b"}]', "after record #1"),
        ('[{"pk": 1, "fields": {}}]', 'record #1: not an object with a "model"'),
        ('[{"model": "a.b", "pk": 1}]', '"fields" is missing'),
    ],
)
def test_bad_json_names_where_it_is(tmp_path, text, message):
    with pytest.raises(DumpError, match=message):
        list(iter_records(write(tmp_path, text)))


def test_numbers_are_read_as_decimals_never_floats(tmp_path):
    path = write(tmp_path, '[{"model": "x.product", "pk": 1, "fields": {"price": 0.1}}]')
    (record,) = iter_records(path)
    assert str(record.fields["price"]) == "0.1"


@pytest.mark.parametrize(
    ("label", "fields", "kind"),
    [
        ("auth.user", {"username": "a", "password": "!"}, "user"),
        ("accounts.customuser", {"username": "a", "password": "!"}, "user"),
        ("shop.user", {"username": "a", "password": "!"}, "user"),
        ("shop.user", {"name": "not a login"}, None),
        ("catalog.product", {}, "product"),
        ("orders.orderitem", {}, "orderitem"),
        ("sessions.session", {}, None),
        ("authtoken.token", {}, None),
        ("contenttypes.contenttype", {}, None),
    ],
)
def test_models_are_recognised_by_name_whatever_the_app(tmp_path, label, fields, kind):
    text = json.dumps([{"model": label, "pk": 1, "fields": fields}])
    (record,) = iter_records(write(tmp_path, text))
    assert kind_of(record) == kind


def test_times_are_read_as_utc(tmp_path):
    fields = {"name": "Hats", "created_at": "2025-04-17T15:22:25.166+02:00"}
    text = json.dumps([{"model": "shop.category", "pk": 3, "fields": fields}])
    (record,) = iter_records(write(tmp_path, text))
    row = parse_row("category", record)
    assert row.created_at.isoformat() == "2025-04-17T13:22:25.166000+00:00"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "P", "price": "abc", "category": 1, "created_at": "2025-01-01T00:00:00Z"},
         'field "price" must be a decimal amount'),
        ({"name": "P", "price": "1.00", "category": "one", "created_at": "2025-01-01T00:00Z"},
         'field "category" must be the pk'),
        ({"name": "P", "price": "1.00", "category": 1, "created_at": "yesterday"},
         'field "created_at" is not an ISO 8601'),
        ({"price": "1.00", "category": 1, "created_at": "2025-01-01T00:00:00Z"},
         'missing required field "name"'),
    ],
)  # fmt: skip
def test_a_malformed_record_is_named(tmp_path, fields, message):
    text = json.dumps([{"model": "shop.product", "pk": 7, "fields": fields}])
    (record,) = iter_records(write(tmp_path, text))
    with pytest.raises(DumpError, match=r"record #1 \(shop.product pk=7\): " + message):
        parse_row("product", record)
