"""The alert rules and the Grafana dashboard in deploy/observability/ name only metrics
the services really export.

The exported names are not listed here: they are what Prometheus text shows once every
instrument of `shared.metrics.define` (and FastAPI's request metrics) recorded a value,
through the same OpenTelemetry Prometheus exporter the services use. A rule naming a
metric that no code exports (a typo, a rename) fails this test.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shared import metrics
from shared.settings import REPO_ROOT

OBSERVABILITY = REPO_ROOT / "deploy" / "observability"
# PromQL words that are not metric names (functions are recognised by their "(").
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "group_left", "group_right"}
_GROUPING = re.compile(r"\b(by|without|on|ignoring)\s*\([^)]*\)")


def exported_names() -> set[str]:
    """Every sample name of the services' instruments, as Prometheus shows them."""
    registry = CollectorRegistry()
    provider = MeterProvider(metric_readers=[PrometheusMetricReader(registry=registry)])
    instruments = metrics.define(provider.get_meter("chidao"))
    labels = {"service": "tasks", "topic": "chidao.directives.v1", "partition": "0"}
    for field in fields(instruments):
        instrument: Any = getattr(instruments, field.name)
        for method in ("add", "record", "set"):
            if hasattr(instrument, method):
                getattr(instrument, method)(1, labels)
                break
        else:
            raise AssertionError(f"no way to record on {field.name}")
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    FastAPIInstrumentor.instrument_app(app, meter_provider=provider)
    TestClient(app).get("/ping")
    text = generate_latest(registry).decode()
    provider.shutdown()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


@pytest.fixture(scope="module")
def exported() -> set[str]:
    return exported_names()


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # strings (label values)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = _GROUPING.sub("", expr)  # label lists
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr):
        rest = expr[match.end() :].lstrip()
        if rest.startswith("("):
            continue  # a function
        if match.group().lower() not in _KEYWORDS:
            names.add(match.group())
    return names


def test_the_name_finder_sees_through_promql() -> None:
    expr = (
        'sum by (service, topic) (rate(chidao_x_total{service=~"$service"}[5m])) > 0 '
        "unless on (service) histogram_quantile(0.95, sum by (le) (rate(y_bucket[5m])))"
    )
    assert metric_names(expr) == {"chidao_x_total", "y_bucket"}


def test_every_instrument_is_exported_under_its_prometheus_name(exported: set[str]) -> None:
    assert {
        "chidao_consumer_lag",
        "chidao_consumer_handled_total",
        "chidao_outbox_backlog",
        "chidao_outbox_relay_active",
        "chidao_reporting_report_build_duration_seconds_bucket",
        "http_server_duration_milliseconds_count",
    } <= exported


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((OBSERVABILITY / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_alert_rules_are_well_formed_and_name_exported_metrics(exported: set[str]) -> None:
    rules = _rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    # What the operators asked to be told about.
    assert {
        "ChidaoConsumerLagGrowing",
        "ChidaoOutboxBacklogNotDraining",
        "ChidaoRelayNotActive",
        "ChidaoDeadLetters",
    } <= set(names)
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s")), rule["alert"]
        used = metric_names(rule["expr"])
        assert used, rule["alert"]
        assert used <= exported, (rule["alert"], used - exported)


def test_the_dashboard_is_grafana_json_over_exported_metrics(exported: set[str]) -> None:
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text("utf-8"))
    assert dashboard["uid"] and dashboard["title"]
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    used: set[str] = set()
    for panel in panels:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used |= metric_names(target["expr"])
    assert used <= exported, used - exported
    for needed in ("chidao_consumer_lag", "chidao_outbox_backlog", "chidao_outbox_relay_active"):
        assert needed in used


def test_the_scrape_config_loads_the_rules() -> None:
    config = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text(encoding="utf-8"))
    assert config["rule_files"] == ["alerts.yml"]
    assert Path(OBSERVABILITY / config["rule_files"][0]).is_file()
    assert config["scrape_configs"][0]["metrics_path"] == "/metrics"
