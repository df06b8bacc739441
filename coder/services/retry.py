"""Retrying a whole unit of work after a passing conflict (lock, serialization failure).

:meth:`coder.db.engine.Store.write` already waits for the write lock; this is for work that can
fail later in its transaction, e.g. a PostgreSQL serialization failure or deadlock, where the
only correct recovery is to run the whole unit of work again from the start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from coder.db.engine import WRITE_LOCK_PATIENCE_S, backoff_delays, is_transient
from coder.errors import CoderError

T = TypeVar("T")


class BusyError(CoderError):
    """The database stayed busy for longer than the retry patience."""


def retry_transient(
    work: Callable[[], T],
    *,
    patience: float = WRITE_LOCK_PATIENCE_S,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work()`` (one complete transaction), again after each transient failure.

    ``work`` must be safe to repeat: it opens its own transaction, so a failed attempt left
    nothing behind. After ``patience`` seconds a :class:`BusyError` says so in one line.
    """
    delays = backoff_delays(patience=patience)
    while True:
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            delay = next(delays, None)
            if delay is None:
                raise BusyError(
                    f"the project database stayed busy for {patience:.0f} s; try again"
                ) from None
            sleep(delay)
