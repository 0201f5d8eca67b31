"""One TransactWriteItems whose actions carry labels, and one reading of its outcome.

PynamoDB sends a transaction's actions grouped by kind (condition checks, deletes, puts,
updates) whatever order they were added in, and DynamoDB's cancellation reasons follow the
sent order. A ``UnitOfWork`` records each action's label in the group it is sent with, so
a cancellation is reported as the set of labels whose condition failed, whatever the order.

Outcomes:

- every condition held: the changes are committed together;
- another transaction held one of the items, or the table was throttled: ``WriteConflict``
  (nothing was written; ``services.contention.retried`` reads again and retries);
- some conditions failed: ``ConditionsFailed`` with their labels, which the caller turns
  into the domain's answer (a taken username, a record changed meanwhile, ...).

Records with a ``version`` attribute (PynamoDB's ``VersionAttribute``: users, carts,
categories, products, orders) are written on the version they were read at: ``put``,
``update`` and ``delete`` add that condition and the increment themselves, so no caller
can forget it (a record read without a version, written before versions existed, is
written on the condition that it still has none). ``adjust`` is for the counters kept on
such records (stock, rating sums, product counts, the images orders show): an ``ADD``
conditioned on its own rule, which neither needs nor moves the version, so a sale never
conflicts with a staff edit and an edit never has to wait for sales.

Single-item writes outside a transaction read their refusal with ``condition_failed``,
the one place that knows what DynamoDB calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.storage import ConditionsFailed, WriteConflict
from chalicelib.store.failures import cancelled_by_contention, error_code
from chalicelib.store.models import ShopModel, shared_connection

CONDITION_FAILED = "ConditionalCheckFailed"


def condition_failed(error: PynamoDBException) -> bool:
    """A single-item write (PutItem, UpdateItem, DeleteItem) refused by its condition."""
    return error_code(error) == "ConditionalCheckFailedException"


def leaving_version_alone[RecordT: ShopModel](record: RecordT) -> RecordT:
    """``record``, to be written without a version condition or increment: for counters
    and copies kept on a versioned record by other rules (see the module's docstring)."""
    # PynamoDB reads the version attribute's name from the record; None there turns its
    # version handling off for this one record.
    record._version_attribute_name = None
    return record


class UnitOfWork:
    """Stage labelled actions, then ``commit()`` them as one transaction."""

    def __init__(self) -> None:
        self._transaction = TransactWrite(connection=shared_connection())
        # Labels in the order PynamoDB sends each kind of action.
        self._checks: list[str] = []
        self._deletes: list[str] = []
        self._puts: list[str] = []
        self._updates: list[str] = []

    def check(
        self, label: str, model: type[ShopModel], key: Any, condition: Condition, **range_key: Any
    ) -> None:
        self._transaction.condition_check(model, key, range_key.get("range_key"), condition)
        self._checks.append(label)

    def put(self, label: str, record: ShopModel, condition: Condition | None = None) -> None:
        self._transaction.save(record, condition=condition)
        self._puts.append(label)

    def update(
        self,
        label: str,
        record: ShopModel,
        actions: list[Action],
        condition: Condition | None = None,
    ) -> None:
        self._transaction.update(record, actions=actions, condition=condition)
        self._updates.append(label)

    def adjust(
        self,
        label: str,
        record: ShopModel,
        actions: list[Action],
        rule: Condition | None = None,
    ) -> None:
        """An update of counters kept on the record, conditioned on their own ``rule``
        (``stock >= q`` ...), leaving the record's version alone."""
        self.update(label, leaving_version_alone(record), actions, rule)

    def delete(self, label: str, record: ShopModel, condition: Condition | None = None) -> None:
        self._transaction.delete(record, condition=condition)
        self._deletes.append(label)

    @property
    def empty(self) -> bool:
        return not (self._checks or self._deletes or self._puts or self._updates)

    def _sent_labels(self) -> list[str]:
        return [*self._checks, *self._deletes, *self._puts, *self._updates]

    def commit(self) -> None:
        if self.empty:
            return
        try:
            # The context manager's exit is PynamoDB's public way to commit (it also
            # advances the local version of each versioned record written).
            with self._transaction:
                pass
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            sent = self._sent_labels()
            failed = frozenset(
                sent[position]
                for position, reason in enumerate(reasons)
                if reason is not None and reason.code == CONDITION_FAILED and position < len(sent)
            )
            if failed:
                raise ConditionsFailed(failed) from error
            if cancelled_by_contention(error):
                raise WriteConflict() from error
            raise


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    """``with unit_of_work() as work: work.put(...)``: committed when the block ends
    without an exception, dropped otherwise."""
    work = UnitOfWork()
    yield work
    work.commit()
