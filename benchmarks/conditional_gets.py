"""Repeated public reads: how many are answered ``304 Not Modified`` and what each costs.

A client (or CloudFront revalidating a stale entry) that repeats a catalog read sends the
``ETag`` it was given as ``If-None-Match``. Every repeat of an unchanged resource must be
a 304 without a body, and cost no more DynamoDB calls than the read itself: the ETag is
derived from what the read found, so the answer needs that read and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.call_counter import EmulatorCallCounter

GOAL_RATE = 1.0  # every repeat of an unchanged public read


@dataclass(frozen=True)
class Repeat:
    path: str
    first_status: int
    first_calls: int
    repeat_status: int
    repeat_calls: int
    repeat_body_bytes: int

    @property
    def not_modified(self) -> bool:
        return self.repeat_status == 304 and self.repeat_body_bytes == 0

    @property
    def within_budget(self) -> bool:
        return self.not_modified and self.repeat_calls <= self.first_calls


def public_reads(product_id: int, category_id: int) -> list[str]:
    return [
        f"/api/products/{product_id}/",
        f"/api/categories/{category_id}/",
        "/api/categories/",
        "/api/products/?limit=20",
        f"/api/categories/{category_id}/products/?limit=20",
        f"/api/ratings/?product={product_id}",
    ]


def measure_repeats(emulator_url: str, product_id: int, category_id: int) -> list[Repeat]:
    """Each public read, then the same read carrying its ETag, through the whole app."""
    from chalice.test import Client

    from app import app

    counter = EmulatorCallCounter(emulator_url)
    repeats = []
    with Client(app, stage_name="test") as client:
        for path in public_reads(product_id, category_id):
            counter.start()
            first = client.http.get(path)
            first_calls = sum(counter.stop().values())
            etag = first.headers.get("ETag") or first.headers.get("etag") or ""
            counter.start()
            repeat = client.http.get(path, headers={"If-None-Match": etag})
            repeat_calls = sum(counter.stop().values())
            repeats.append(
                Repeat(
                    path,
                    first.status_code,
                    first_calls,
                    repeat.status_code,
                    repeat_calls,
                    len(repeat.body or b""),
                )
            )
    return repeats


def rate(repeats: list[Repeat]) -> float:
    return sum(repeat.not_modified for repeat in repeats) / len(repeats) if repeats else 0.0


def report(repeats: list[Repeat]) -> list[str]:
    lines = [f"  {'public read':<46} {'first':>12} {'repeat with its ETag':>24}"]
    for repeat in repeats:
        first = f"{repeat.first_status}, {repeat.first_calls} calls"
        again = f"{repeat.repeat_status}, {repeat.repeat_calls} calls"
        lines.append(f"  {repeat.path:<46} {first:>12} {again:>24}")
    return lines
