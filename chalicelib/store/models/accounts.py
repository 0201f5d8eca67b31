from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from .attributes import TimestampAttribute
from .base import ShopModel, register

USER_SCOPE = "U"


class UsersById(GlobalSecondaryIndex["UserRecord"]):
    """All users in id order, for the staff listing (one partition: staff-only, small)."""

    class Meta:
        index_name = "users_by_id"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    id = NumberAttribute(range_key=True)


@register
class UserRecord(ShopModel):
    short_name = "users"

    class Meta:
        table_name = "unbound:users"

    id = NumberAttribute(hash_key=True)
    scope = UnicodeAttribute(default=USER_SCOPE)
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    first_name = UnicodeAttribute(default="")
    last_name = UnicodeAttribute(default="")
    phone = UnicodeAttribute(null=True)
    address = UnicodeAttribute(default="")
    is_staff = BooleanAttribute(default=False)
    # Users migrated from Django keep both flags; absent (older items) means active.
    is_superuser = BooleanAttribute(null=True)
    is_active = BooleanAttribute(null=True)
    created_at = TimestampAttribute()
    # Raised by every change of the password (absent: 0). A session is valid only while
    # it carries the user's current value, so a password change ends the other sessions
    # at once, with no index query (an index could miss a session just created).
    session_epoch = NumberAttribute(null=True)
    # Every write is conditioned on the version it read (absent on items written before
    # versions existed, which PynamoDB conditions as "no version yet").
    version = VersionAttribute(null=True)

    by_id = UsersById()


@register
class LookupRecord(ShopModel):
    """Small keyed facts read together with one BatchGetItem.

    ``username#<casefolded>`` and ``email#<casefolded>`` claim uniqueness and point to a
    user id; ``login-failures#user#<name>`` and ``login-failures#address#<ip>`` count failed
    logins inside a window; ``rating#<id>`` gives a rating's table key (product and user),
    so that a rating is found by id with strongly consistent reads, never an index.
    """

    short_name = "lookups"

    class Meta:
        table_name = "unbound:lookups"

    key = UnicodeAttribute(hash_key=True)
    user_id = NumberAttribute(null=True)
    product_id = NumberAttribute(null=True)
    failures = NumberAttribute(null=True)
    window_started_at = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class SessionsByUser(GlobalSecondaryIndex["SessionRecord"]):
    """Used to end a user's other sessions on password change and all on deletion."""

    class Meta:
        index_name = "sessions_by_user"
        projection = KeysOnlyProjection()

    user_id = NumberAttribute(hash_key=True)


@register
class SessionRecord(ShopModel):
    short_name = "sessions"

    class Meta:
        table_name = "unbound:sessions"

    token_hash = UnicodeAttribute(hash_key=True)
    user_id = NumberAttribute()
    csrf_token = UnicodeAttribute()
    created_at = TimestampAttribute()
    expires_at = TTLAttribute()
    # The user's ``session_epoch`` when the session started (absent: 0).
    user_epoch = NumberAttribute(null=True)

    by_user = SessionsByUser()
