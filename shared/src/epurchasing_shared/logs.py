"""One logging set-up for every service, on the standard library with structlog's formatter.

Every line has a timestamp (UTC), level, service, logger and message, plus the request id,
procurement id, event id and trace id where known (:mod:`.log_context`, the current span);
readable console lines under ``make run`` (``LOG_FORMAT=console``), one JSON object a line in
containers (``LOG_FORMAT=json``). Bearer tokens are scrubbed from every line; SQL parameters
never reach a line (engines run with ``hide_parameters``); request bodies are never logged.
"""

import logging
import re
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from epurchasing_shared import log_context
from epurchasing_shared.tracing import current_trace_id

TOKEN = re.compile(r"(Bearer\s+)?eyJ[\w-]+\.[\w-]+\.[\w-]*")


def _context(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key, value in log_context.current().items():
        event.setdefault(key, str(value))
    trace_id = current_trace_id()
    if trace_id:
        event.setdefault("trace_id", trace_id)
    return event


def _scrub(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key, value in event.items():
        if isinstance(value, str) and "eyJ" in value:
            event[key] = TOKEN.sub("[token]", value)
    return event


def configure_logging(
    service: str, *, json: bool = False, level: str = "INFO", stream: TextIO | None = None
) -> None:
    """Route every logger (ours, uvicorn's, FastStream's) through one handler."""

    def _service(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event.setdefault("service", service)
        return event

    chain: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _service,
        _context,
    ]
    # Tracebacks without local variables: a frame's locals hold SQL parameters, request
    # values and connection settings (and rendering them is slow).
    renderer: list[Any] = (
        [
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            _scrub,
            structlog.processors.EventRenamer("message"),
            structlog.processors.JSONRenderer(),
        ]
        if json
        else [
            _scrub,
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            ),
        ]
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "alembic"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
