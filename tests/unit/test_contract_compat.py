"""Backward compatibility of the public events: the check itself, on small schema pairs,
then the current models against the released schemas (contracts/released/)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chidao import contracts
from chidao.compat import breaking_changes, breaking_changes_by_type


def schema(**properties: Any) -> dict[str, Any]:
    required = [name for name, p in properties.items() if p.pop("required", False)]
    return {
        "type": "object",
        "x-kafka-topic": "chidao.tasks.v1",
        "x-kafka-key": "task_id",
        "properties": properties,
        "required": required,
    }


def base() -> dict[str, Any]:
    return schema(
        task_id={"type": "string", "format": "uuid", "required": True},
        status={"enum": ["open", "done"], "type": "string", "required": True},
        note={"type": "string", "default": ""},
        due={"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "default": None},
        percent={"type": "integer", "minimum": 0, "maximum": 100},
    )


def changed(edit: Any) -> list[str]:
    new = base()
    edit(new)
    return breaking_changes(base(), new)


def test_additive_optional_fields_and_new_descriptions_are_compatible() -> None:
    def add(new: dict[str, Any]) -> None:
        new["properties"]["reason"] = {"type": "string", "default": ""}
        new["properties"]["by"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
        new["properties"]["note"]["description"] = "Ghi chú, as the unit wrote it."
        new["title"] = "renamed title"

    assert changed(add) == []
    assert breaking_changes(base(), base()) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s["properties"].pop("note"), "note: field removed"),
        (lambda s: s["properties"].pop("task_id"), "task_id: field removed"),
        (
            lambda s: s["properties"]["percent"].update(type="number"),
            "percent: type changed from integer to number",
        ),
        (
            lambda s: s["properties"].update(
                note={"anyOf": [{"type": "string"}, {"type": "null"}]}
            ),
            "note: type changed from string to null|string",
        ),
        (
            lambda s: s["properties"].update(due={"type": "string", "format": "date"}),
            "due: type changed from null|string to string",
        ),
        (lambda s: s["required"].append("note"), "note: field newly required"),
        (
            lambda s: (
                s["properties"].update(reason={"type": "string"}),
                s["required"].append("reason"),
            ),
            "reason: field newly required",
        ),
        (
            lambda s: s["required"].remove("status"),
            "status: field no longer required (consumers count on it)",
        ),
        (
            lambda s: s["properties"]["status"].update(enum=["open"]),
            'status: enum value removed: "done" (old events carry it)',
        ),
        (
            lambda s: s["properties"]["status"].update(enum=["open", "done", "late"]),
            'status: enum value added: "late" (old consumers refuse it)',
        ),
        (
            lambda s: s["properties"]["percent"].update(maximum=50),
            "percent: maximum changed from 100 to 50",
        ),
        (
            lambda s: s["properties"]["task_id"].pop("format"),
            'task_id: format changed from "uuid" to (none)',
        ),
        (
            lambda s: s["properties"]["note"].update(default="-"),
            'note: default changed from "" to "-"',
        ),
        (
            lambda s: s.update(additionalProperties=False),
            "(root): additionalProperties changed from true to false",
        ),
        (
            lambda s: s.update({"x-kafka-topic": "chidao.other.v1"}),
            '(root): x-kafka-topic changed from "chidao.tasks.v1" to "chidao.other.v1"',
        ),
        (
            lambda s: s.update({"x-kafka-key": "directive_id"}),
            '(root): x-kafka-key changed from "task_id" to "directive_id"',
        ),
    ],
    ids=[
        "optional removed",
        "required removed",
        "type",
        "nullable added",
        "nullable removed",
        "newly required",
        "new required field",
        "no longer required",
        "enum value removed",
        "enum value added",
        "constraint",
        "format",
        "default",
        "closed",
        "topic",
        "key",
    ],
)
def test_each_breaking_kind_is_caught_and_named(edit: Any, expected: str) -> None:
    assert expected in changed(edit)


def unit_list(unit: dict[str, Any], defs: str = "UnitRef") -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"units": {"type": "array", "items": {"$ref": f"#/$defs/{defs}"}}},
        "$defs": {defs: unit},
    }


def test_changes_behind_references_and_in_arrays_are_caught_with_their_path() -> None:
    unit: dict[str, Any] = {
        "type": "object",
        "properties": {"code": {"type": "string"}},
        "required": ["code"],
    }
    renamed = unit_list(copy.deepcopy(unit), defs="Unit")
    assert breaking_changes(unit_list(unit), renamed) == [], "a renamed definition is the same"
    retyped = copy.deepcopy(unit)
    retyped["properties"]["code"] = {"type": "integer"}
    assert breaking_changes(unit_list(unit), unit_list(retyped)) == [
        "units[].code: type changed from string to integer"
    ]
    items = unit_list(unit)
    items["properties"]["units"]["items"] = {"type": "string"}
    assert breaking_changes(unit_list(unit), items) == [
        "units[]: type changed from object to string"
    ]


def test_a_recursive_schema_is_compared_once_and_ends() -> None:
    node: dict[str, Any] = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            "name": {"type": "string"},
        },
    }
    old: dict[str, Any] = {"$ref": "#/$defs/Node", "$defs": {"Node": node}}
    new = copy.deepcopy(old)
    assert breaking_changes(old, new) == []
    new["$defs"]["Node"]["properties"].pop("name")
    assert breaking_changes(old, new) == ["name: field removed"]


def test_a_removed_event_type_breaks_and_a_new_one_does_not() -> None:
    found = breaking_changes_by_type({"a.schema.json": base()}, {"b.schema.json": base()})
    assert found == {"a.schema.json": ["event type removed"]}
    assert breaking_changes_by_type({}, {"b.schema.json": base()}) == {}


# --- the real contract ---------------------------------------------------------------


def test_the_models_are_backward_compatible_with_the_released_schemas() -> None:
    released = contracts.read_schemas(contracts.CONTRACTS_DIR / contracts.RELEASED)
    assert len(released) >= 16
    breaking = contracts.breaking_changes()
    assert not breaking, (
        "changes that break subscribers or the stored events (add a .v2 type instead; "
        f"docs/event-catalogue.md): {json.dumps(breaking, indent=2)}"
    )


def test_every_compatible_change_is_released() -> None:
    """`chidao contracts` moves the baseline forward with each compatible change, so the
    next change is compared with what subscribers have, not with an older release."""
    released = contracts.CONTRACTS_DIR / contracts.RELEASED
    current = contracts.schema_files()
    unreleased = sorted(
        name
        for name, text in current.items()
        if not (released / name).exists() or (released / name).read_text() != text
    )
    assert not unreleased, f"run `chidao contracts` to release: {unreleased}"


def test_the_check_catches_a_real_breaking_change_to_a_real_schema() -> None:
    released = contracts.read_schemas(contracts.CONTRACTS_DIR / contracts.RELEASED)
    name = "chidao.directive.issued.v1.schema.json"
    new = copy.deepcopy(released[name])
    new["properties"].pop("reference")
    new["$defs"]["Urgency"]["enum"].remove("flash")
    new["$defs"]["UnitRef"]["required"].append("code")
    problems = breaking_changes(released[name], new)
    assert "reference: field removed" in problems
    assert 'content.urgency: enum value removed: "flash" (old events carry it)' in problems
    # A definition used in several places is reported once, where it is met first.
    assert "content.assignments[].coordinating_units[].code: field newly required" in problems
    assert len(problems) == 3
