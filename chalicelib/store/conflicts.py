"""The one "lost a race" error of the store."""

from __future__ import annotations


class WriteConflict(Exception):
    """What the write was based on changed before it landed (another write came first, or
    held one of the items at the same moment); nothing was written. The use case reads
    again and retries (``services.contention.retried``)."""
