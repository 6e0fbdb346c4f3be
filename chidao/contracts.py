"""The public contract, generated from the models in `shared/contracts/events/`:

- `contracts/<ce_type>.schema.json`: each event's JSON Schema;
- `contracts/asyncapi.yaml`: the event catalogue (AsyncAPI 3.0, `shared.catalogue`);
- `contracts/released/<ce_type>.schema.json`: the baseline, the schemas as released to
  subscribers. `write()` moves it forward only when no change is breaking
  (`chidao.compat`); a breaking change leaves it as it is, and `make test` fails until
  the change is undone or made a new `.v2` type (docs/event-catalogue.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chidao.compat import breaking_changes_by_type
from shared import catalogue
from shared.contracts.events import ALL_EVENTS, Event
from shared.settings import REPO_ROOT

CONTRACTS_DIR = REPO_ROOT / "contracts"
RELEASED = "released"
ASYNCAPI = "asyncapi.yaml"


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


def schema_files() -> dict[str, str]:
    return {f"{e.ce_type}.schema.json": render(e) for e in ALL_EVENTS}


def expected_files() -> dict[str, str]:
    """Every generated file of `contracts/` (the released baseline aside)."""
    return {**schema_files(), ASYNCAPI: catalogue.render()}


def read_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.schema.json"))
    }


def breaking_changes(folder: Path = CONTRACTS_DIR) -> dict[str, list[str]]:
    """The current models against the released baseline: what breaks, by file name."""
    current = {name: json.loads(text) for name, text in schema_files().items()}
    return breaking_changes_by_type(read_schemas(folder / RELEASED), current)


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    breaking: dict[str, list[str]] = field(default_factory=dict)


def _put(path: Path, text: str, written: list[Path]) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)


def write(folder: Path = CONTRACTS_DIR) -> Written:
    """Write the generated files; release the schemas too unless a change breaks."""
    result = Written(breaking=breaking_changes(folder))
    for name, text in expected_files().items():
        _put(folder / name, text, result.paths)
    if not result.breaking:
        for name, text in schema_files().items():
            _put(folder / RELEASED / name, text, result.paths)
    return result
