"""JSON Schemas of the public events, generated from the models in
`shared/contracts/events/` (one module per topic) into `contracts/<ce_type>.schema.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.contracts.events import ALL_EVENTS, Event
from shared.settings import REPO_ROOT

CONTRACTS_DIR = REPO_ROOT / "contracts"


def schema_of(event: type[Event]) -> dict[str, Any]:
    schema = event.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://chidao.example/contracts/{event.ce_type}.schema.json",
        "title": event.ce_type,
        "description": (event.__doc__ or "").strip(),
        "x-kafka-topic": event.topic,
        "x-kafka-key": event.key_field,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def render(event: type[Event]) -> str:
    return json.dumps(schema_of(event), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[str, str]:
    return {f"{e.ce_type}.schema.json": render(e) for e in ALL_EVENTS}


def write(folder: Path = CONTRACTS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_files().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
