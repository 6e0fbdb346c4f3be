"""Tracing and metrics pieces on their own: where spans go, which database spans are
kept, the lag arithmetic, the report timer, the Maven progress, Zipkin's command line."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from chidao.stack import maven, zipkin
from chidao.stack.paths import StatePaths
from chidao.stack.procs import StackError
from chidao.stack.stack import LocalStack
from shared import metrics
from shared.db import Database
from shared.messaging.kafka_client import KafkaAccess
from shared.telemetry import (
    SQLALCHEMY_SCOPE,
    DatabaseNoise,
    JsonLinesExporter,
    instrument_libraries,
    span_exporters,
)

# --- where spans go ------------------------------------------------------------------------


def test_otlp_alone_else_the_files_and_zipkin_when_given(tmp_path: Path) -> None:
    (otlp,) = span_exporters("tasks", tmp_path, "http://collector:4318/", "http://z/api/v2/spans")
    assert isinstance(otlp, OTLPSpanExporter)
    (files,) = span_exporters("tasks", tmp_path, None, None)
    assert isinstance(files, JsonLinesExporter)
    files_too, to_zipkin = span_exporters(
        "tasks", tmp_path, None, "http://127.0.0.1:9411/api/v2/spans"
    )
    assert isinstance(files_too, JsonLinesExporter) and isinstance(to_zipkin, ZipkinExporter)
    for exporter in (otlp, files, files_too, to_zipkin):
        exporter.shutdown()


@pytest.fixture
def kept() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(DatabaseNoise(SimpleSpanProcessor(memory)))
    yield provider, memory
    provider.shutdown()


def test_database_statements_are_kept_inside_a_trace_only(
    kept: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, memory = kept
    ours = provider.get_tracer("chidao.consumer")
    database = provider.get_tracer(SQLALCHEMY_SCOPE)
    statement = {"db.system": "postgresql", "db.statement": "SELECT 1"}
    with database.start_as_current_span("SELECT chidao", attributes=statement):
        pass  # the relay's poll: no trace around it
    with ours.start_as_current_span("consume chidao.directive.issued.v1"):
        with database.start_as_current_span("connect"):
            pass  # one per connection checkout: no statement
        with database.start_as_current_span("INSERT tasks", attributes=statement):
            pass
    assert sorted(s.name for s in memory.get_finished_spans()) == [
        "INSERT tasks",
        "consume chidao.directive.issued.v1",
    ]


def test_every_engine_made_after_instrumenting_traces_its_statements() -> None:
    instrument_libraries()
    instrument_libraries()  # once per process, however often called
    db = Database("postgresql+asyncpg://u:p@127.0.0.1:1/db")  # never connects here
    try:
        # SQLAlchemy's instrumentation listens to the engine's cursor events: without
        # them (e.g. a version it refuses to instrument) no statement would be a span.
        listeners = db.engine.sync_engine.dispatch.before_cursor_execute
        assert any("opentelemetry" in getattr(f, "__module__", "") for f in listeners)
    finally:
        asyncio.run(db.dispose())


# --- metrics -------------------------------------------------------------------------------


def _points(reader: InMemoryMetricReader, name: str) -> list[Any]:
    data = reader.get_metrics_data()
    assert data is not None
    return [
        point
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]


async def test_the_report_timer_records_each_build_with_its_outcome() -> None:
    reader = InMemoryMetricReader()
    instruments = metrics.define(MeterProvider(metric_readers=[reader]).get_meter("t"))

    @metrics.timed(instruments.report_build, service="reporting")
    async def build(fail: bool) -> str:
        await asyncio.sleep(0.01)
        if fail:
            raise ValueError("no facts")
        return "report"

    assert await build(False) == "report"
    with pytest.raises(ValueError):
        await build(True)
    points = _points(reader, "chidao.reporting.report_build.duration")
    outcomes = {p.attributes["outcome"]: p for p in points}
    assert set(outcomes) == {"ok", "error"}
    assert outcomes["ok"].count == 1 and outcomes["ok"].sum >= 0.01


class _FakeAdmin:
    """Answers as a broker would: two partitions led by node 1, one without a leader."""

    def __init__(self, committed: dict[TopicPartition, int]) -> None:
        self.committed = committed
        self.closed = False

    async def describe_topics(self, topics: list[str]) -> list[dict[str, Any]]:
        partitions = [
            {"partition": 0, "leader": 1},
            {"partition": 1, "leader": 1},
            {"partition": 2, "leader": -1},
        ]
        return [{"topic": t, "error_code": 0, "partitions": partitions} for t in topics]

    async def _send_request_to_node(self, node: int, request: Any) -> Any:
        assert node == 1
        (topic, partitions), *_ = request._topics
        answers = [(p, 0, -1, 100 + p) for p, _ in partitions]  # v1+: timestamp, offset
        return SimpleNamespace(API_VERSION=1, topics=[(topic, answers)])

    async def list_consumer_group_offsets(
        self, group: str, partitions: list[TopicPartition]
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        return {tp: OffsetAndMetadata(o, "") for tp, o in self.committed.items()}

    async def close(self) -> None:
        self.closed = True


async def test_lag_is_per_partition_end_minus_committed() -> None:
    topic = "chidao.directives.v1"
    sampler = metrics.LagSampler(KafkaAccess("127.0.0.1:9"), "tasks", [topic])
    fake = _FakeAdmin({TopicPartition(topic, 0): 90, TopicPartition(topic, 1): -1})
    sampler._admin = fake  # kept open between samples
    lags = await sampler.sample()
    # Partition 1 never committed: all of it; partition 2 has no leader now: next time.
    assert lags == {TopicPartition(topic, 0): 10, TopicPartition(topic, 1): 101}
    assert sampler._admin is fake and not fake.closed
    await sampler.close()
    assert fake.closed and sampler._admin is None


# --- the stack: Maven's progress, Zipkin ----------------------------------------------------

MAVEN_LINES = [
    "[INFO] Downloading from central: https://repo.example/maven2/io/zipkin/zipkin-server/"
    "3.5.1/zipkin-server-3.5.1-exec.jar",
    "[INFO] Downloaded from central: https://repo.example/maven2/io/zipkin/zipkin-server/"
    "3.5.1/zipkin-server-3.5.1-exec.jar (131 MB at 24 MB/s)",
    "[INFO] Downloaded from central: https://repo.example/maven2/a/b/1/b-1.pom (1.5 kB at 9 kB/s)",
    "[INFO] BUILD SUCCESS",
]


def test_maven_lines_count_files_and_bytes(tmp_path: Path) -> None:
    state = maven.Download("Zipkin")
    changed = [maven.follow(line, state, tmp_path) for line in MAVEN_LINES]
    assert changed == [True, True, True, False]
    assert (state.files, state.bytes, state.current) == (2, 131_001_500, None)
    started = maven.Download("Zipkin")
    maven.follow(MAVEN_LINES[0], started, tmp_path)
    assert started.current == "zipkin-server-3.5.1-exec.jar"
    part = tmp_path / "io/zipkin/zipkin-server/3.5.1/zipkin-server-3.5.1-exec.jar.part"
    assert started._partials[started.current] == part


def _fake_mvn(tmp_path: Path, lines: list[str], code: int) -> str:
    script = tmp_path / "mvn"
    body = "".join(f"echo '{line}'\n" for line in lines)
    script.write_text(f"#!/bin/sh\n{body}exit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_maven_run_reports_progress_and_its_failure(tmp_path: Path) -> None:
    seen: list[tuple[int, int, bool]] = []
    maven.run(
        [_fake_mvn(tmp_path, MAVEN_LINES, 0)],
        "Zipkin",
        lambda d: seen.append((d.files, d.bytes, d.finished)),
        repository=tmp_path,
    )
    assert seen[0] == (0, 0, False) and seen[-1] == (2, 131_001_500, True)
    failing = _fake_mvn(tmp_path, ["[ERROR] Could not resolve io.zipkin:zipkin-server"], 1)
    with pytest.raises(StackError, match=r"Could not resolve io\.zipkin"):
        maven.run([failing], "Zipkin", repository=tmp_path)


def test_zipkin_listens_on_loopback_in_memory_with_a_small_heap(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    cfg = zipkin.ZipkinSettings(port=19411, libs=tmp_path / "libs")
    cmd = zipkin.java_cmd("java", paths, cfg)
    assert cmd[0] == "java" and "-Xmx256m" in cmd
    assert zipkin.marker(paths) in cmd
    assert cmd[cmd.index("-jar") + 1] == str(tmp_path / "libs" / "zipkin-server-3.5.1-exec.jar")
    assert "--armeria.ports[0].ip=127.0.0.1" in cmd and "--armeria.ports[0].port=19411" in cmd
    assert "--zipkin.storage.type=mem" in cmd
    assert cfg.spans_endpoint == "http://127.0.0.1:19411/api/v2/spans"
    assert cfg.trace_url("ab12") == "http://127.0.0.1:19411/zipkin/traces/ab12"
    assert not zipkin.jar_ready(cfg.libs)


def test_services_send_spans_to_the_stack_s_zipkin_when_it_runs_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", raising=False)
    monkeypatch.delenv("ZIPKIN_PORT", raising=False)
    with_ui = LocalStack(tmp_path, kafka_libs=tmp_path / "libs", with_zipkin=True)
    env = with_ui.services.env("tasks")
    assert env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] == "http://127.0.0.1:9411/api/v2/spans"
    assert with_ui.info().addresses()["zipkin"] == "http://127.0.0.1:9411/zipkin/"
    without = LocalStack(tmp_path, kafka_libs=tmp_path / "libs")
    assert "OTEL_EXPORTER_ZIPKIN_ENDPOINT" not in without.services.env("tasks")
    assert "zipkin" not in without.info().addresses()
    # An operator's own Zipkin wins.
    monkeypatch.setenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://zipkin.example:9411/api/v2/spans")
    env = with_ui.services.env("tasks")
    assert env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] == "http://zipkin.example:9411/api/v2/spans"
