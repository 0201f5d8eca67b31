"""``manage.py import-django``: validate the whole dump, then write.

1. Plan: one streaming pass parses and checks every record (plan.py); the images are
   checked; the tables are read for usernames already claimed by other users. A problem
   stops the import here, before anything is written.
2. Write: the id counters are raised above the imported ids (so an interrupted import
   never lets the API hand out an imported id), images are uploaded, then a second
   streaming pass writes every record, compared first with what the tables hold.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from chalicelib.domain.cart import Cart, CartLine
from chalicelib.domain.entities import Category, Product, User
from chalicelib.domain.orders import Order, OrderItem, OrderStatus
from chalicelib.domain.ratings import Rating
from chalicelib.store import carts, categories, orders, products, ratings, users
from chalicelib.store.models import ShopModel, bind_models
from chalicelib.store.models.accounts import LookupRecord

from .dump import DumpError, iter_records
from .media import MediaCheck, check_images, upload
from .plan import COUNTER_OF_KIND, Plan, build_plan, summary_kinds
from .rows import (
    KINDS,
    CartRow,
    CategoryRow,
    OrderRow,
    ProductRow,
    RatingRow,
    UserRow,
    kind_of,
    parse_row,
)
from .writer import BatchWriter, raise_counter

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Label = tuple[tuple[str, int], ...]


class ImportConflict(DumpError):
    """The tables hold records the dump would contradict."""


@dataclass
class Result:
    plan: Plan
    media: MediaCheck
    imported: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    counters_raised: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.imported.values()) or self.counters_raised or self.media.uploads)


def run_import(
    dump: Path,
    media_dir: Path | None = None,
    *,
    dry_run: bool = False,
    progress: bool = True,
    out: TextIO = sys.stdout,
) -> Result:
    bind_models()
    plan = build_plan(dump)
    named = [*plan.category_images.values(), *plan.product_images.values()]
    media = check_images(named, media_dir)
    plan.images = media.keep
    _check_tables(plan)
    result = Result(plan, media, dry_run=dry_run)
    if dry_run:
        for kind in KINDS:
            result.imported[kind] = plan.in_dump[kind] - plan.skipped[kind]
        print_summary(result, out)
        return result
    for counter in COUNTER_OF_KIND.values():
        if raise_counter(counter, plan.max_ids[counter]):
            result.counters_raised.append(counter)
    with _bars(plan, progress and not dry_run) as bars:
        if media.uploads:
            with _bar("images", len(media.uploads), progress) as bar:
                for file in media.uploads:
                    upload(file)
                    bar.update(1)

        def outcome(label: Label, written: bool) -> None:
            for kind, count in label:
                (result.imported if written else result.unchanged)[kind] += count

        writer = BatchWriter(outcome)
        for record in iter_records(dump):
            record_kind = kind_of(record)
            if record_kind is None:
                continue
            row = parse_row(record_kind, record)
            for label, item in _items_of(plan, row):
                writer.add(label, item)
                for done_kind, count in label:
                    if done_kind in bars:
                        bars[done_kind].update(count)
        writer.flush()
    print_summary(result, out)
    return result


def _check_tables(plan: Plan) -> None:
    """A username the tables already give to another user would make that account
    unreachable: refused before anything is written. An email claimed by another user is
    left to them (the migrated user keeps the address, without the claim)."""
    from chalicelib.store.batch import batch_get_one_each

    claims = [(key, user_id, "username") for key, user_id in plan.usernames.items()]
    claims += [(key, user_id, "email") for key, user_id in plan.emails.items()]
    for start in range(0, len(claims), 100):
        chunk = claims[start : start + 100]
        found = batch_get_one_each([(LookupRecord, {"key": {"S": key}}) for key, _, _ in chunk])
        for (key, user_id, what), record in zip(chunk, found, strict=True):
            holder = getattr(record, "user_id", None)
            if holder is None or int(holder) == user_id:
                continue
            if what == "username":
                raise ImportConflict(
                    f"user pk={user_id}: username {key.split('#', 1)[1]!r} already belongs to"
                    f" user id {int(holder)} in the tables; import into an empty stage"
                )
            del plan.emails[key]
            plan.notes.append(f"user pk={user_id}: email already claimed by user id {holder}")


def _items_of(plan: Plan, row: Any) -> Iterator[tuple[Label, ShopModel]]:
    match row:
        case UserRow():
            user = User(
                id=row.id,
                username=row.username,
                email=row.email,
                password_hash=row.password,
                created_at=row.created_at,
                first_name=row.first_name,
                last_name=row.last_name,
                phone=row.phone,
                address=row.address,
                is_staff=row.is_staff,
                is_superuser=row.is_superuser,
                is_active=row.is_active,
            )
            yield (("user", 1),), users.to_record(user)
            yield (), LookupRecord(users.username_claim_key(row.username), user_id=row.id)
            email_key = users.email_claim_key(row.email)
            if row.email and plan.emails.get(email_key) == row.id:
                yield (), LookupRecord(email_key, user_id=row.id)
        case CategoryRow():
            category = Category(
                row.id,
                row.name,
                row.created_at,
                plan.image_key(row.image),
                plan.product_counts[row.id],
            )
            yield (("category", 1),), categories.to_record(category)
        case ProductRow():
            product = Product(
                id=row.id,
                name=row.name,
                price=row.price,
                category_id=row.category,
                category_name=plan.categories[row.category],
                created_at=row.created_at,
                stock=row.stock,
                description=row.description,
                color=row.color,
                size=row.size,
                image_key=plan.image_key(row.image),
                rating_sum=plan.rating_sums[row.id],
                rating_count=plan.rating_counts[row.id],
            )
            yield (("product", 1),), products.to_record(product)
        case RatingRow():
            rating = Rating(
                id=row.id,
                product_id=row.product,
                user_id=row.user,
                username=plan.users[row.user][0],
                rating=row.rating,
                comment=row.comment,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            yield (("rating", 1),), ratings.to_record(rating)
            yield (), ratings.to_lookup(rating)
        case OrderRow():
            yield _order(plan, row)
        case CartRow():
            if row.user is not None:
                yield _cart(plan, row)


def _order(plan: Plan, row: OrderRow) -> tuple[Label, ShopModel]:
    rows = sorted(plan.order_items.get(row.id, []), key=lambda item: item.id)
    items = [
        OrderItem(
            id=item.id,
            product_id=item.product or 0,
            product_name=item.product_name
            or (plan.products[item.product] if item.product else "(deleted product)"),
            product_image_key=plan.image_key(plan.product_images.get(item.product or 0)),
            quantity=item.quantity,
            price=item.price,
        )
        for item in rows
    ]
    total = row.total_price
    if total is None:
        total = sum((item.subtotal for item in items), Decimal("0"))
    order = Order(
        id=row.id,
        user_id=row.user,
        user_name=row.user_name or plan.users[row.user][1],
        status=OrderStatus(row.status),
        shipping_address=row.shipping_address,
        created_at=row.created_at,
        items=items,
        stored_total=total,
    )
    return (("order", 1), ("orderitem", len(items))), orders.to_record(order)


def _cart(plan: Plan, row: CartRow) -> tuple[Label, ShopModel]:
    assert row.user is not None
    item_rows = sorted(plan.cart_items.get(row.id, []), key=lambda item: item.id)
    stamps = [stamp for item in item_rows for stamp in (item.created_at, item.updated_at) if stamp]
    created_at = row.created_at or row.updated_at or min(stamps, default=EPOCH)
    lines: dict[int, CartLine] = {}
    for item in item_rows:
        line_created = item.created_at or created_at
        if item.product in lines:  # one line per product: repeated ones are summed
            lines[item.product].quantity += item.quantity
            continue
        lines[item.product] = CartLine(
            item.id, item.product, item.quantity, line_created, item.updated_at or line_created
        )
    cart = Cart(
        id=row.id,
        user_id=row.user,
        created_at=created_at,
        updated_at=row.updated_at or created_at,
        lines=list(lines.values()),
        version=1,
    )
    label = (("cart", 1), ("cartitem", len(item_rows)))
    return label, carts.to_record(f"user#{row.user}", cart)


def _bar(name: str, total: int, enabled: bool, position: int = 0) -> Any:
    """A progress bar on stderr (tqdm's bars close themselves as context managers)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=f"{name:>10}",
        unit=" rec",
        disable=not enabled,
        position=position,
        leave=True,
        file=sys.stderr,
    )


