"""Is a new schema of a published event type backward compatible with the old one?

The rule of events.md: adding an optional field keeps the version; anything else a consumer
or a stored event could trip over needs a new ``.vN`` type. ``breaking_changes`` compares two
JSON Schemas (as ``schemas.event_schema`` writes them) and names every field that was
removed, retyped (type, format, constant, allowed values or bounds changed) or became required.
Titles, descriptions, defaults and examples are documentation and may change freely.
"""

import json
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]
_CONSTRAINTS = (
    "const",
    "enum",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every change from ``old`` to ``new`` that is not backward compatible ([] if none)."""
    return _Comparison(old, new).run()


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root, self.new_root = old_root, new_root
        self.problems: list[str] = []
        self.seen: set[tuple[int, int]] = set()

    def run(self) -> list[str]:
        self.compare(self.old_root, self.new_root, "")
        return self.problems

    def compare(self, old: Schema, new: Schema, path: str) -> None:
        old, new = _resolve(self.old_root, old), _resolve(self.new_root, new)
        if (id(old), id(new)) in self.seen:
            return
        self.seen.add((id(old), id(new)))
        old_shape, new_shape = _shape(self.old_root, old), _shape(self.new_root, new)
        if old_shape != new_shape:
            where = path or "(event)"
            self.problems.append(
                f"{where}: retyped from {_describe(old_shape)} to {_describe(new_shape)}"
            )
            return
        self._fields(old, new, path)
        if isinstance(old.get("items"), Mapping):
            self.compare(old["items"], new.get("items", {}), f"{path}[]")
        if isinstance(old.get("additionalProperties"), Mapping):
            self.compare(old["additionalProperties"], new["additionalProperties"], f"{path}{{}}")
        for old_branch, new_branch in _pair_branches(self.old_root, old, self.new_root, new):
            self.compare(old_branch, new_branch, path)

    def _fields(self, old: Schema, new: Schema, path: str) -> None:
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        for name, schema in old_fields.items():
            if name not in new_fields:
                self.problems.append(f"{path}.{name}: removed")
            else:
                self.compare(schema, new_fields[name], f"{path}.{name}")
        for name in new.get("required", []):
            if name in old.get("required", []):
                continue
            what = "became required" if name in old_fields else "new required field"
            self.problems.append(f"{path}.{name}: {what}")


def _resolve(root: Schema, node: Schema) -> Schema:
    """Follow local ``$ref``s (``#/...`` JSON pointers) and single-branch ``allOf``s."""
    for _ in range(32):
        if "$ref" in node:
            target: Any = root
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        elif len(node.get("allOf", ())) == 1 and "type" not in node:
            node = node["allOf"][0]
        else:
            return node
    raise ValueError("a $ref cycle without an object in between")


def _branches(node: Schema) -> list[Schema]:
    return list(node.get("anyOf", node.get("oneOf", [])))


def _shape(root: Schema, node: Schema) -> tuple[Any, ...]:
    """What a value must look like at this node, fields and items aside."""
    branches = _branches(node)
    if branches:
        return ("union", frozenset(_shape(root, _resolve(root, b)) for b in branches))
    kind = node.get("type", "object" if "properties" in node else "any")
    kinds = tuple(sorted(kind)) if isinstance(kind, list) else (kind,)
    constraints = tuple((k, json.dumps(node[k], sort_keys=True)) for k in _CONSTRAINTS if k in node)
    return (kinds, constraints)


def _describe(shape: tuple[Any, ...]) -> str:
    if shape[0] == "union":
        return " | ".join(sorted(_describe(branch) for branch in shape[1]))
    kinds, constraints = shape
    text = "/".join(kinds)
    if constraints:
        text += " (" + ", ".join(f"{k}={v}" for k, v in constraints) + ")"
    return text


def _pair_branches(
    old_root: Schema, old: Schema, new_root: Schema, new: Schema
) -> list[tuple[Schema, Schema]]:
    """Old and new union branches of the same shape, in order (the shapes already match)."""
    unpaired = [_resolve(new_root, b) for b in _branches(new)]
    pairs = []
    for branch in (_resolve(old_root, b) for b in _branches(old)):
        shape = _shape(old_root, branch)
        match = next(b for b in unpaired if _shape(new_root, b) == shape)
        unpaired.remove(match)
        pairs.append((branch, match))
    return pairs
