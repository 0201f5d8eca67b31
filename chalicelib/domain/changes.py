"""What an update changes: each field either takes a new value or is left as it is.

PUT and PATCH follow one rule (DRF's): a field the client sent changes, a field it left
out keeps its value. A change object (``ProductChanges``, ``UserChanges`` ...) holds
``UNSET`` for every field that was not sent, and its ``applied_to`` gives the record with
the others changed.
"""

from __future__ import annotations

from enum import Enum
from typing import Final


class Unset(Enum):
    """A field an update leaves as it is."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

type Maybe[T] = T | Unset


def chosen[T](change: T | Unset, current: T) -> T:
    """The value after the change: the new one, or ``current`` when the field is unset."""
    return current if isinstance(change, Unset) else change


def is_set[T](change: T | Unset) -> bool:
    return not isinstance(change, Unset)
