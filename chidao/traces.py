"""`chidao trace TRACE_ID`: the span tree of one trace, from the JSON-lines files the
services write when no OTLP endpoint is configured."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.tree import Tree


def load_spans(state_dir: Path, trace_id: str) -> list[dict[str, Any]]:
    spans = []
    for path in sorted((state_dir / "traces").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if trace_id in line:
                    span = json.loads(line)
                    if span["trace_id"] == trace_id:
                        spans.append(span)
    return spans


def services_in(spans: list[dict[str, Any]]) -> set[str]:
    return {str(s["service"]) for s in spans}


def span_tree(trace_id: str, spans: list[dict[str, Any]]) -> Tree:
    ids = {s["span_id"] for s in spans}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for s in spans:
        parent = s["parent_id"] if s["parent_id"] in ids else None
        children[parent].append(s)
    root = Tree(f"trace {trace_id} ({len(spans)} spans)")

    def add(node: Tree, parent: str | None) -> None:
        for s in sorted(children[parent], key=lambda x: x["start"]):
            ms = (s["end"] - s["start"]) / 1e6 if s["end"] else 0.0
            label = f"[bold]{s['name']}[/bold] [dim]{s['service']} {ms:.1f} ms[/dim]"
            if s["status"] == "ERROR":
                label += " [red]ERROR[/red]"
            add(node.add(label), s["span_id"])

    add(root, None)
    return root
