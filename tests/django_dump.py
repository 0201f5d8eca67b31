"""A realistic ``manage.py dumpdata`` of the Django shop, for the import tests.

The password hashes are made the way Django's own hashers encode them
(``django/contrib/auth/hashers.py``): the same algorithms, parameters in the same places,
the same base64. Field names follow the Django shop's samples; foreign keys are pks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

from sample_images import image_bytes

OLD_PASSWORDS = {
    "admin": "admin-old-secret-1",
    "nurpratap": "jacket-lover-22",
    "sha1fan": "sha1-password-3",
    "argonaut": "argon-password-4",
    "bee": "bcrypt-password-5",
    "scryer": "scrypt-password-6",
    "ghost": "ghost-password-7",
    "sleeper": "inactive-password-8",
}


def django_pbkdf2(password: str, salt: str, iterations: int, algorithm: str = "sha256") -> str:
    """PBKDF2PasswordHasher / PBKDF2SHA1PasswordHasher.encode."""
    digest = hashlib.pbkdf2_hmac(algorithm, password.encode(), salt.encode(), iterations)
    encoded = base64.b64encode(digest).decode("ascii").strip()
    return f"pbkdf2_{algorithm}${iterations}${salt}${encoded}"


def django_argon2(
    password: str, salt: str, time_cost: int = 2, memory_cost: int = 1024, parallelism: int = 2
) -> str:
    """Argon2PasswordHasher.encode: "argon2" + argon2-cffi's encoded hash."""
    import argon2

    data = argon2.low_level.hash_secret(
        password.encode(),
        salt.encode(),
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        hash_len=argon2.DEFAULT_HASH_LENGTH,
        type=argon2.low_level.Type.ID,
    )
    return "argon2" + data.decode("ascii")


def django_bcrypt_sha256(password: str, rounds: int = 4) -> str:
    """BCryptSHA256PasswordHasher.encode: bcrypt of the hex SHA-256 of the password."""
    import bcrypt

    prehashed = binascii.hexlify(hashlib.sha256(password.encode()).digest())
    return "bcrypt_sha256$" + bcrypt.hashpw(prehashed, bcrypt.gensalt(rounds)).decode("ascii")


def django_scrypt(password: str, salt: str, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """ScryptPasswordHasher.encode: ``scrypt$<n>$<salt>$<r>$<p>$<b64 of 64 bytes>``."""
    derived = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, dklen=64)
    return f"scrypt${n}${salt}${r}${p}${base64.b64encode(derived).decode('ascii').strip()}"


def record(label: str, pk: Any, /, **fields: Any) -> dict[str, Any]:
    return {"model": label, "pk": pk, "fields": fields}


def user(pk: int, username: str, password: str, **fields: Any) -> dict[str, Any]:
    defaults = {
        "last_login": None,
        "is_superuser": False,
        "first_name": "",
        "last_name": "",
        "email": f"{username}@example.com",
        "is_staff": False,
        "is_active": True,
        "phone": None,
        "address": "",
        "created_at": "2025-04-17T13:19:53.037Z",
        "groups": [],
        "user_permissions": [],
    }
    return record(
        "shop.customuser", pk, username=username, password=password, **{**defaults, **fields}
    )


