"""One trace across services, with OpenTelemetry, configured only by the standard ``OTEL_*``
variables (off when none is set).

- HTTP server spans (FastAPI) and database spans (SQLAlchemy);
- the outbox row and the CloudEvent carry the W3C ``traceparent`` of the change that recorded
  the event (the CloudEvents distributed-tracing extension), and the relay sends it as an AMQP
  header too;
- a consumer continues the trace of the event it applies, so what it records carries it on.
"""

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context, propagate, trace

log = logging.getLogger("epurchasing.tracing")
tracer = trace.get_tracer("epurchasing")

_ENABLING = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracing_wanted(environ: dict[str, str] | None = None) -> bool:
    """Whether the operator asked for traces: an OTLP endpoint or a traces exporter, and the
    SDK not disabled."""
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "")
    return any(env.get(name) for name in _ENABLING) or exporter not in ("", "none")


def configure_tracing(service: str) -> bool:
    """Install the SDK's tracer provider with an OTLP exporter when wanted; True if so. The
    exporter reads ``OTEL_EXPORTER_OTLP_*``, the resource ``OTEL_SERVICE_NAME`` and
    ``OTEL_RESOURCE_ATTRIBUTES``; the service name defaults to the service's own."""
    if not tracing_wanted():
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", service)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    log.info("traces exported over OTLP as service %s", service)
    return True


def sdk_provider_installed() -> bool:
    """Whether the SDK's tracer provider is the global one. The SDK is imported only where a
    provider is made (:func:`configure_tracing`, a test's): while it is not imported, no
    provider of its can be installed, and it is not imported just to ask (with the
    instrumentations, ~60 modules and ~4 MB)."""
    sdk = sys.modules.get("opentelemetry.sdk.trace")
    return sdk is not None and isinstance(trace.get_tracer_provider(), sdk.TracerProvider)


def instrument_app(app: Any, engine: Any) -> None:
    """HTTP server spans for the app, database spans for its engine and for the statements
    sent to the driver directly (no-ops without a provider; the instrumentations are imported
    only then)."""
    if not sdk_provider_installed():
        return  # tracing is off: no per-request or per-statement cost at all
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    from epurchasing_shared import direct

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    # The statements sent to the driver directly bypass the engine's events: their own spans.
    direct.tracer = trace.get_tracer("epurchasing_shared.direct")
    instrumentor = SQLAlchemyInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        return  # engines created since are instrumented by its create_engine wrapper
    # Its declared range stops before SQLAlchemy 2.1; it hooks the engine events, which 2.1
    # keeps, so the check is skipped (tests/integration show the database spans).
    instrumentor.instrument(engine=engine.sync_engine, skip_dep_check=True)


@contextmanager
def suppress_instrumentation() -> Iterator[None]:
    """No spans for what runs inside (a readiness probe, a metrics scrape): OpenTelemetry's
    ``suppress_instrumentation``. Without the SDK every tracer is the API's no-op one and
    nothing is recorded either way, so the instrumentation package is imported only once the
    SDK is."""
    if "opentelemetry.sdk" not in sys.modules:
        yield
        return
    from opentelemetry.instrumentation.utils import suppress_instrumentation as suppressed

    with suppressed():
        yield


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the span in progress, if any."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def current_trace_id() -> str | None:
    span = trace.get_current_span().get_span_context()
    return format(span.trace_id, "032x") if span.is_valid else None


@contextmanager
def continuing(traceparent: str | None, name: str, **attributes: Any) -> Iterator[None]:
    """A consumer span that continues the trace of the event being applied."""
    parent = propagate.extract({"traceparent": traceparent}) if traceparent else None
    token = context.attach(parent) if parent is not None else None
    try:
        with tracer.start_as_current_span(
            name, kind=trace.SpanKind.CONSUMER, attributes=attributes
        ):
            yield
    finally:
        if token is not None:
            context.detach(token)
