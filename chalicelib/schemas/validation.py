"""Validate request data with pydantic and report errors in DRF's shape.

Every error type pydantic can raise for these schemas has a DRF-like message; anything
else is "Invalid value.", so no message names a class, quotes a parser or shows a Python
error. A 400 lists every invalid field at once, as DRF does: checks that need the
database (does this category exist?) join the others through ``related``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from chalicelib.domain.references import no_such_object
from chalicelib.errors import InvalidInput, NotFound

ModelT = TypeVar("ModelT", bound=BaseModel)

REQUIRED = "This field is required."
INVALID = "Invalid value."
SEVERAL = "several_messages"
NOT_A_NUMBER = "A valid number is required."
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_STRING = "Not a valid string."
NOT_A_BOOLEAN = "Must be a valid boolean."
# A check of one field against stored data: the message, or None when the value is fine.
RelatedCheck = Callable[[Any], str | None]


def reference_check(lookup: Callable[[int], object]) -> RelatedCheck:
    """The check of a field that names a record by its id: ``lookup`` raises NotFound
    when no record has it."""

    def check(value: Any) -> str | None:
        try:
            lookup(int(str(value)))
        except (NotFound, ValueError):
            return no_such_object(value)
        return None

    return check


def several_messages(messages: list[str]) -> PydanticCustomError:
    """An error carrying several messages for one field (DRF lists each)."""
    return PydanticCustomError(SEVERAL, "{messages}", {"messages": list(messages)})


def _type_name(value: Any) -> str:
    return {dict: "dict", list: "list", str: "str", bool: "bool", int: "int"}.get(
        type(value), "value"
    )


def _bound(bound: Any) -> Any:
    """A bound as a client writes it: pydantic reports a Decimal one as its repr
    (``Decimal('100000000')``), which would name a Python class."""
    text = str(bound)
    if text.startswith("Decimal('") and text.endswith("')"):
        return text[len("Decimal('") : -2]
    return bound


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    value = error.get("input")
    fixed = {
        "missing": REQUIRED,
        "int_parsing": NOT_AN_INTEGER,
        "int_parsing_size": NOT_AN_INTEGER,
        "int_type": NOT_AN_INTEGER,
        "int_from_float": NOT_AN_INTEGER,
        "decimal_parsing": NOT_A_NUMBER,
        "decimal_type": NOT_A_NUMBER,
        "finite_number": NOT_A_NUMBER,
        "string_type": NOT_A_STRING,
        "string_unicode": NOT_A_STRING,
        "string_sub_type": NOT_A_STRING,
        "bool_parsing": NOT_A_BOOLEAN,
        "bool_type": NOT_A_BOOLEAN,
        "string_too_short": "This field may not be blank.",
        "none_required": INVALID,
    }
    if value is None and (kind.endswith(("_type", "_parsing")) or kind == "none_required"):
        return "This field may not be null."
    if kind in fixed:
        return fixed[kind]
    if kind == "string_too_long":
        return f"Ensure this field has no more than {context.get('max_length')} characters."
    if kind in ("greater_than_equal", "greater_than"):
        bound = _bound(context.get("ge", context.get("gt")))
        return f"Ensure this value is greater than or equal to {bound}."
    if kind in ("less_than", "less_than_equal"):
        bound = _bound(context.get("le", context.get("lt")))
        relation = "less than or equal to" if kind == "less_than_equal" else "less than"
        return f"Ensure this value is {relation} {bound}."
    if kind == "decimal_max_places":
        places = context.get("decimal_places")
        return f"Ensure that there are no more than {places} decimal places."
    if kind == "decimal_max_digits":
        return f"Ensure that there are no more than {context.get('max_digits')} digits in total."
    if kind == "decimal_whole_digits":
        whole = context.get("whole_digits")
        return f"Ensure that there are no more than {whole} digits before the decimal point."
    if kind in ("enum", "literal_error"):
        return f'"{value}" is not a valid choice.' if isinstance(value, str | int) else INVALID
    if kind == "list_type":
        return f'Expected a list of items but got type "{_type_name(value)}".'
    if kind in ("too_short",):
        return "This list may not be empty."
    if kind in ("too_long",):
        # Also raised for text when the length limit follows another validator.
        unit = "characters" if isinstance(value, str) else "elements"
        return f"Ensure this field has no more than {context.get('max_length')} {unit}."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"Invalid data. Expected a dictionary, but got {_type_name(value)}."
    if kind == "value_error":
        # Raised by this project's own validators, whose messages are written for clients.
        return str(context.get("error", INVALID))
    return INVALID


def errors_by_field(error: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for detail in error.errors():
        location = detail.get("loc") or ()
        field = str(location[0]) if location else "non_field_errors"
        messages = fields.setdefault(field, [])
        if detail["type"] == SEVERAL:
            messages.extend(str(m) for m in (detail.get("ctx") or {}).get("messages", []))
        else:
            messages.append(_message(detail))
    return fields


def validate[ModelT: BaseModel](
    model: type[ModelT], data: Any, *, related: Mapping[str, RelatedCheck] | None = None
) -> ModelT:
    """``data`` as ``model``, or a 400 naming every invalid field.

    ``related`` checks a field against stored data (e.g. that a category exists). They run
    only when another field is invalid, so that the 400 names them too; when the body is
    valid the use case makes the same check with its write, and the happy path pays no
    extra read.
    """
    if not isinstance(data, dict):
        kind = type(data).__name__ if isinstance(data, list | str | int | float | bool) else "value"
        raise InvalidInput(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = errors_by_field(error)
    for name, check in (related or {}).items():
        if name in data and data[name] is not None and name not in fields:
            problem = check(data[name])
            if problem:
                fields[name] = [problem]
    raise InvalidInput(fields)
