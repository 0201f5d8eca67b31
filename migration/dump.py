"""Reading the output of Django's ``dumpdata``: a JSON list of
``{"model": "<app>.<model>", "pk": ..., "fields": {...}}``, streamed one record at a time so
that a dump of any size is read in bounded memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

CHUNK = 1024 * 1024
# A single record larger than this is refused rather than read into memory whole.
MAX_RECORD_BYTES = 16 * 1024 * 1024
WHITESPACE = " \t\r\n"


class DumpError(Exception):
    """The dump cannot be imported; the message names the record."""


@dataclass(frozen=True)
class DumpRecord:
    number: int  # 1-based position in the dump
    label: str  # "<app>.<model>", lower case
    pk: Any
    fields: dict[str, Any]

    @property
    def model(self) -> str:
        return self.label.rsplit(".", 1)[-1]

    def describe(self) -> str:
        return f"record #{self.number} ({self.label} pk={self.pk!r})"


def iter_records(path: Path) -> Iterator[DumpRecord]:
    """The records of the dump in file order; DumpError on bad JSON or a malformed record."""
    for number, value in enumerate(_iter_values(path), start=1):
        if not isinstance(value, dict) or not isinstance(value.get("model"), str):
            raise DumpError(f'record #{number}: not an object with a "model"')
        label = value["model"].lower()
        fields = value.get("fields")
        if not isinstance(fields, dict):
            raise DumpError(f'record #{number} ({label}): "fields" is missing or not an object')
        yield DumpRecord(number, label, value.get("pk"), fields)


def _iter_values(path: Path) -> Iterator[Any]:
    decoder = json.JSONDecoder(parse_float=Decimal)
    with path.open(encoding="utf-8") as stream:
        buffer = ""
        position = 0
        at_end = False

        def fill() -> bool:
            nonlocal buffer, position, at_end
            if at_end:
                return False
            chunk = stream.read(CHUNK)
            if not chunk:
                at_end = True
                return False
            buffer = buffer[position:] + chunk
            position = 0
            return True

        def skip_whitespace() -> str:
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position] in WHITESPACE:
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not fill():
                    return ""

        try:
            if skip_whitespace() != "[":
                raise DumpError("bad JSON: the dump is not a JSON list (dumpdata --format json)")
            position += 1
            count = 0
            if skip_whitespace() == "]":
                position += 1
                expect_end = True
            else:
                expect_end = False
            while not expect_end:
                skip_whitespace()
                while True:
                    try:
                        value, end = decoder.raw_decode(buffer, position)
                        break
                    except json.JSONDecodeError as error:
                        too_big = len(buffer) - position > MAX_RECORD_BYTES
                        if too_big or not fill():
                            raise DumpError(
                                f"bad JSON in record #{count + 1}: {error.msg}"
                            ) from None
                position = end
                count += 1
                yield value
                following = skip_whitespace()
                position += 1
                if following == "]":
                    expect_end = True
                elif following != ",":
                    raise DumpError(f"bad JSON after record #{count}: expected ',' or ']'")
            if skip_whitespace():
                raise DumpError("bad JSON: data after the end of the list")
        except UnicodeDecodeError as error:
            raise DumpError(f"bad JSON: the dump is not UTF-8 ({error.reason})") from None
