"""Validate request data with pydantic and report errors in DRF's shape."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from chalicelib.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

REQUIRED = "This field is required."


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    messages = {
        "missing": REQUIRED,
        "int_parsing": "A valid integer is required.",
        "int_type": "A valid integer is required.",
        "int_from_float": "A valid integer is required.",
        "decimal_parsing": "A valid number is required.",
        "decimal_type": "A valid number is required.",
        "string_type": "Not a valid string.",
        "bool_parsing": "Must be a valid boolean.",
        "bool_type": "Must be a valid boolean.",
        "string_too_long": "Ensure this field has no more than "
        f"{context.get('max_length')} characters.",
        "string_too_short": "This field may not be blank.",
        "greater_than_equal": f"Ensure this value is greater than or equal to {context.get('ge')}.",
        "less_than": f"Ensure this value is less than {context.get('lt')}.",
        "less_than_equal": f"Ensure this value is less than or equal to {context.get('le')}.",
        "decimal_max_places": "Ensure that there are no more than "
        f"{context.get('decimal_places')} decimal places.",
        "enum": f'"{error.get("input")}" is not a valid choice.',
        "literal_error": f'"{error.get("input")}" is not a valid choice.',
    }
    if kind in messages:
        return messages[kind]
    text = str(error.get("msg", "Invalid value."))
    return text.removeprefix("Value error, ")


def errors_by_field(error: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for detail in error.errors():
        location = detail.get("loc") or ()
        field = str(location[0]) if location else "non_field_errors"
        fields.setdefault(field, []).append(_message(detail))
    return fields


def validate[ModelT: BaseModel](model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InvalidInput(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(errors_by_field(error)) from None
