"""What an operator sees of the running platform: traces in Zipkin, metrics at /metrics.

The whole local stack (Kafka with its ACLs, PostgreSQL, Keycloak, Zipkin and the four
services) in a throwaway state folder on free ports, as ``chidao up`` runs it. A
directive is issued over HTTP with a real token; its trace must reach Zipkin's API with
spans from at least three services, database statements among them, and each service's
``GET /metrics`` must be Prometheus text with what the alert rules watch. When Zipkin
(or any part) cannot start, the test fails with its log; it never skips.

Jars come from the checkout's caches (``.state/kafka/libs``, ``.state/zipkin/libs``, or
``CHIDAO_KAFKA_LIBS`` / ``CHIDAO_ZIPKIN_LIBS``), fetched at most once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from chidao.people import People, people_of
from chidao.stack import SERVICES, LocalStack
from chidao.stack.paths import repo_root
from chidao.stack.services import DATABASES
from chidao.traces import load_spans
from tests.ports import free_pair, free_port

pytestmark = pytest.mark.integration

AGENCY = "sxd-thanhhoa"
CONSUMING = ("tasks", "inspections", "reporting")  # directives consumes nothing
T = TypeVar("T")


def _cache(env: str, relative: str) -> Path:
    return Path(os.environ.get(env) or repo_root() / ".state" / relative)


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    # Not tmp_path: PostgreSQL runs as another account, which must reach its folder.
    state = Path(tempfile.mkdtemp(prefix="chidao-observability-test-"))
    state.chmod(0o755)
    kafka_port = free_pair()
    local = LocalStack(
        state,
        kafka_port=kafka_port,
        kafka_controller_port=kafka_port + 1,
        postgres_port=free_port(),
        keycloak_port=free_port(),
        service_ports={name: free_port() for name in SERVICES},
        kafka_libs=_cache("CHIDAO_KAFKA_LIBS", "kafka/libs"),
        with_zipkin=True,
        zipkin_port=free_port(),
        zipkin_libs=_cache("CHIDAO_ZIPKIN_LIBS", "zipkin/libs"),
    )
    try:
        yield local
    finally:
        local.down()
        shutil.rmtree(state, ignore_errors=True)


def _eventually(what: str, probe: Callable[[], T | None], timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(1.0)
    raise AssertionError(f"{what} not seen within {timeout:.0f} s (last: {last!r})")


def _issue_directive(url: str, people: People) -> str:
    """A draft with one assignment, issued by the leader; the issuing request's trace id."""
    deadline = dt.date.today().replace(month=12, day=31).isoformat()
    draft = httpx.post(
        f"{url}/v1/directives",
        json={
            "content": {
                "doc_type": "notice",
                "subject": "Kiểm tra việc quan sát hệ thống",
                "assignments": [
                    {
                        "lead_unit": {"code": "VP", "name": "Văn phòng Sở"},
                        "coordinating_units": [],
                        "action": "Báo cáo tình hình vận hành",
                        "deadline": {"kind": "date", "date": deadline},
                    }
                ],
            }
        },
        headers=people.headers("clerk"),
        timeout=30,
    )
    assert draft.status_code == 201, draft.text
    issued = httpx.post(
        f"{url}/v1/directives/{draft.json()['id']}/issue",
        headers=people.headers("leader"),
        timeout=30,
    )
    assert issued.status_code == 200, issued.text
    return issued.headers["X-Trace-Id"]


def _zipkin_trace(stack: LocalStack, trace_id: str) -> list[dict[str, Any]] | None:
    response = httpx.get(f"{stack.zipkin.url}/api/v2/trace/{trace_id}", timeout=10)
    if response.status_code != 200:
        return None
    spans: list[dict[str, Any]] = response.json()
    services = {s["localEndpoint"]["serviceName"] for s in spans}
    consumed = {"chidao-tasks", "chidao-reporting"} <= services
    return spans if consumed and len(services) >= 3 else None


