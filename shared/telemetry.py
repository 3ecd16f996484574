"""Traces and metrics through OpenTelemetry: Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING
is set, the console or an OTLP endpoint locally (BOOKME_TRACES), and nothing otherwise.

Nothing of OpenTelemetry is imported until `configure` finds it wanted, so a cold start without
telemetry pays no import. Every helper here is a no-op until then. The metrics are listed in
METRICS and documented in docs/operations.md. Spans and metric attributes never carry personal
data: ids, kinds and counts only.
"""

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from shared import request_ids
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

# name: (kind, unit, description). Kinds: counter, histogram.
METRICS: dict[str, tuple[str, str, str]] = {
    "bookme.bookings": ("counter", "{meeting}", "Meetings created, rescheduled or cancelled (attribute action)."),
    "bookme.conflicts": ("counter", "{request}", "Requests answered 409 (attribute operation)."),
    "bookme.reservation_expiries": ("counter", "{reservation}", "Expired reservations removed by the timer."),
    "bookme.notification_lag": ("histogram", "s", "From enqueue to the e-mail sent (attribute kind)."),
    "bookme.webhook_lag": ("histogram", "s", "From the meeting change to the webhook delivered."),
    "bookme.cosmos_retries": ("counter", "{retry}", "Cosmos DB requests retried after 429/503 (attribute status)."),
}
REQUEST_ID_PROPERTY = "x-request-id"

_state: dict[str, Any] = {"on": False, "tracer": None, "meter": None, "instruments": {}}


def configure(settings: Settings | None = None) -> None:
    """Call once at start-up: request ids in every log record, then telemetry if configured."""
    request_ids.install()
    settings = settings or get_settings()
    if _state["on"]:
        return
    if settings.APPLICATIONINSIGHTS_CONNECTION_STRING:
        from azure.monitor.opentelemetry import configure_azure_monitor

        # Also enables azure-core tracing, so Cosmos, Service Bus and ACS calls are spans.
        configure_azure_monitor(connection_string=settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
                                credential=_entra_credential(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING))
    elif settings.BOOKME_TRACES in ("console", "otlp"):
        _configure_local(settings.BOOKME_TRACES)
    else:
        return
    from opentelemetry import metrics, trace

    _state.update(on=True, tracer=trace.get_tracer("bookme"), meter=metrics.get_meter("bookme"))
    log.info("Telemetry on (%s)", "Azure Monitor" if settings.APPLICATIONINSIGHTS_CONNECTION_STRING
             else settings.BOOKME_TRACES)


def _entra_credential(authentication: str) -> Any:
    """The managed identity that APPLICATIONINSIGHTS_AUTHENTICATION_STRING names: Application
    Insights is deployed with local (key) authentication disabled, so ingestion needs Entra ID."""
    parts = dict(part.split("=", 1) for part in authentication.split(";") if "=" in part)
    if parts.get("Authorization", "").upper() != "AAD":
        return None
    from azure.identity import ManagedIdentityCredential

    return ManagedIdentityCredential(client_id=parts.get("ClientId") or None)


def _configure_local(kind: str) -> None:
    from azure.core.settings import settings as azure_settings
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if kind == "otlp":  # OTEL_EXPORTER_OTLP_ENDPOINT says where, as the exporters read it
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        spans, readings = OTLPSpanExporter(), OTLPMetricExporter()
    else:
        from opentelemetry.sdk.metrics.export import ConsoleMetricExporter
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        spans, readings = ConsoleSpanExporter(), ConsoleMetricExporter()
    resource = Resource.create({"service.name": "bookme"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(spans))
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[
        PeriodicExportingMetricReader(readings, export_interval_millis=60_000)]))
    azure_settings.tracing_implementation = "opentelemetry"


def enabled() -> bool:
    return _state["on"]


def _instrument(name: str) -> Any:
    instruments = _state["instruments"]
    if name not in instruments:
        kind, unit, description = METRICS[name]
        create = _state["meter"].create_counter if kind == "counter" else _state["meter"].create_histogram
        instruments[name] = create(name, unit=unit, description=description)
    return instruments[name]


def count(name: str, amount: int = 1, **attributes: str) -> None:
    """Add to one of the counters in METRICS."""
    if amount and _state["on"]:
        _instrument(name).add(amount, attributes)


def measure(name: str, value: float, **attributes: str) -> None:
    """Record a value of one of the histograms in METRICS."""
    if _state["on"]:
        _instrument(name).record(value, attributes)


def _carrier(properties: Mapping[Any, Any]) -> dict[str, str]:
    # Service Bus hands application properties over with bytes keys and values.
    def text(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    return {text(k).lower(): text(v) for k, v in properties.items()}


@contextlib.contextmanager
def span(name: str, parent: Mapping[Any, Any] | None = None, server: bool = False,
         **attributes: Any) -> Iterator[Any]:
    """A span around a block, child of the current one or of the trace context in `parent`
    (incoming headers, or a queue message's application properties). Yields the span (None
    when telemetry is off). Attributes: ids, kinds and counts only."""
    if not _state["on"]:
        yield None
        return
    from opentelemetry import propagate, trace

    context = propagate.extract(_carrier(parent)) if parent else None
    kind = trace.SpanKind.SERVER if server else trace.SpanKind.INTERNAL
    with _state["tracer"].start_as_current_span(name, context=context, kind=kind, attributes={
            "bookme.request_id": request_ids.current(), **attributes}) as current:
        yield current


def message_properties() -> dict[str, str]:
    """Application properties for an outgoing queue message: the request id, and the current
    trace context (W3C traceparent/tracestate) when tracing, so the e-mail sent from it
    correlates with the booking that queued it."""
    properties = {REQUEST_ID_PROPERTY: request_ids.current()}
    if _state["on"]:
        from opentelemetry import propagate

        propagate.inject(properties)
    return properties


def message_request_id(properties: Mapping[Any, Any] | None) -> str:
    """The request id a queue message carries, else a new one."""
    return request_ids.accept_or_new(_carrier(properties or {}).get(REQUEST_ID_PROPERTY))


@contextlib.contextmanager
def message_scope(name: str, properties: Mapping[Any, Any] | None, **attributes: Any) -> Iterator[Any]:
    """Handling one queue message: logged under the request id it carries and traced as a child
    of the trace that queued it, so a booking and its e-mail or webhook correlate."""
    properties = properties or {}
    with request_ids.scope(message_request_id(properties)), span(name, parent=properties, **attributes) as current:
        yield current
