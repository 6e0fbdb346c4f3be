"""Vận hành (operators): each service's readiness, the platform clock, a trace's span
tree. Dead letters are read through Kafka as its administrator (`chidao dlq`), which
the console is not: no service offers them over HTTP yet."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from chidao.traces import load_spans
from services.console.web import CurrentDesk
from shared.auth import Role

router = APIRouter()


async def _ready(http: httpx.AsyncClient, name: str, url: str) -> dict[str, Any]:
    try:
        response = await http.get(f"{url}/health/ready", timeout=3.0)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return {"name": name, "url": url, "ok": False, "detail": exc.__class__.__name__}
    return {"name": name, "url": url, "ok": response.status_code == 200, "body": body}


def _tree(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans nested under their parents, each level in start order."""
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    ids = {s.get("span_id") for s in spans}
    for s in spans:
        parent = s.get("parent_id") if s.get("parent_id") in ids else None
        by_parent.setdefault(parent, []).append(s)

    def build(parent: str | None) -> list[dict[str, Any]]:
        level = sorted(by_parent.get(parent, []), key=lambda s: int(s.get("start") or 0))
        return [{"span": s, "children": build(s.get("span_id"))} for s in level]

    return build(None)


@router.get("/ops", response_class=HTMLResponse)
async def ops_page(d: CurrentDesk, trace: str = "") -> HTMLResponse:
    d.user.require(Role.OPERATOR, doing="xem trang vận hành")
    checks = await asyncio.gather(
        *(_ready(d.console.http, name, url) for name, url in d.console.urls.items())
    )
    clock = await d.api.get("tasks", "/v1/clock")
    trace = trace.strip().lower()
    spans: list[dict[str, Any]] = []
    if trace:
        spans = await asyncio.to_thread(load_spans, d.console.settings.state_dir, trace)
    return d.render(
        "ops.html", checks=checks, clock=clock, trace=trace, tree=_tree(spans), spans=spans
    )
