"""Request ids: one per request, on its response and in every log line written while serving it.

The id lives in a context variable, so it follows the request through awaits and into
`asyncio.to_thread`, and a logging filter copies it onto every record as `request_id`
(a custom dimension in Application Insights, a column in the local host's log format).
"""

import contextlib
import contextvars
import logging
import re
import uuid
from collections.abc import Iterator

HEADER = "X-Request-Id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{1,128}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def accept_or_new(sent: str | None) -> str:
    """The client's own id when it is 1 to 128 characters of A-Za-z0-9._-, else a new one."""
    if sent is not None and _ACCEPTED.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def current() -> str:
    """The id of the request being served, or "-" outside any request."""
    return _current.get()


@contextlib.contextmanager
def scope(request_id: str) -> Iterator[str]:
    """Everything logged inside carries `request_id`."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request id (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def install() -> None:
    """Put the filter on every handler of the root logger, and on any handler added later.

    A filter on a logger does not see records its children propagate, so the filter goes on
    the handlers; the record factory covers handlers installed after start-up (the
    Functions worker's, OpenTelemetry's).
    """
    request_filter = RequestIdFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(request_filter)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "stamps_request_id", False):
        return

    def stamped(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = _current.get()
        return record

    stamped.stamps_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(stamped)
