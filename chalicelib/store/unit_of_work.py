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

Records with a ``version`` attribute (PynamoDB's ``VersionAttribute``) are written on the
version they were read at: ``put``, ``update`` and ``delete`` add that condition and the
increment themselves, so no caller can forget it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.store.conflicts import WriteConflict, lost_a_race
from chalicelib.store.failures import error_code
from chalicelib.store.models import ShopModel, bind_models, shared_connection

CONDITION_FAILED = "ConditionalCheckFailed"


class ConditionsFailed(Exception):
    """Nothing was written: the conditions of the actions labelled ``labels`` failed."""

    def __init__(self, labels: frozenset[str]) -> None:
        super().__init__(f"conditions failed: {sorted(labels)}")
        self.labels = labels


def condition_failed(error: PynamoDBException) -> bool:
    """A single-item write (PutItem, UpdateItem, DeleteItem) refused by its condition."""
    return error_code(error) == "ConditionalCheckFailedException"


class UnitOfWork:
    """Stage labelled actions, then ``commit()`` them as one transaction."""

    def __init__(self) -> None:
        bind_models()
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
            if lost_a_race(error):
                raise WriteConflict() from error
            raise


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    """``with unit_of_work() as work: work.put(...)``: committed when the block ends
    without an exception, dropped otherwise."""
    work = UnitOfWork()
    yield work
    work.commit()
