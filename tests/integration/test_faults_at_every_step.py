"""Faults at every step of checkout, injected into botocore: with each of its AWS calls
failing in turn, checkout answers as the contract says and leaves nothing half-written.

The walk over the in-memory store (tests/services/test_faults_at_every_step.py) takes
every multi-step use case through a fault at each of its store calls. This one keeps what
only botocore shows, for checkout, the use case with the most at stake: faults injected
under botocore's retry handler (``faults.py``), every kind at every step, also as a fault
of the first attempt only (which botocore's own retry absorbs), and a transaction whose
answer was lost, which botocore's retry with the same ``ClientRequestToken`` replays.

The test first counts the DynamoDB and S3 calls checkout makes, then runs it again from
the same starting data once per step and fault. Every answer must be a success
(botocore's retry, or the use case's own, got through) or the contract's 503 with
``Retry-After``; and afterwards nothing may be half-written
(``fault_walk.half_written``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chalice.test import Client
from emptied import empty_store, saved_store
from fault_walk import (
    CHECKOUT,
    Shop,
    Stored,
    UseCase,
    answered_by_the_contract,
    half_written,
    open_shop,
)
from faults import EVERY_FAULT, Fault, FaultInjector, aws_faults, once
from helpers import Api

__all__ = ["aws_faults"]  # the fixture, used by name

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"} | {
    "PutObject",
    "DeleteObject",
}


def stored_in_the_emulator() -> Stored:
    """What the emulator's tables and bucket hold, read from its memory (it runs in this
    process): the items a Scan of each table would return, without a Scan's requests."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    from chalicelib.config import get_settings
    from chalicelib.store.models import ShopModel
    from chalicelib.store.models.accounts import LookupRecord, UserRecord
    from chalicelib.store.models.catalog import CategoryRecord, ProductRecord
    from chalicelib.store.models.orders import OrderRecord
    from chalicelib.store.models.ratings import RatingRecord

    settings = get_settings()
    tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.aws_region].tables

    def records[RecordT: ShopModel](model: type[RecordT]) -> list[RecordT]:
        items = tables[model.Meta.table_name].all_items()
        return [model.from_raw_data(item.to_json()["Attributes"]) for item in items]

    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[settings.media_bucket]
    return Stored(
        categories=records(CategoryRecord),
        products=records(ProductRecord),
        orders=records(OrderRecord),
        ratings=records(RatingRecord),
        users={int(user.id): user for user in records(UserRecord)},
        claims={
            lookup.key: int(lookup.user_id)
            for lookup in records(LookupRecord)
            if lookup.key.startswith(("username#", "email#"))
        },
        objects=set(bucket.keys),
    )


@pytest.fixture
def prepared(emulator: Any, aws_faults: FaultInjector) -> Iterator[Callable[[UseCase], Shop]]:
    """A function that prepares a use case's data from empty tables and bucket, and saves
    it: ``shop.restore()`` puts it back before each run."""
    from app import app

    with Client(app, stage_name="test") as client:

        def prepare(use_case: UseCase) -> Shop:
            empty_store(emulator)
            shop = open_shop(Api(client))
            use_case.prepare(shop)
            shop.restore = saved_store()
            return shop

        yield prepare


def faults_of_step(service: str, operation: str) -> list[Fault]:
    """Every fault that fits the call; for a write also as a fault of its first attempt
    only (a read that botocore retried changes nothing)."""
    fitting = [fault for fault in EVERY_FAULT if fault.hits(service, operation)]
    retried_by_botocore = [once(fault) for fault in fitting] if operation in WRITES else []
    return fitting + retried_by_botocore


def test_a_fault_at_any_checkout_step_is_answered_by_the_contract_and_leaves_nothing_half_written(
    prepared: Callable[[UseCase], Shop],
    aws_faults: FaultInjector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shop = prepared(CHECKOUT)
    with aws_faults.counting() as steps:
        reply = CHECKOUT.run(shop)
    assert 200 <= reply.status < 300, reply.body
    assert half_written(stored_in_the_emulator()) == []
    assert steps, "the use case made no AWS call"

    failures, unavailable = [], 0
    for step in list(steps):
        for fault in faults_of_step(step.service, step.operation):
            shop.restore()
            caplog.clear()
            with aws_faults.failing(step.number, fault):
                reply = CHECKOUT.run(shop)
            assert aws_faults.fired, f"{fault} at {step} never fired: the calls changed"
            logged = f"could not delete orphaned image {step.object_key}"
            is_logged = step.operation == "DeleteObject" and logged in caplog.text
            orphans = [step.object_key] if is_logged and step.object_key else []
            problems = half_written(stored_in_the_emulator(), orphans)
            if not answered_by_the_contract(reply):
                problems.append(f"answered {reply.status} {reply.body}")
            if problems:
                failures.append(f"{fault} at {step}: {'; '.join(problems)}")
            unavailable += reply.status == 503
    assert not failures, "\n".join(failures)
    assert unavailable, "no fault reached the caller: are they injected?"
