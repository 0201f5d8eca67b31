"""The cost model's arithmetic (benchmarks/cost_model.py), and that the generated section
of docs/performance.md matches its recorded inputs."""

from __future__ import annotations

import math
from typing import Any

from benchmarks import cost_model
from benchmarks.cost_model import (
    IndexSpec,
    KeyLoad,
    hot_key_rate,
    index_writes,
    item_size,
    read_units,
    simulate,
    write_units,
)

BY_SCOPE = IndexSpec("products", "products_by_id", "scope", "id", "ALL", local=False)
BY_COLOR = IndexSpec("products", "products_by_color_by_id", "color_key", "id", "ALL", local=False)
BY_USER_KEYS = IndexSpec("sessions", "sessions_by_user", "user_id", None, "KEYS_ONLY", local=False)


def product(**attributes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"id": {"N": "7"}, "scope": {"S": "P"}, "stock": {"N": "10"}, **attributes}


def test_an_item_is_the_bytes_of_its_attribute_names_and_values() -> None:
    assert item_size({"name": {"S": "héllo"}, "flag": {"BOOL": True}}) == 4 + 6 + 4 + 1


def test_a_number_takes_a_byte_per_two_significant_digits_plus_one() -> None:
    assert item_size({"n": {"N": "12345"}}) == 1 + 3 + 1
    assert item_size({"n": {"N": "1200.00"}}) == item_size({"n": {"N": "12"}})


def test_lists_and_maps_add_three_bytes_and_one_per_element() -> None:
    line = {"M": {"q": {"N": "1"}}}  # 3 + (1 + 2 + 1)
    assert item_size({"lines": {"L": [line]}}) == 5 + 3 + (7 + 1)


def test_reads_round_up_to_4_kb_at_half_one_or_two_units() -> None:
    assert read_units(4096, "eventual") == 0.5
    assert read_units(4097, "strong") == 2
    assert read_units(100, "transactional") == 2


def test_reading_nothing_still_costs_a_block() -> None:
    assert read_units(0, "strong") == 1


def test_writes_round_up_to_1_kb_and_double_in_a_transaction() -> None:
    assert write_units(1024, "standard") == 1
    assert write_units(1025, "transactional") == 4


def test_a_write_updates_each_index_whose_keys_the_item_has() -> None:
    before = product()
    after = product(stock={"N": "9"})
    touched = index_writes(before, after, [BY_SCOPE, BY_COLOR])
    assert [(index.name, partition) for index, partition, _ in touched] == [("products_by_id", "P")]
    assert touched[0][2] == item_size(after)


def test_changing_an_index_key_deletes_the_old_entry_and_puts_the_new() -> None:
    before = product(color_key={"S": "red"})
    after = product(color_key={"S": "blue"})
    partitions = [partition for _, partition, _ in index_writes(before, after, [BY_COLOR])]
    assert partitions == ["red", "blue"]


def test_a_keys_only_index_is_not_written_when_its_keys_stay() -> None:
    before = {"token_hash": {"S": "t"}, "user_id": {"N": "2"}, "csrf": {"S": "a"}}
    after = {**before, "csrf": {"S": "b"}}
    assert index_writes(before, after, [BY_USER_KEYS]) == []
    assert len(index_writes(None, after, [BY_USER_KEYS])) == 1


def test_a_key_goes_hot_at_its_limit_over_its_units_per_order() -> None:
    assert hot_key_rate(2, 1000) == 500
    assert math.isinf(hot_key_rate(0, 1000))


def test_the_simulation_reports_the_most_utilised_key_at_each_rate() -> None:
    counter = KeyLoad("counters", "order", "write", 1, "constant")
    listing = KeyLoad("products/products_by_id", "P", "read", 6, "constant")
    (rate, hottest, use), *_ = simulate([counter, listing], [600])
    assert (rate, hottest, use) == (600, listing, 1.2)


def test_docs_performance_md_holds_the_section_computed_from_the_recorded_inputs() -> None:
    section = cost_model.render(cost_model.load_inputs())
    assert section in cost_model.DOC_PATH.read_text(), "run make cost-model"