@contextmanager
def _bars(plan: Plan, enabled: bool) -> Iterator[dict[str, Any]]:
    """One bar per model, stacked."""
    bars: dict[str, Any] = {}
    try:
        for position, kind in enumerate(KINDS):
            total = plan.in_dump[kind] - plan.skipped[kind]
            bars[kind] = _bar(kind, total, enabled, position)
        yield bars
    finally:
        for bar in bars.values():
            bar.close()


def print_summary(result: Result, out: TextIO) -> None:
    plan = result.plan
    header = (
        "model",
        "in dump",
        "would import" if result.dry_run else "imported",
        "unchanged",
        "skipped",
        "reasons",
    )
    rows: list[tuple[str, ...]] = []
    for kind in summary_kinds(plan):
        in_dump = plan.in_dump[kind] if kind in KINDS else plan.skipped[kind]
        if not in_dump:
            continue
        reasons = "; ".join(
            f"{count} {reason}" for reason, count in plan.skip_reasons.get(kind, {}).items()
        )
        rows.append(
            (
                kind,
                str(in_dump),
                str(result.imported[kind]),
                str(result.unchanged[kind]),
                str(plan.skipped[kind]),
                reasons,
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for number, row in enumerate([header, *rows]):
        cells = [
            cell.ljust(widths[i]) if i in (0, 5) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip(), file=out)
        if number == 0:
            print("  ".join("-" * width for width in widths), file=out)
    media = result.media
    action = "to upload" if result.dry_run else "uploaded"
    print(
        f"\nimages: {len(media.uploads)} {action}, {media.unchanged} unchanged,"
        f" {len(media.problems)} not kept",
        file=out,
    )
    for problem in media.problems:
        print(f"  image {problem}", file=out)
    for note in plan.notes:
        print(f"  note: {note}", file=out)
    if result.dry_run:
        print("\ndry run: nothing was written", file=out)
    elif result.counters_raised:
        print(f"id counters raised: {', '.join(result.counters_raised)}", file=out)
    if not result.dry_run and not result.changed_anything:
        print("\nnothing changed: every record was already imported", file=out)
