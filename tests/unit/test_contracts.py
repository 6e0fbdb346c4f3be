"""The committed JSON Schemas are the public contract: they must match the models."""

from __future__ import annotations

import json
import uuid

import jsonschema

from chidao import contracts
from shared.contracts.envelope import (
    Envelope,
    PoisonMessage,
    decode_headers,
    new_event_id,
    read_envelope,
)
from shared.contracts.events import ALL_EVENTS, TaskOverdue


def test_committed_schemas_and_catalogue_match_the_models() -> None:
    expected = contracts.expected_files()
    committed = {
        p.name: p.read_text(encoding="utf-8")
        for pattern in ("*.json", "*.yaml")
        for p in contracts.CONTRACTS_DIR.glob(pattern)
    }
    stale = sorted(name for name in expected if committed.get(name) != expected[name])
    extra = sorted(set(committed) - set(expected))
    assert not stale, f"regenerate with `chidao contracts`: {stale}"
    assert not extra, f"schemas without a model: {extra}"


def test_every_event_type_is_versioned_and_on_a_chidao_topic() -> None:
    for event in ALL_EVENTS:
        assert event.ce_type.startswith("chidao.") and event.ce_type.endswith(".v1")
        assert event.topic.startswith("chidao.") and event.topic.endswith(".v1")
        assert "agency" in event.model_fields


def sample() -> TaskOverdue:
    return TaskOverdue.model_validate(
        {
            "agency": "sxd-thanhhoa",
            "task_id": "00000000-0000-0000-0000-000000000001",
            "directive_id": "00000000-0000-0000-0000-000000000002",
            "lead_unit": {"code": "VP", "name": "Văn phòng Sở"},
            "at": "2020-12-16T08:00:00+07:00",
            "due_date": "2020-12-15",
        }
    )


def test_envelope_round_trip_is_valid_against_the_committed_schema() -> None:
    env = Envelope(
        event=sample(), source="chidao/tasks", traceparent="00-" + "1" * 32 + "-" + "2" * 16 + "-01"
    )
    headers = env.headers()
    assert headers["ce_type"] == "chidao.task.overdue.v1"
    assert headers["ce_subject"] == "00000000-0000-0000-0000-000000000001"
    schema = json.loads(
        (contracts.CONTRACTS_DIR / "chidao.task.overdue.v1.schema.json").read_text()
    )
    jsonschema.validate(json.loads(env.value()), schema)
    back = read_envelope(decode_headers([(k, v.encode()) for k, v in headers.items()]), env.value())
    assert back.event == env.event and back.id == env.id and back.traceparent == env.traceparent


def test_unreadable_messages_are_poison_with_a_reason() -> None:
    headers = Envelope(event=sample()).headers()
    for broken, reason in [
        ({**headers, "ce_type": ""}, "ce_type"),
        ({**headers, "ce_specversion": "0.3"}, "ce_specversion"),
    ]:
        try:
            read_envelope(broken, b"{}")
        except PoisonMessage as exc:
            assert reason in str(exc)
        else:
            raise AssertionError("accepted a broken envelope")
    try:
        read_envelope(headers, b'{"agency": "x"}')
    except PoisonMessage as exc:
        assert "does not match its schema" in str(exc) and "task_id" in str(exc)
    else:
        raise AssertionError("accepted a schema-invalid event")
    try:
        read_envelope(headers, b"\xff not json")
    except PoisonMessage as exc:
        assert "schema" in str(exc)
    else:
        raise AssertionError("accepted bytes that are not JSON")


def test_event_ids_are_canonical_random_uuids() -> None:
    ids = [new_event_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:200]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # canonical form: lower-case, hyphenated
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
