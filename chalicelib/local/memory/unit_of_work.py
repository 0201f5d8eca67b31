"""The in-memory unit of work: labelled actions staged, then committed all or nothing.

As in the DynamoDB store's ``UnitOfWork``, each action has a label and a condition; the
commit is one call (``TransactWriteItems``) that checks every condition first, under the
store's lock, and raises ``ConditionsFailed`` with the labels of those that failed and
writes nothing, or applies every action. Repository functions named ``stage_*`` add
their actions to a unit of work the use case passes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chalicelib.domain.storage import ConditionsFailed
from chalicelib.local.memory.core import call


def always() -> bool:
    return True


@dataclass(frozen=True)
class _Action:
    label: str
    holds: Callable[[], bool]
    apply: Callable[[], None]


class UnitOfWork:
    def __init__(self) -> None:
        self._actions: list[_Action] = []

    def stage(
        self, label: str, apply: Callable[[], None], holds: Callable[[], bool] = always
    ) -> None:
        """Add an action: ``apply`` runs at commit if every staged ``holds`` is true."""
        self._actions.append(_Action(label, holds, apply))

    def check(self, label: str, holds: Callable[[], bool]) -> None:
        """A condition on an item the transaction does not write (a ConditionCheck)."""
        self.stage(label, lambda: None, holds)

    @property
    def empty(self) -> bool:
        return not self._actions

    def commit(self) -> None:
        if self.empty:
            return
        with call("TransactWriteItems"):
            failed = frozenset(action.label for action in self._actions if not action.holds())
            if failed:
                raise ConditionsFailed(failed)
            for action in self._actions:
                action.apply()


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    """``with unit_of_work() as work: ...``: committed when the block ends without an
    exception, dropped otherwise."""
    work = UnitOfWork()
    yield work
    work.commit()
