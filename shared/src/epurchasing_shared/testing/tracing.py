"""One in-memory span exporter for the whole test process (a tracer provider can be set
only once per process, so every test that looks at spans shares this one)."""

from functools import cache

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@cache
def memory_exporter() -> InMemorySpanExporter:
    """Install the SDK provider with an in-memory exporter (once) and return the exporter."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


def trace_id_of(traceparent: str) -> str:
    """The trace id of a W3C ``traceparent`` (``00-<trace id>-<span id>-<flags>``)."""
    return traceparent.split("-")[1]