def _metrics(url: str) -> dict[str, list[Any]]:
    """Samples by metric name, from Prometheus text (it fails on anything else)."""
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def test_an_issued_directive_is_one_trace_in_zipkin_and_every_service_is_scraped(
    stack: LocalStack,
) -> None:
    stack.download()
    info = stack.up(SERVICES)
    assert "zipkin" in info.started
    zipkin_row = {p.name: p for p in stack.status()}["zipkin"]
    assert zipkin_row.running and zipkin_row.healthy

    people = people_of(stack.oidc_issuer, AGENCY)
    trace_id = _issue_directive(info.services["directives"], people)

    spans = _eventually(
        f"trace {trace_id} across three services in Zipkin",
        lambda: _zipkin_trace(stack, trace_id),
    )
    by_service: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        by_service.setdefault(span["localEndpoint"]["serviceName"], []).append(span)
    assert {"chidao-directives", "chidao-tasks", "chidao-reporting"} <= set(by_service)
    ids = {s["id"] for s in spans}

    def statements(service: str) -> list[dict[str, Any]]:
        tags = [s.get("tags", {}) for s in by_service.get(service, [])]
        return [t for t in tags if t.get("db.system") == "postgresql" and "db.statement" in t]

    # Every database statement of the request and of the events it caused, each one span
    # inside the trace: the directive's insert, the tasks the consumer made.
    assert statements("chidao-directives") and statements("chidao-tasks")
    db_spans = [s for s in spans if "db.statement" in s.get("tags", {})]
    assert all(s.get("parentId") in ids for s in db_spans)
    assert any("INSERT INTO outbox" in s["tags"]["db.statement"] for s in db_spans)
    hops = [s for s in spans if s.get("tags", {}).get("messaging.system") == "kafka"]
    assert {s["kind"] for s in hops} == {"PRODUCER", "CONSUMER"}
    assert all(s["tags"]["messaging.destination.name"].startswith("chidao.") for s in hops)
    # Offline too: the same trace in the JSON-lines files `chidao trace` reads.
    assert {s["trace_id"] for s in load_spans(stack.state_dir, trace_id)} == {trace_id}
    assert stack.trace_url(trace_id) == f"{stack.zipkin.url}/zipkin/traces/{trace_id}"

    # A report built, for its histogram.
    report = httpx.get(
        f"{info.services['reporting']}/v1/reports/{AGENCY}/{dt.date.today().year}",
        headers=people.headers("leader"),
        timeout=60,
    )
    assert report.status_code == 200, report.text

    for name in DATABASES:  # the four services (the console has no metrics of its own)
        url = info.services[name]
        samples = _metrics(url)
        assert samples["chidao_outbox_relay_active"][0].value == 1.0, name
        assert "chidao_outbox_backlog" in samples, name
        if name in ("directives", "reporting"):  # the two called over HTTP here
            assert "http_server_duration_milliseconds_count" in samples, name
        if name in CONSUMING:

            def lag(url: str = url) -> list[Any] | None:
                return _metrics(url).get("chidao_consumer_lag")  # sampled every 10 s

            lags = _eventually(f"consumer lag of {name}", lag)
            labels = {(s.labels["topic"], s.labels["partition"]) for s in lags}
            assert len(labels) >= 6, labels  # per partition of every topic it reads
            assert all(s.value >= 0 for s in lags)
    handled = _metrics(info.services["tasks"])["chidao_consumer_handled_total"]
    assert sum(s.value for s in handled) >= 1
    builds = _metrics(info.services["reporting"])[
        "chidao_reporting_report_build_duration_seconds_count"
    ]
    assert sum(s.value for s in builds) >= 1

    # `chidao status`'s numbers: readiness with lag, backlog and dead letters per service.
    rows = {p.name: p for p in stack.status()}
    for name in DATABASES:
        assert rows[name].healthy, rows[name].details
        assert {"consumer_lag", "outbox_backlog", "dead_lettered"} <= set(rows[name].details)
