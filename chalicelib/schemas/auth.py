from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from chalicelib.schemas.base import Schema
from chalicelib.schemas.users import UserPublic, _normalized


class LoginRequest(Schema):
    # No stored username or password is longer; a longer one could not even be looked up.
    # The username is normalised as at signup (NFKC), as Django's login form does.
    username: Annotated[str, BeforeValidator(_normalized), Field(max_length=150)]
    password: Annotated[str, Field(max_length=128)]


class LoginResponse(Schema):
    token: str
    user: UserPublic


class Detail(Schema):
    detail: str
