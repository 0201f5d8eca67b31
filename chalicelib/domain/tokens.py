"""Bearer tokens of the form ``<record id>.<secret>``: session tokens name their user and
guest-cart tokens their cart, so that one read fetches what the token proves; only a hash
of the token is stored, and a token that does not have this form proves nothing."""

from __future__ import annotations

import hashlib
import secrets

# Far above any id the counters will issue, and short enough that no client can make
# the server parse a huge number.
MAX_ID_DIGITS = 18


def new_token(record_id: int) -> str:
    return f"{record_id}.{secrets.token_urlsafe(32)}"


def id_of(token: str) -> int | None:
    """The record id a token names, or None when it is not a token of this form."""
    id_part, dot, secret = token.partition(".")
    # isascii: isdigit alone admits "²", which int() refuses.
    if not dot or not secret or not (id_part.isascii() and id_part.isdigit()):
        return None
    if len(id_part) > MAX_ID_DIGITS:
        return None
    return int(id_part)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
