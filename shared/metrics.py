"""Service metrics: throughput, consumer lag, outbox backlog, dead letters.

OpenTelemetry metrics, exported by OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set,
otherwise appended every 15 s to `<state>/metrics/<service>.jsonl` (size-rotated, see
`shared/rotating_file.py`). The same numbers
are in `GET /health`, for a person or a probe. Lag and backlog are sampled by a
background job (`Gauges.sample`), because they need I/O and the SDK's observable
callbacks are synchronous.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, cast

from aiokafka import AIOKafkaConsumer, TopicPartition
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource

from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.rotating_file import RotatingTextFile

log = logging.getLogger(__name__)
meter = metrics.get_meter("chidao")

published = meter.create_counter("chidao.outbox.published", description="Events sent to Kafka")
handled = meter.create_counter("chidao.consumer.handled", description="Events handled")
set_aside = meter.create_counter(
    "chidao.outbox.set_aside", description="Outbox rows the broker kept refusing, set aside"
)
dead_lettered = meter.create_counter(
    "chidao.consumer.dead_lettered", description="Messages sent to the dead-letter topic"
)
report_build_seconds = meter.create_histogram(
    "chidao.report.build", unit="s", description="Time to build one annual report"
)


def setup_metrics(service: str, state_dir: Path, otlp_endpoint: str | None) -> MeterProvider:
    exporter: MetricExporter
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/metrics")
    else:
        out = RotatingTextFile(state_dir / "metrics" / f"{service}.jsonl")
        exporter = ConsoleMetricExporter(
            out=cast(IO[str], out), formatter=lambda data: data.to_json(indent=None) + "\n"
        )
    provider = MeterProvider(
        resource=Resource.create({"service.name": f"chidao-{service}"}),
        metric_readers=[PeriodicExportingMetricReader(exporter, export_interval_millis=15000)],
    )
    metrics.set_meter_provider(provider)
    return provider


class Gauges:
    """Last sampled outbox backlog and consumer lag, observed by the SDK."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.backlog = 0
        self.lag = 0
        meter.create_observable_gauge(
            "chidao.outbox.backlog", [self._observe_backlog], description="Unpublished rows"
        )
        meter.create_observable_gauge(
            "chidao.consumer.lag", [self._observe_lag], description="Messages not yet handled"
        )

    def _observe_backlog(self, _: CallbackOptions) -> Iterable[Observation]:
        yield Observation(self.backlog)

    def _observe_lag(self, _: CallbackOptions) -> Iterable[Observation]:
        yield Observation(self.lag)


async def consumer_lag(kafka: KafkaAccess, group: str, topics: Sequence[str]) -> int:
    """End offsets minus the group's committed offsets, over the topics it reads."""
    if not topics:
        return 0
    client = AIOKafkaConsumer(**client_kwargs(kafka), group_id=group, enable_auto_commit=False)
    await client.start()
    try:
        await client._client.force_metadata_update()
        tps = [TopicPartition(t, p) for t in topics for p in client.partitions_for_topic(t) or ()]
        if not tps:
            return 0
        ends = await client.end_offsets(tps)
        lag = 0
        for tp in tps:
            committed = await client.committed(tp)
            lag += ends[tp] - (committed or 0)
        return lag
    finally:
        await client.stop()