def realistic_records() -> list[dict[str, Any]]:
    p = OLD_PASSWORDS
    return [
        record("contenttypes.contenttype", 1, app_label="shop", model="product"),
        record("auth.permission", 1, name="Can add product", content_type=1, codename="add"),
        user(
            1, "admin", django_pbkdf2(p["admin"], "adminsalt12345678", 1200),
            is_staff=True, is_superuser=True, first_name="admin", last_name="admin",
        ),
        user(
            2, "nurpratap", django_pbkdf2(p["nurpratap"], "nursalt1234567890", 500),
            first_name="Nur Pratap", last_name="Karki", phone="9800000000", address="Kohalpur",
        ),
        user(3, "sha1fan", django_pbkdf2(p["sha1fan"], "sha1salt", 1000, "sha1")),
        user(4, "argonaut", django_argon2(p["argonaut"], "argonsaltargonsalt")),
        user(5, "bee", django_bcrypt_sha256(p["bee"])),
        user(7, "scryer", django_scrypt(p["scryer"], "scryptsalt123456")),
        user(8, "ghost", "!" + "x" * 40),
        user(
            9, "sleeper", django_pbkdf2(p["sleeper"], "sleepsalt", 1200), is_active=False,
            email="",
        ),
        record("sessions.session", "abc123", session_data="...", expire_date="2025-05-01T00:00Z"),
        record("authtoken.token", "f00d", user=2, created="2025-04-17T13:20:00Z"),
        record("admin.logentry", 1, action_time="2025-04-17T13:30:00Z", user=1, object_id="1"),
        record(
            "shop.category", 1, name="Jackets", image="categories/cowsorus_SDhrdcM.png",
            created_at="2025-04-17T13:22:25.166Z",
        ),
        record("shop.category", 3, name="Shoes", image="", created_at="2025-04-18T09:00:00Z"),
        record("shop.category", 4, name="Empty", image="", created_at="2025-04-18T09:00:01Z"),
        record(
            "shop.product", 1, name="White Jacket", description="White Jacket", price="1400.00",
            image="products/cowsorus_2Aa9x4P.png", category=1, stock=400, color="White",
            size="L", average_rating="4.00", created_at="2025-04-17T13:24:08.869Z",
        ),
        record(
            "shop.product", 2, name="Rain Jacket", description="", price="1899.99",
            image="products/missing_file.png", category=1, stock=0, color="Yellow", size="S",
            average_rating="0.00", created_at="2025-04-17T13:25:00Z",
        ),
        record(
            "shop.product", 5, name="Running Shoes", description="Light", price="3200.10",
            image="products/not_an_image.jpg", category=3, stock=60, color="Black",
            size="42", average_rating="0.00", created_at="2025-04-17T13:26:00Z",
        ),
        record(
            "shop.product", 6, name="Leather Boots", description="", price="5400.00",
            image="products/boots.webp", category=3, stock=12, color="Brown", size="43",
            average_rating="0.00", created_at="2025-04-17T13:27:00Z",
        ),
        record(
            "shop.rating", 1, product=1, user=2, rating=4, comment="This is good tho",
            created_at="2025-04-17T13:53:36.055Z",
        ),
        record(
            "shop.rating", 2, product=1, user=3, rating=5, comment="",
            created_at="2025-04-17T14:00:00Z",
        ),
        record(
            "shop.rating", 4, product=6, user=2, rating=2, comment="Too tight",
            created_at="2025-04-17T14:10:00Z",
        ),
        record(
            "shop.order", 1, user=2, total_price="16800.00", status="Pending",
            shipping_address="Kohalpur", created_at="2025-04-17T13:24:40.322Z",
        ),
        record("shop.orderitem", 1, order=1, product=1, quantity=12, price="1400.00"),
        record(
            "shop.order", 2, user=2, total_price="7300.20", status="Delivered",
            shipping_address="Nepalgunj", created_at="2025-04-18T10:00:00Z",
        ),
        record("shop.orderitem", 2, order=2, product=5, quantity=1, price="3200.10"),
        record("shop.orderitem", 3, order=2, product=6, quantity=1, price="4100.10"),
        record("shop.order", 6, user=3, total_price="1400.00", status="Cancelled",
               shipping_address="", created_at="2025-04-19T10:00:00Z"),
        record("shop.orderitem", 7, order=6, product=1, quantity=1, price="1400.00"),
        record("shop.cart", 1, user=2, created_at="2024-04-23T12:00:00Z",
               updated_at="2024-04-23T12:30:00Z"),
        record("shop.cartitem", 1, cart=1, product=6, quantity=2,
               created_at="2024-04-23T12:00:00Z", updated_at="2024-04-23T12:00:00Z"),
        record("shop.cartitem", 3, cart=1, product=1, quantity=1,
               created_at="2024-04-23T12:30:00Z", updated_at="2024-04-23T12:30:00Z"),
        record("shop.cart", 2, user=None, created_at="2024-04-24T12:00:00Z",
               updated_at="2024-04-24T12:00:00Z"),
        record("shop.cartitem", 4, cart=2, product=1, quantity=1,
               created_at="2024-04-24T12:00:00Z", updated_at="2024-04-24T12:00:00Z"),
    ]  # fmt: skip


def write_media(media_root: Path) -> None:
    """The files the image fields name; one is missing, one is not an image."""
    (media_root / "categories").mkdir(parents=True, exist_ok=True)
    (media_root / "products").mkdir(parents=True, exist_ok=True)
    (media_root / "categories" / "cowsorus_SDhrdcM.png").write_bytes(image_bytes("PNG"))
    (media_root / "products" / "cowsorus_2Aa9x4P.png").write_bytes(image_bytes("PNG"))
    (media_root / "products" / "boots.webp").write_bytes(image_bytes("WEBP"))
    (media_root / "products" / "not_an_image.jpg").write_bytes(b"this is not a JPEG")


def write_dump(path: Path, records: list[dict[str, Any]] | None = None) -> Path:
    """As dumpdata writes it (indented, DecimalFields as strings)."""
    path.write_text(json.dumps(records if records is not None else realistic_records(), indent=2))
    return path
