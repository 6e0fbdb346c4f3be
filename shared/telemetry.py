"""OpenTelemetry set-up, the same in every service.

Where spans go (`span_exporters`):
- `OTEL_EXPORTER_OTLP_ENDPOINT` set (a collector, Jaeger v2): OTLP/HTTP, nothing else;
- otherwise `<state>/traces/<service>.jsonl` (size-rotated, a few files kept), one span
  per line, which `chidao trace TRACE_ID` reads back as a tree, offline;
- and, with `OTEL_EXPORTER_ZIPKIN_ENDPOINT` set (the local stack sets it to its Zipkin),
  Zipkin JSON v2 as well: the trace UI at http://127.0.0.1:9411/zipkin/.

Spans come from FastAPI (the HTTP request), SQLAlchemy (one per SQL statement, with
`db.system` and `db.statement`), httpx (the token verifier's calls to the identity
provider) and our own messaging spans (`shared.messaging`: `publish <type>` by the
relay, `consume <type>` by the consumer, with the messaging semantic attributes). The
aiokafka and asyncpg instrumentations are not used: the first would add a second span
per hop beside ours (which carry the event type and the outbox's traceparent), the
second a second span per statement under SQLAlchemy's. Database statements outside any
trace (the relay's poll every second, readiness probes, migrations) and SQLAlchemy's
"connect" spans are dropped (`DatabaseNoise`): they would bury the traces that matter.

The W3C `traceparent` is what crosses process boundaries: stored with each outbox row,
sent as a Kafka header, read by the consumer to parent its span.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.rotating_file import RotatingTextFile

SQLALCHEMY_SCOPE = "opentelemetry.instrumentation.sqlalchemy"
# The statement attribute, in the old and the stable database conventions.
_STATEMENT_KEYS = ("db.statement", "db.query.text")

_propagator = TraceContextTextMapPropagator()


class JsonLinesExporter(SpanExporter):
    """Appends finished spans to a size-rotated file, one per service."""

    def __init__(self, path: Path) -> None:
        self._out = RotatingTextFile(path)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(_span_record(s), ensure_ascii=False) for s in spans]
        self._out.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._out.close()


def _span_record(span: ReadableSpan) -> dict[str, object]:
    ctx = span.get_span_context()
    assert ctx is not None
    return {
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "service": span.resource.attributes.get("service.name"),
        "start": span.start_time,
        "end": span.end_time,
        "status": span.status.status_code.name,
        "attributes": {k: str(v) for k, v in (span.attributes or {}).items()},
    }


class DatabaseNoise(SpanProcessor):
    """Passes finished spans to `delegate`, but SQLAlchemy's spans only when they are a
    statement inside a trace: its "connect" spans and statements run outside any
    request, event or job would be thousands of one-span traces an hour."""

    def __init__(self, delegate: SpanProcessor) -> None:
        self.delegate = delegate

    def on_start(self, span: Span, parent_context: context.Context | None = None) -> None:
        self.delegate.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        if keep(span):
            self.delegate.on_end(span)

    def shutdown(self) -> None:
        self.delegate.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.delegate.force_flush(timeout_millis)


def keep(span: ReadableSpan) -> bool:
    scope = span.instrumentation_scope
    if scope is None or scope.name != SQLALCHEMY_SCOPE:
        return True
    attributes = span.attributes or {}
    return span.parent is not None and any(k in attributes for k in _STATEMENT_KEYS)


def span_exporters(
    service: str, state_dir: Path, otlp_endpoint: str | None, zipkin_endpoint: str | None
) -> list[SpanExporter]:
    """OTLP alone when configured; else the JSON-lines files, and Zipkin when given."""
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return [OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")]
    exporters: list[SpanExporter] = [JsonLinesExporter(state_dir / "traces" / f"{service}.jsonl")]
    if zipkin_endpoint:
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        exporters.append(ZipkinExporter(endpoint=zipkin_endpoint, timeout=5))
    return exporters


def setup_tracing(
    service: str,
    state_dir: Path,
    otlp_endpoint: str | None,
    zipkin_endpoint: str | None = None,
) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": f"chidao-{service}"}))
    for exporter in span_exporters(service, state_dir, otlp_endpoint, zipkin_endpoint):
        processor = BatchSpanProcessor(exporter, schedule_delay_millis=500)
        provider.add_span_processor(DatabaseNoise(processor))
    trace.set_tracer_provider(provider)
    return provider


def instrument_libraries() -> None:
    """SQLAlchemy (every engine created from now on) and httpx, once per process.

    Engines must be created through `sqlalchemy.ext.asyncio.create_async_engine` looked
    up at call time (as `shared.db` does): the instrumentation wraps that attribute."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    sqlalchemy = SQLAlchemyInstrumentor()
    if not sqlalchemy.is_instrumented_by_opentelemetry:
        # Its declared range stops below SQLAlchemy 2.1, which it otherwise serves as is
        # (engine events, unchanged in 2.1); tests/stack/test_observability.py checks
        # that every statement is a span with db.system and db.statement.
        sqlalchemy.instrument(skip_dep_check=True)
    httpx = HTTPXClientInstrumentor()
    if not httpx.is_instrumented_by_opentelemetry:
        httpx.instrument()


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def traceparent_of(span: trace.Span) -> str | None:
    """The traceparent of a span that is not the current one."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> context.Context:
    if not traceparent:
        return context.Context()
    return _propagator.extract({"traceparent": traceparent})


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


class TraceIdFilter(logging.Filter):
    """Puts the current trace id on every log record, for structured logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = current_trace_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "trace_id": getattr(record, "trace_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(service: str, level: str) -> None:
    """Structured (JSON-lines) logs on stderr, each with the trace id."""
    handler = logging.StreamHandler()
    handler.addFilter(TraceIdFilter())
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
