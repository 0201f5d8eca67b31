from __future__ import annotations

from chalicelib.schemas.base import Schema
from chalicelib.schemas.users import UserPublic


class LoginRequest(Schema):
    username: str
    password: str


class LoginResponse(Schema):
    token: str
    user: UserPublic


class Detail(Schema):
    detail: str
