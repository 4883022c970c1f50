"""Voting codes stay out of the server's access log: the letter's QR code opens `/vote?code=…`, and uvicorn
logs every request's path with its query string. A code is a title's credential to vote, so the log keeps
the request and drops the code's value."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_CODE = re.compile(r"([?&]code=)[^&#\s]*")


def redact(path: str) -> str:
    return _CODE.sub(r"\1[redacted]", path)


class RedactVotingCodes(logging.Filter):
    """uvicorn's access record is `'%s - "%s %s HTTP/%s" %d'` over (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 2 and isinstance(args[2], str) and "code=" in args[2]:
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """Filter the access logger (once, however many apps a process creates)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactVotingCodes) for f in logger.filters):
        logger.addFilter(RedactVotingCodes())
