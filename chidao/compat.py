"""Is a new JSON Schema of a public event backward compatible with the released one?

The project's evolution rule (`shared/contracts/events/__init__.py`): a `.v1` type only
gains optional fields; anything else is a new `.v2` type. Both sides of the topic
count: subscribers built against the released schema read the new events, and new
code reads the old events the topics keep forever (replays, a new subscriber). So,
breaking, by structure, anywhere in the payload:

- a field removed, a field newly required, a required field no longer required;
- a type changed (nullable added or removed included);
- an enum value removed (old events carry it) or added (old consumers refuse it);
- a constraint or format changed, a default changed, extra properties forbidden;
- the topic or the key of the type changed, a type removed.

Accepted: new optional fields, new types, titles and descriptions, renamed `$defs`
(references are followed, names do not matter). A definition used in several places
is compared once, and a problem in it is reported at the first path it is met on.

Why not a library: the ones on PyPI either compare the sets of accepted documents
(`jsoncompat`, needs Python 3.12; it refuses any added optional field in one direction,
since an open schema already accepted that field with any type) or list differences
without judging them. The rule above is structural, small and ours to keep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Keywords whose value must stay the same: any change moves what is valid.
CONSTRAINTS = (
    "format",
    "pattern",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
ROUTING = ("x-kafka-topic", "x-kafka-key")
_MISSING = object()


def _show(value: Any) -> str:
    return "(none)" if value is _MISSING else json.dumps(value, ensure_ascii=False)


class _Comparison:
    def __init__(self, old_root: Mapping[str, Any], new_root: Mapping[str, Any]) -> None:
        self.roots = (old_root, new_root)
        self.problems: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '(root)'}: {message}")

    def resolve(self, node: Mapping[str, Any], side: int) -> tuple[dict[str, Any], str | None]:
        """Follow local `$ref`s; keywords next to a `$ref` (a default, a description)
        apply too. Returns the node and the last reference followed."""
        ref = None
        node = dict(node)
        for _ in range(64):
            if "$ref" not in node:
                return node, ref
            ref = str(node.pop("$ref"))
            if not ref.startswith("#/"):
                raise ValueError(f"only local references are supported, not {ref!r}")
            target: Any = self.roots[side]
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = {**target, **node}
        raise ValueError(f"reference chain too long at {ref!r}")

    def compare(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old, old_ref = self.resolve(old, 0)
        new, new_ref = self.resolve(new, 1)
        self.same(old, new, path, ("default",))
        if old_ref and new_ref:  # each pair of definitions once: recursion ends
            if (old_ref, new_ref) in self._seen:
                return
            self._seen.add((old_ref, new_ref))
        olds, news = old.get("anyOf", old.get("oneOf")), new.get("anyOf", new.get("oneOf"))
        if olds is None and news is None:
            self.compare_one(old, new, path)
            return
        olds, news = olds or [old], news or [new]
        old_kinds = [_kind(self.resolve(a, 0)[0]) for a in olds]
        new_kinds = [_kind(self.resolve(b, 1)[0]) for b in news]
        if sorted(old_kinds) != sorted(new_kinds):
            self.problem(
                path,
                f"type changed from {'|'.join(sorted(old_kinds))} to {'|'.join(sorted(new_kinds))}",
            )
            return
        by_kind_old = sorted(zip(old_kinds, range(len(olds)), strict=True))
        by_kind_new = sorted(zip(new_kinds, range(len(news)), strict=True))
        for (_, i), (_, j) in zip(by_kind_old, by_kind_new, strict=True):
            self.compare(olds[i], news[j], path)

    def same(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, keys: tuple[str, ...]
    ) -> None:
        for key in keys:
            before, after = old.get(key, _MISSING), new.get(key, _MISSING)
            if before != after:
                self.problem(path, f"{key} changed from {_show(before)} to {_show(after)}")

    def compare_one(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if _types(old) != _types(new):
            self.problem(path, f"type changed from {_kind(old)} to {_kind(new)}")
            return
        self.compare_enum(old, new, path)
        self.same(old, new, path, CONSTRAINTS)
        if "properties" in old or "properties" in new or "object" in _types(old):
            self.compare_object(old, new, path)
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), f"{path}[]")
        old_prefix, new_prefix = old.get("prefixItems", []), new.get("prefixItems", [])
        if len(old_prefix) != len(new_prefix):
            self.problem(path, f"tuple length changed from {len(old_prefix)} to {len(new_prefix)}")
        for i, (a, b) in enumerate(zip(old_prefix, new_prefix, strict=False)):
            self.compare(a, b, f"{path}[{i}]")

    def compare_enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if "enum" not in old and "enum" not in new:
            return
        if "enum" not in new:
            self.problem(path, "enum restriction removed: any value may come")
            return
        if "enum" not in old:
            self.problem(path, "enum restriction added: old events may not match it")
            return
        before = {json.dumps(v) for v in old["enum"]}
        after = {json.dumps(v) for v in new["enum"]}
        for value in sorted(before - after):
            self.problem(path, f"enum value removed: {value} (old events carry it)")
        for value in sorted(after - before):
            self.problem(path, f"enum value added: {value} (old consumers refuse it)")

    def compare_object(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        prefix = f"{path}." if path else ""
        for name, schema in old_props.items():
            if name not in new_props:
                self.problem(f"{prefix}{name}", "field removed")
            else:
                self.compare(schema, new_props[name], f"{prefix}{name}")
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name in sorted(new_required - old_required):
            self.problem(f"{prefix}{name}", "field newly required")
        for name in sorted((old_required - new_required) & set(new_props)):
            self.problem(f"{prefix}{name}", "field no longer required (consumers count on it)")
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare(old_extra, new_extra, f"{prefix}*")
        elif old_extra != new_extra:
            self.problem(
                path, f"additionalProperties changed from {_show(old_extra)} to {_show(new_extra)}"
            )


def _types(node: Mapping[str, Any]) -> frozenset[str]:
    declared = node.get("type")
    if declared is None:
        if "properties" in node:
            return frozenset({"object"})
        return frozenset()
    if isinstance(declared, list):
        return frozenset(str(t) for t in declared)
    return frozenset({str(declared)})


def _kind(node: Mapping[str, Any]) -> str:
    return "|".join(sorted(_types(node))) or "any"


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What in `new` breaks the consumers and the stored events of `old`; [] when none."""
    comparison = _Comparison(old, new)
    comparison.same(old, new, "", ROUTING)
    comparison.compare(old, new, "")
    return comparison.problems


def breaking_changes_by_type(
    released: Mapping[str, Mapping[str, Any]], current: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[str]]:
    """The breaking changes of each released schema (by name), a removed one included;
    new schemas are not in `released` and break nothing."""
    found: dict[str, list[str]] = {}
    for name, old in sorted(released.items()):
        new = current.get(name)
        problems = ["event type removed"] if new is None else breaking_changes(old, new)
        if problems:
            found[name] = problems
    return found
