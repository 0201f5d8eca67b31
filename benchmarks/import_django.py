"""Times `manage.py import-django` on a synthetic Django dump of the size the migration
must handle (50,000 products, 200,000 ratings, 20,000 orders), against a fresh emulator.

    .venv/bin/python -m benchmarks.import_django [--products N --ratings N --orders N]

Not run by the tests (it takes minutes). The emulator runs in a child process, so the
peak memory printed is the importer's own. The dump is written to a temporary file and
removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH_ENVIRONMENT = {
    "STAGE": "test",
    "TABLE_PREFIX": "shop-import-bench-",
    "MEDIA_BUCKET": "shop-import-bench-media",
    "PASSWORD_ITERATIONS": "1000",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
EMULATOR = (
    "import sys, time\n"
    "from chalicelib.local.emulator import Emulator\n"
    "Emulator(int(sys.argv[1])).start()\n"
    "print('ready', flush=True)\n"
    "time.sleep(10**9)\n"
)
PROJECT_DIR = Path(__file__).resolve().parents[1]


def write_dump(path: Path, products: int, ratings: int, orders: int, users: int) -> None:
    """Written record by record, as dumpdata would, without holding the dump in memory."""
    rng = random.Random(7)
    categories = 50
    fake_hash = "pbkdf2_sha256$1000$benchsalt$" + "A" * 43 + "="
    stamp = "2025-04-17T13:24:08.869Z"
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        first = True

        def emit(model: str, pk: int, fields: dict[str, object]) -> None:
            nonlocal first
            if not first:
                out.write(",\n")
            first = False
            out.write(json.dumps({"model": model, "pk": pk, "fields": fields}))

        for pk in range(1, users + 1):
            emit(
                "auth.user",
                pk,
                {
                    "password": fake_hash,
                    "last_login": None,
                    "is_superuser": pk == 1,
                    "username": f"user{pk}",
                    "first_name": "First",
                    "last_name": f"Last{pk}",
                    "email": f"user{pk}@example.com",
                    "is_staff": pk == 1,
                    "is_active": True,
                    "date_joined": stamp,
                    "groups": [],
                    "user_permissions": [],
                },
            )
        for pk in range(1, categories + 1):
            emit("shop.category", pk, {"name": f"Category {pk}", "image": "", "created_at": stamp})
        for pk in range(1, products + 1):
            emit(
                "shop.product",
                pk,
                {
                    "name": f"Product {pk}",
                    "description": "A product of the benchmark " * 3,
                    "price": f"{rng.randint(100, 999999) / 100:.2f}",
                    "image": "",
                    "category": rng.randint(1, categories),
                    "stock": rng.randint(0, 500),
                    "color": rng.choice(["Red", "Blue", "Black"]),
                    "size": rng.choice("SML"),
                    "average_rating": "0.00",
                    "created_at": stamp,
                },
            )
        pairs: set[tuple[int, int]] = set()
        pk = 0
        while pk < ratings:
            pair = (rng.randint(1, products), rng.randint(1, users))
            if pair in pairs:
                continue
            pairs.add(pair)
            pk += 1
            emit(
                "shop.rating",
                pk,
                {
                    "product": pair[0],
                    "user": pair[1],
                    "rating": rng.randint(1, 5),
                    "comment": "Fine",
                    "created_at": stamp,
                },
            )
        item_pk = 0
        for pk in range(1, orders + 1):
            emit(
                "shop.order",
                pk,
                {
                    "user": rng.randint(1, users),
                    "total_price": "0.00",
                    "status": "Delivered",
                    "shipping_address": "Somewhere 1",
                    "created_at": stamp,
                },
            )
            for _ in range(rng.randint(1, 4)):
                item_pk += 1
                emit(
                    "shop.orderitem",
                    item_pk,
                    {
                        "order": pk,
                        "product": rng.randint(1, products),
                        "quantity": 1,
                        "price": "10.00",
                    },
                )
        for pk in range(1, users // 2 + 1):
            emit("shop.cart", pk, {"user": pk, "created_at": stamp, "updated_at": stamp})
            emit(
                "shop.cartitem",
                pk,
                {
                    "cart": pk,
                    "product": rng.randint(1, products),
                    "quantity": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        out.write("\n]\n")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rerun", action="store_true", help="import a second time (no-op)")
    args = parser.parse_args()
    os.environ.update(BENCH_ENVIRONMENT)
    from chalicelib.local.emulator import free_ports

    port = free_ports(1)[0]
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    emulator = subprocess.Popen(
        [sys.executable, "-c", EMULATOR, str(port)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None and emulator.stdout.readline().strip() == "ready"
        urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=10).close()
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "dump.json"
            started = time.perf_counter()
            write_dump(dump, args.products, args.ratings, args.orders, args.users)
            print(f"dump: {dump.stat().st_size / 1e6:.0f} MB written in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
            from chalicelib.store.setup import create_bucket, create_tables
            from migration.importer import run_import

            create_tables()
            create_bucket()
            runs = 2 if args.rerun else 1
            for number in range(1, runs + 1):
                started = time.perf_counter()
                run_import(dump, None, progress=sys.stderr.isatty())
                elapsed = time.perf_counter() - started
                print(f"import #{number}: {elapsed:.0f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the importer: {peak:.0f} MB")
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
