"""Request validation reports errors the way Django REST Framework did."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from pydantic import AfterValidator, BaseModel, Field

from chalicelib.errors import InvalidInput
from chalicelib.schemas.validation import validate


def _no_spaces(value: str) -> str:
    if " " in value:
        raise ValueError("No spaces allowed.")
    return value


class Sample(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=5)]
    count: Annotated[int, Field(ge=0)] = 0
    price: Annotated[Decimal, Field(lt=100, decimal_places=2)] = Decimal(0)
    active: bool = True
    kind: Literal["a", "b"] = "a"
    code: Annotated[str, AfterValidator(_no_spaces)] = ""


def errors_for(data: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as invalid:
        validate(Sample, data)
    return invalid.value.errors


def test_valid_data_becomes_the_model() -> None:
    assert validate(Sample, {"name": "abc", "count": "3"}).count == 3


def test_a_missing_field_is_required() -> None:
    assert errors_for({}) == {"name": ["This field is required."]}


def test_a_body_that_is_not_an_object_is_a_non_field_error() -> None:
    assert errors_for([1, 2]) == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_a_too_long_string_names_the_limit() -> None:
    assert errors_for({"name": "abcdef"}) == {
        "name": ["Ensure this field has no more than 5 characters."]
    }


def test_an_empty_string_may_not_be_blank() -> None:
    assert errors_for({"name": ""}) == {"name": ["This field may not be blank."]}


def test_a_string_field_refuses_a_number() -> None:
    assert errors_for({"name": 5}) == {"name": ["Not a valid string."]}


@pytest.mark.parametrize("count", ["three", 1.5, [1]])
def test_an_integer_field_refuses_other_values(count: Any) -> None:
    assert errors_for({"name": "a", "count": count}) == {"count": ["A valid integer is required."]}


def test_a_minimum_names_the_bound() -> None:
    assert errors_for({"name": "a", "count": -1}) == {
        "count": ["Ensure this value is greater than or equal to 0."]
    }


def test_a_number_field_refuses_text() -> None:
    assert errors_for({"name": "a", "price": "cheap"}) == {"price": ["A valid number is required."]}


def test_too_many_decimal_places_are_refused() -> None:
    assert errors_for({"name": "a", "price": "1.005"}) == {
        "price": ["Ensure that there are no more than 2 decimal places."]
    }


def test_a_boolean_field_refuses_other_words() -> None:
    assert errors_for({"name": "a", "active": "maybe"}) == {"active": ["Must be a valid boolean."]}


def test_a_choice_outside_the_list_is_refused() -> None:
    assert errors_for({"name": "a", "kind": "c"}) == {"kind": ['"c" is not a valid choice.']}


def test_a_rule_message_is_reported_without_pydantics_prefix() -> None:
    assert errors_for({"name": "a", "code": "a b"}) == {"code": ["No spaces allowed."]}


def test_errors_on_several_fields_are_all_reported() -> None:
    assert set(errors_for({"count": "x", "active": "maybe"})) == {"name", "count", "active"}
