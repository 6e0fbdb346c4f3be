"""HTTP helpers shared by the demo, the year scenario and the CLI: a failed call
becomes one `ScenarioError` line naming the request, waiting has a deadline, and a
report is saved in both its forms."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx


class ScenarioError(Exception):
    pass


def check(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise ScenarioError(
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text[:400]}"
        )
    return response.json()


def get_all(
    http: httpx.Client,
    url: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    limit: int = 1000,
) -> list[Any]:
    """Every item of a paginated list: follows X-Next-Cursor until the last page."""
    items: list[Any] = []
    query: dict[str, Any] = {**(params or {}), "limit": limit}
    while True:
        response = http.get(url, params=query, headers=headers)
        items += check(response)
        cursor = response.headers.get("X-Next-Cursor")
        if not cursor:
            return items
        query = {**query, "cursor": cursor}


def wait_until(what: str, probe: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise ScenarioError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def export_report(
    url: str,
    agency: str,
    year: int,
    out_dir: Path,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
) -> list[Path]:
    """Save the JSON and DOCX forms of a report under `out_dir`."""
    http = client or httpx.Client(timeout=60)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"bao-cao-van-hoa-cong-vu-{agency}-{year}"
    report = check(http.get(f"{url}/v1/reports/{agency}/{year}", headers=headers))
    json_path = stem.with_suffix(".json")
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    docx = http.get(f"{url}/v1/reports/{agency}/{year}/docx", headers=headers)
    if docx.status_code >= 400:
        raise ScenarioError(f"DOCX: {docx.status_code} {docx.text[:200]}")
    docx_path = stem.with_suffix(".docx")
    docx_path.write_bytes(docx.content)
    return [json_path, docx_path]
