"""Service metrics, served as Prometheus text at `GET /metrics` on the service's own port.

OpenTelemetry instruments (below), read by the OpenTelemetry Prometheus exporter into a
`prometheus_client` registry of the process, which the route renders (`render`); with
`OTEL_EXPORTER_OTLP_ENDPOINT` set they are pushed by OTLP/HTTP as well. FastAPI's
instrumentation adds the request metrics (`http_server_duration_milliseconds`...), and
SQLAlchemy's the connection pool's.

What is sampled rather than counted (the outbox backlog, the consumer lag, whether this
instance's relay is the active one) is set by the runtime's sampling job every 10 s
(`ServiceRuntime.sample`): it needs I/O, which the SDK's synchronous callbacks cannot do.
The lag is per partition (`LagSampler`): the partition's end offset minus the group's
committed offset, through one Kafka admin client kept open between samples.

Prometheus names: dots become underscores, counters end in `_total`, a histogram in
seconds in `_seconds_bucket/_sum/_count` (e.g. `chidao.consumer.handled` is
`chidao_consumer_handled_total`). `deploy/observability/` has the alert rules and a
Grafana dashboard over these names; a unit test checks that they name exported metrics.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code
from aiokafka.protocol.offset import OffsetRequest
from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Counter, Histogram, Meter
from opentelemetry.metrics import _Gauge as Gauge  # the API exports the synchronous gauge so
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from shared.messaging.kafka_client import KafkaAccess, client_kwargs


@dataclass(frozen=True)
class Instruments:
    published: Counter
    handled: Counter
    set_aside: Counter
    dead_lettered: Counter
    outbox_backlog: Gauge
    relay_active: Gauge
    consumer_lag: Gauge
    report_build: Histogram


def define(meter: Meter) -> Instruments:
    """Every instrument of the platform, on `meter` (the tests define them on a meter of
    their own to see the names Prometheus gets)."""
    return Instruments(
        published=meter.create_counter(
            "chidao.outbox.published", description="Events sent to Kafka"
        ),
        handled=meter.create_counter("chidao.consumer.handled", description="Events handled"),
        set_aside=meter.create_counter(
            "chidao.outbox.set_aside", description="Outbox rows the broker kept refusing, set aside"
        ),
        dead_lettered=meter.create_counter(
            "chidao.consumer.dead_lettered", description="Messages sent to the dead-letter topic"
        ),
        outbox_backlog=meter.create_gauge(
            "chidao.outbox.backlog",
            description="Outbox rows not yet published (set-aside excluded)",
        ),
        relay_active=meter.create_gauge(
            "chidao.outbox.relay_active",
            description="1 when this instance's outbox relay holds the lock and publishes, else 0",
        ),
        consumer_lag=meter.create_gauge(
            "chidao.consumer.lag",
            description="Messages of a partition not yet handled: end offset minus committed",
        ),
        report_build=meter.create_histogram(
            "chidao.reporting.report_build.duration",
            unit="s",
            description="Time to build one annual report from the read model",
            explicit_bucket_boundaries_advisory=[
                0.01,
                0.025,
                0.05,
                0.1,
                0.25,
                0.5,
                1,
                2.5,
                5,
                10,
                30,
            ],
        ),
    )


# The process's instruments, on the global meter provider (`setup_metrics`).
_process = define(metrics.get_meter("chidao"))
published = _process.published
handled = _process.handled
set_aside = _process.set_aside
dead_lettered = _process.dead_lettered
outbox_backlog = _process.outbox_backlog
relay_active = _process.relay_active
consumer_lag = _process.consumer_lag
report_build = _process.report_build

_registry: CollectorRegistry | None = None


def setup_metrics(service: str, otlp_endpoint: str | None) -> CollectorRegistry:
    """The process's meter provider (made once: the global provider cannot be replaced)
    with a Prometheus reader; returns the registry `GET /metrics` renders."""
    global _registry
    if _registry is not None:
        return _registry
    registry = CollectorRegistry()
    readers: list[MetricReader] = [PrometheusMetricReader(registry=registry)]
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/metrics")
        readers.append(PeriodicExportingMetricReader(exporter, export_interval_millis=15000))
    provider = MeterProvider(
        resource=Resource.create({"service.name": f"chidao-{service}"}), metric_readers=readers
    )
    metrics.set_meter_provider(provider)
    _registry = registry
    return registry


def render(registry: CollectorRegistry) -> tuple[bytes, str]:
    """The registry as Prometheus text, and its content type."""
    return generate_latest(registry), CONTENT_TYPE_LATEST


P = ParamSpec("P")
R = TypeVar("R")


def timed(
    histogram: Any, **attributes: str
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Records how long each call of the decorated coroutine function takes, in seconds
    (failed calls too, with `outcome=error`)."""

    def decorate(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            outcome = "error"
            try:
                result = await func(*args, **kwargs)
                outcome = "ok"
                return result
            finally:
                elapsed = time.perf_counter() - started
                histogram.record(elapsed, {**attributes, "outcome": outcome})

        return wrapper

    return decorate


class LagSampler:
    """Consumer lag per partition of `topics` for `group`, through one admin client kept
    open between samples (reopened after a failure).

    End offsets are a ListOffsets request to each partition's leader (the admin client
    has no method for it, the request is aiokafka's own), committed offsets the group's
    OffsetFetch. A partition the group never committed counts from offset 0 (the public
    topics are kept forever and read from the earliest). The service's principal needs
    only DESCRIBE on its topics and group, which its READ grants imply."""

    def __init__(self, kafka: KafkaAccess, group: str, topics: Sequence[str]) -> None:
        self.kafka = kafka
        self.group = group
        self.topics = list(topics)
        self._admin: AIOKafkaAdminClient | None = None

    async def sample(self) -> dict[TopicPartition, int]:
        if not self.topics:
            return {}
        admin = await self._client()
        try:
            leaders = await self._leaders(admin)
            ends: dict[TopicPartition, int] = {}
            for node, partitions in leaders.items():
                ends.update(await self._end_offsets(admin, node, partitions))
            committed = await admin.list_consumer_group_offsets(self.group, partitions=list(ends))
        except BaseException:
            await self.close()  # a fresh client (connections, metadata) next time
            raise
        lags = {}
        for tp, end in ends.items():
            done = committed[tp].offset if tp in committed else 0
            lags[tp] = max(0, end - max(done, 0))
        return lags

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()

    async def _client(self) -> AIOKafkaAdminClient:
        if self._admin is None:
            admin = AIOKafkaAdminClient(
                **client_kwargs(self.kafka), client_id=f"chidao-{self.group}-lag"
            )
            await admin.start()
            self._admin = admin
        return self._admin

    async def _leaders(self, admin: AIOKafkaAdminClient) -> dict[int, list[TopicPartition]]:
        leaders: dict[int, list[TopicPartition]] = defaultdict(list)
        for topic in await admin.describe_topics(self.topics):
            if topic["error_code"]:
                raise for_code(topic["error_code"])(f"describing topic {topic['topic']}")
            for partition in topic["partitions"]:
                if partition["leader"] >= 0:  # no leader now (election): next sample
                    tp = TopicPartition(topic["topic"], partition["partition"])
                    leaders[partition["leader"]].append(tp)
        return leaders

    async def _end_offsets(
        self, admin: AIOKafkaAdminClient, node: int, partitions: list[TopicPartition]
    ) -> dict[TopicPartition, int]:
        by_topic: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for tp in partitions:
            by_topic[tp.topic].append((tp.partition, -1))  # -1: the latest offset
        request = OffsetRequest(-1, 0, list(by_topic.items()))
        response = await admin._send_request_to_node(node, request)
        ends = {}
        for topic, answers in response.topics:
            for partition, error_code, *offsets in answers:
                if error_code:
                    raise for_code(error_code)(f"end offset of {topic}[{partition}]")
                # v0 answers a list of offsets, v1 and later (timestamp, offset).
                offset = offsets[0][0] if response.API_VERSION == 0 else offsets[-1]
                ends[TopicPartition(topic, partition)] = int(offset)
        return ends
