"""The first pass over the dump: every record is parsed and checked, foreign keys are
resolved, and what the second pass needs to write derived values (rating aggregates,
category product counts, order items, cart lines, counters) is collected. Nothing is
written; a malformed dump fails here with a message naming the record."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.store.users import email_claim_key, username_claim_key

from .dump import DumpError, DumpRecord, iter_records
from .rows import (
    KINDS,
    CartItemRow,
    CartRow,
    CategoryRow,
    OrderItemRow,
    OrderRow,
    ProductRow,
    RatingRow,
    UserRow,
    kind_of,
    parse_row,
)

# The id counter each kind continues (see chalicelib/store): ids above the imported ones.
COUNTER_OF_KIND = {
    "user": "user",
    "category": "category",
    "product": "product",
    "rating": "rating",
    "order": "order",
    "orderitem": "order_item",
    "cart": "cart",
    "cartitem": "cart_item",
}
# Which kind each foreign key field of a kind points to.
FOREIGN_KEYS = {
    "product": {"category": "category"},
    "rating": {"product": "product", "user": "user"},
    "order": {"user": "user"},
    "orderitem": {"order": "order", "product": "product"},
    "cart": {"user": "user"},
    "cartitem": {"cart": "cart", "product": "product"},
}


@dataclass
class Plan:
    in_dump: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # kind -> count
    skip_reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    notes: list[str] = field(default_factory=list)
    max_ids: Counter[str] = field(default_factory=Counter)  # counter name -> highest id
    users: dict[int, tuple[str, str]] = field(default_factory=dict)  # username, display name
    usernames: dict[str, int] = field(default_factory=dict)  # claim key -> user id
    emails: dict[str, int] = field(default_factory=dict)  # claim key -> user id
    categories: dict[int, str] = field(default_factory=dict)
    category_images: dict[int, str] = field(default_factory=dict)
    products: dict[int, str] = field(default_factory=dict)
    product_images: dict[int, str] = field(default_factory=dict)
    product_counts: Counter[int] = field(default_factory=Counter)
    rating_sums: Counter[int] = field(default_factory=Counter)
    rating_counts: Counter[int] = field(default_factory=Counter)
    rated: set[tuple[int, int]] = field(default_factory=set)
    orders: dict[int, int] = field(default_factory=dict)  # order id -> user id
    order_items: dict[int, list[OrderItemRow]] = field(default_factory=lambda: defaultdict(list))
    carts: dict[int, int | None] = field(default_factory=dict)  # cart id -> user id
    cart_of_user: dict[int, int] = field(default_factory=dict)
    cart_items: dict[int, list[CartItemRow]] = field(default_factory=lambda: defaultdict(list))
    # (image key as named in the dump) -> the key to store, None when it cannot be kept.
    images: dict[str, str | None] = field(default_factory=dict)

    def skip(self, kind: str, reason: str, count: int = 1) -> None:
        self.skipped[kind] += count
        self.skip_reasons[kind][reason] += count

    def image_key(self, named: str | None) -> str | None:
        return self.images.get(named) if named else None

    def known(self, kind: str) -> dict[int, object]:
        return {  # type: ignore[return-value]
            "user": self.users,
            "category": self.categories,
            "product": self.products,
            "order": self.orders,
            "cart": self.carts,
        }[kind]


def build_plan(path: Path) -> Plan:
    plan = Plan()
    pending: list[tuple[str, str, str, int]] = []  # forward references, checked at the end
    seen: dict[str, set[int]] = defaultdict(set)
    for record in iter_records(path):
        kind = kind_of(record)
        if kind is None:
            plan.skip(record.label, "not shop data (not migrated)")
            continue
        plan.in_dump[kind] += 1
        row = parse_row(kind, record)
        if row.id in seen[kind]:
            raise DumpError(f"{record.describe()}: a second {kind} with this pk")
        seen[kind].add(row.id)
        plan.max_ids[COUNTER_OF_KIND[kind]] = max(plan.max_ids[COUNTER_OF_KIND[kind]], row.id)
        for field_name, target in FOREIGN_KEYS.get(kind, {}).items():
            target_id = getattr(row, field_name)
            if target_id is not None and target_id not in plan.known(target):
                pending.append((record.describe(), field_name, target, target_id))
        _collect(plan, record, row)
    for described, field_name, target, target_id in pending:
        if target_id not in plan.known(target):
            raise DumpError(
                f'{described}: field "{field_name}" refers to {target} pk={target_id},'
                " which is not in the dump"
            )
    _finish(plan)
    return plan


def _collect(plan: Plan, record: DumpRecord, row: object) -> None:
    match row:
        case UserRow():
            claim = username_claim_key(row.username)
            if claim in plan.usernames:
                raise DumpError(
                    f'{record.describe()}: duplicate username "{row.username}" (user pk='
                    f"{plan.usernames[claim]} has it; usernames are unique regardless of case)"
                )
            plan.usernames[claim] = row.id
            plan.users[row.id] = (row.username, row.display_name)
            if row.email:
                email = email_claim_key(row.email)
                if email in plan.emails:
                    plan.notes.append(
                        f"user pk={row.id}: email {row.email} is also user pk="
                        f"{plan.emails[email]}'s; only the first can use it to sign up again"
                    )
                else:
                    plan.emails[email] = row.id
        case CategoryRow():
            plan.categories[row.id] = row.name
            if row.image:
                plan.category_images[row.id] = row.image
        case ProductRow():
            plan.products[row.id] = row.name
            plan.product_counts[row.category] += 1
            if row.image:
                plan.product_images[row.id] = row.image
        case RatingRow():
            if (row.product, row.user) in plan.rated:
                raise DumpError(
                    f"{record.describe()}: user pk={row.user} already rated product pk="
                    f"{row.product} (one rating per user and product)"
                )
            plan.rated.add((row.product, row.user))
            plan.rating_sums[row.product] += row.rating
            plan.rating_counts[row.product] += 1
        case OrderRow():
            plan.orders[row.id] = row.user
        case OrderItemRow():
            plan.order_items[row.order].append(row)
        case CartRow():
            plan.carts[row.id] = row.user
            if row.user is not None:
                if row.user in plan.cart_of_user:
                    raise DumpError(
                        f"{record.describe()}: user pk={row.user} already has cart pk="
                        f"{plan.cart_of_user[row.user]} (one cart per user)"
                    )
                plan.cart_of_user[row.user] = row.id
        case CartItemRow():
            plan.cart_items[row.cart].append(row)


def _finish(plan: Plan) -> None:
    """Checks that need every record: rows whose parent is skipped are skipped too."""
    plan.rated.clear()  # only needed to find duplicates
    for cart_id, user_id in plan.carts.items():
        if user_id is None:
            plan.skip("cart", "guest cart (no user): guest carts expire and are not migrated")
            if cart_id in plan.cart_items:
                plan.skip(
                    "cartitem",
                    "in a guest cart",
                    len(plan.cart_items.pop(cart_id)),
                )


def summary_kinds(plan: Plan) -> list[str]:
    """The shop's models first, then every other model found."""
    others = sorted(kind for kind in plan.skipped if kind not in KINDS)
    return [*KINDS, *others]
