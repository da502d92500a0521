"""Structured JSON log lines for production, with personal data kept out.

Only the logger, level, time and message are written, and the message is scrubbed: query strings (search terms, names)
are dropped from anything that looks like a path, and NHS-number-like digit runs and email addresses are masked. The
audit trail, not the log, is where who-saw-what lives.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_NHS_LIKE = re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(message: str) -> str:
    message = _NHS_LIKE.sub("[number removed]", message)
    message = _EMAIL.sub("[email removed]", message)
    return _QUERY.sub(r"\1?[query removed]", message)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            # The exception type only: tracebacks can carry local variables' values into the message.
            line["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return json.dumps(line, sort_keys=True)
