"""What every service process is made of, assembled the same way for all four.

`ServiceRuntime` owns the clock, the database, the outbox and its relay, the Kafka
broker with the service's consumers, and background jobs; `create_app` wraps it in a
FastAPI application whose lifespan migrates the database, starts everything, and
stops it in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from faststream.kafka import KafkaBroker
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import BaseModel, field_validator
from sqlalchemy import MetaData, text

from shared import catalogue, metrics, migrations
from shared.auth import CurrentUser, Role, TokenVerifier, authenticate
from shared.clock import Clock, PersistedClock, parse_clock_setting
from shared.db import Database
from shared.heap import freeze_startup_heap
from shared.http import ERROR_RESPONSES, MAX_YEAR, MIN_YEAR, BodyLimit, install_error_handlers
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.messaging.handlers import EventHandlers
from shared.messaging.kafka_client import faststream_security, kafka_access
from shared.messaging.outbox import Outbox
from shared.messaging.relay import Relay, new_producer
from shared.messaging.topics import ensure_topics, service_topics
from shared.metrics import LagSampler, render, setup_metrics
from shared.settings import ServiceSettings
from shared.supervision import Supervisor
from shared.telemetry import (
    current_trace_id,
    instrument_libraries,
    setup_logging,
    setup_tracing,
)

log = logging.getLogger(__name__)
tracer = trace.get_tracer("chidao.runtime")

Job = Callable[[], Coroutine[Any, Any, None]]


class ServiceRuntime:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        metadata: MetaData,
        migrations_dir: Path,
    ) -> None:
        self.name = name
        self.settings = settings
        self.metadata = metadata
        self.migrations_dir = migrations_dir
        # Under clock control, a clock moved by PUT /v1/clock survives a restart;
        # CHIDAO_CLOCK, when given, still decides the first instant.
        self.clock_file = PersistedClock(settings.state_dir / "clock" / f"{name}.json")
        restored = None if settings.clock or not settings.clock_control else self.clock_file.load()
        self.clock: Clock = restored or parse_clock_setting(settings.clock)
        instrument_libraries()  # before the engine is made: one span per SQL statement
        self.db = Database(settings.database_url)
        # Every service's metadata has the shared outbox and inbox tables.
        self.outbox_table = metadata.tables["outbox"]
        self.inbox_table = metadata.tables["inbox"]
        self.outbox = Outbox(self.outbox_table, name, self.clock)
        # Every Kafka client of the service is this principal (KAFKA_USERNAME), allowed
        # only the service's own topics by the brokers' ACLs.
        self.kafka = kafka_access(settings)
        # FastStream takes a list of servers; a comma-separated string would be one host.
        # Topics are declared by `ensure_topics` below, never by FastStream's subscriber
        # (it would try other services' topics too, which the ACLs refuse).
        self.broker = KafkaBroker(
            self.kafka.servers,
            client_id=f"chidao-{name}",
            security=faststream_security(self.kafka),
            allow_auto_create_topics=False,
        )
        self._producer: AIOKafkaProducer | None = None
        self.dead_letters = DeadLetters(name, self.producer)
        self.relay = Relay(self.db, self.outbox_table, name, self.kafka)
        self.outbox.hand_over(self.relay.receive)
        self.consumer: EventConsumer | None = None
        # Every background loop runs supervised: restarted with backoff when it fails,
        # and reported by readiness while it is down.
        self.supervisor = Supervisor()
        self.supervisor.add("relay", self.relay.run)
        self.startup: list[Job] = []
        # Sampled for /metrics and /health: the outbox backlog, the lag per partition.
        self.backlog = 0
        self.lag: dict[str, int] = {}  # "topic[partition]" -> messages not yet handled
        self.lag_sampler: LagSampler | None = None
        self.every(10.0, self.sample, traced=False)
        self.clock_listeners: list[Job] = []

    def producer(self) -> AIOKafkaProducer:
        assert self._producer is not None, "producer used before start"
        return self._producer

    def consume(self, handlers: EventHandlers) -> None:
        self.consumer = EventConsumer(
            service=self.name,
            db=self.db,
            inbox=self.inbox_table,
            handlers=handlers,
            dead_letters=self.dead_letters,
            max_attempts=self.settings.max_attempts,
            backoff_s=self.settings.retry_backoff_s,
        )
        self.consumer.subscribe(self.broker)
        self.lag_sampler = LagSampler(self.kafka, self.name, self.consumer.topics)

    def every(self, seconds: float, job: Job, *, traced: bool = True) -> None:
        """Run `job` periodically in the background (e.g. the overdue scan), supervised:
        a failing run is retried with backoff and shows in readiness until one succeeds.
        A traced run is a trace root, so the events it causes are traceable too."""

        async def loop() -> None:
            while True:
                if traced:
                    with tracer.start_as_current_span(f"job {job.__name__}"):
                        await job()
                else:
                    await job()
                await asyncio.sleep(seconds)

        self.supervisor.add(job.__name__, loop)

    async def sample(self) -> None:
        """Outbox backlog and consumer lag per partition, for /metrics and /health."""
        service = {"service": self.name}
        self.backlog = await self.relay.backlog()
        metrics.outbox_backlog.set(self.backlog, service)
        self.observe_relay()
        if self.lag_sampler is not None:
            lags = await self.lag_sampler.sample()
            for tp, lag in lags.items():
                labels = {**service, "topic": tp.topic, "partition": str(tp.partition)}
                metrics.consumer_lag.set(lag, labels)
            self.lag = {f"{tp.topic}[{tp.partition}]": lag for tp, lag in sorted(lags.items())}

    def observe_relay(self) -> None:
        metrics.relay_active.set(1 if self.relay.active else 0, {"service": self.name})

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        await asyncio.to_thread(migrations.upgrade, self.migrations_dir, self.settings.database_url)
        # Topics exist as declared before the consumer joins (auto-creation is off): the
        # ones this service writes or reads, as far as its ACLs let it see and create.
        consumed = self.consumer.topics if self.consumer else []
        await ensure_topics(
            self.kafka,
            service_topics(self.name, consumed, self.settings.topic_partitions),
            replication=self.settings.kafka_replication_factor,
            min_insync=self.settings.kafka_min_insync_replicas,
            client_id=f"chidao-{self.name}",
        )
        self._producer = new_producer(self.kafka)
        await self._producer.start()
        await self.broker.start()
        for step in self.startup:
            await step()
        self.supervisor.start()
        freeze_startup_heap()
        log.info("%s started", self.name)
        try:
            yield
        finally:
            await self.supervisor.stop()
            if self.lag_sampler is not None:
                await self.lag_sampler.close()
            await self.broker.stop()
            await self._producer.stop()
            await self.db.dispose()

    async def health(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            async with self.db.sessions() as session:
                await session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {exc}"
        checks["relay"] = "active" if self.relay.active else "standby"
        checks["loops_down"] = self.supervisor.not_running()
        waiting = self.consumer.infrastructure_down if self.consumer else None
        checks["consumer_waiting_on"] = waiting
        checks["outbox_backlog"] = (
            await self.relay.backlog() if checks["database"] == "ok" else None
        )
        checks["published"] = self.relay.published
        checks["handled"] = self.consumer.handled if self.consumer else 0
        checks["consumer_lag"] = sum(self.lag.values())
        checks["consumer_lag_by_partition"] = self.lag
        checks["dead_lettered"] = self.dead_letters.count
        return checks


class ClockSetting(BaseModel):
    now: dt.datetime
    frozen: bool = False

    @field_validator("now")
    @classmethod
    def within_supported_years(cls, value: dt.datetime) -> dt.datetime:
        # Deadlines and periods are computed from it: far dates would overflow them.
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"the clock must stay within {MIN_YEAR}-{MAX_YEAR}")
        return value


def create_app(runtime: ServiceRuntime, routers: list[APIRouter], title: str) -> FastAPI:
    setup_logging(runtime.name, runtime.settings.log_level)
    settings = runtime.settings
    setup_tracing(
        runtime.name, settings.state_dir, settings.otlp_endpoint, settings.zipkin_endpoint
    )
    registry = setup_metrics(runtime.name, settings.otlp_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with runtime.running():
            yield

    app = FastAPI(title=title, lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    app.state.runtime = runtime
    app.state.verifier = TokenVerifier(runtime.settings.oidc_issuer, runtime.settings.oidc_audience)

    @app.get("/health/live", tags=["operations"])
    async def live() -> dict[str, str]:
        """Liveness: the process answers. Restart it only when this fails."""
        return {"status": "ok", "service": runtime.name}

    @app.get("/health", tags=["operations"])
    @app.get("/health/ready", tags=["operations"])
    async def ready() -> Any:
        """Readiness: the database answers, every background loop runs and the
        consumer is not waiting for a dependency; else 503 saying which and why."""
        checks = await runtime.health()
        problems = []
        if checks["database"] != "ok":
            problems.append(f"database: {checks['database']}")
        problems += [
            f"loop {name} not running: {state['last_error']}"
            for name, state in checks["loops_down"].items()
        ]
        if checks["consumer_waiting_on"]:
            problems.append(f"consumer waiting: {checks['consumer_waiting_on']}")
        if problems:
            return JSONResponse(
                status_code=503,
                content={
                    "status": "unavailable",
                    "service": runtime.name,
                    "problems": problems,
                    **jsonable_encoder(checks),
                },
                headers={"Retry-After": "5"},
            )
        return {"status": "ok", "service": runtime.name, **checks}

    @app.get("/metrics", tags=["operations"], response_class=Response)
    async def prometheus_metrics() -> Response:
        """Prometheus text: requests, events handled and dead-lettered, outbox backlog,
        consumer lag per partition, relay state (docs/observability.md). No token, like
        the health probes: it is for the scraper, and holds no business data."""
        runtime.observe_relay()  # the relay's state as of now, not of the last sample
        body, content_type = render(registry)
        return Response(body, media_type=content_type)

    @app.get("/v1/clock", tags=["operations"], responses=ERROR_RESPONSES)
    async def get_clock(_: CurrentUser) -> ClockSetting:
        return ClockSetting(now=runtime.clock.now(), frozen=runtime.clock.frozen)

    @app.put("/v1/clock", tags=["operations"], responses=ERROR_RESPONSES)
    async def set_clock(setting: ClockSetting, user: CurrentUser) -> ClockSetting:
        user.require(Role.OPERATOR, doing="đặt đồng hồ")
        if not runtime.settings.clock_control:
            raise HTTPException(403, detail="clock control is off (CHIDAO_CLOCK_CONTROL)")
        runtime.clock.set(setting.now, frozen=setting.frozen)
        runtime.clock_file.save(runtime.clock)
        for listener in runtime.clock_listeners:
            await listener()
        return ClockSetting(now=runtime.clock.now(), frozen=runtime.clock.frozen)

    @app.middleware("http")
    async def trace_header(request: Any, call_next: Any) -> Any:
        # Lets a caller (the CLI, the demo, an operator) follow the trace it caused.
        response = await call_next(request)
        trace_id = current_trace_id()
        if trace_id:
            response.headers["X-Trace-Id"] = trace_id
        return response

    # The event catalogue is public, like /openapi.json: it describes, it holds no data.
    app.include_router(catalogue.router)
    for router in routers:
        # Every route of every router needs a verified caller; the error shapes are
        # documented once for all of them.
        app.include_router(router, dependencies=[Depends(authenticate)], responses=ERROR_RESPONSES)
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="/health,/metrics", exclude_spans=["receive", "send"]
    )
    return app


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    import uvicorn

    # uvloop, named rather than left to "auto", so a missing install fails loudly.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        loop="uvloop",
    )
