"""Structured logs: one JSON object per line, each carrying the id of the request that wrote
it, so that one query in CloudWatch Logs Insights finds everything a request logged.

Only what the code passes is logged: no headers, bodies or cookies, hence no tokens.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)

# Attributes every LogRecord has; any other attribute came from ``extra=`` and is a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id.get(),
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging() -> None:
    """Send the ``shop`` loggers (``shop.access`` included) to stdout as JSON lines.

    They do not propagate: in Lambda the root logger's handler would add a second,
    plain-text copy of every line.
    """
    logger = logging.getLogger("shop")
    if logger.handlers:
        return
    # Libraries' INFO lines that say nothing about a request: PynamoDB's, on import, that
    # it found no settings file, and botocore's, on each new session, where it found the
    # credentials. `chalice local` shows every INFO line of the root logger.
    for noisy in ("pynamodb.settings", "botocore.credentials"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
