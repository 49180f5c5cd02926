"""The JSON schema of a spec file (``awsstate schema``), for editors to complete and check it.

Built from the Desired models themselves, so it cannot disagree with what ``awsstate validate``
accepts: each entry of ``resources:`` is one of the kinds (or an ``s3_object`` or ``s3_sync``), told
apart by ``kind``. A reference
(``${kind.name.attribute}``) is a string, so it fits every field that takes an ARN, URL or name.
"""

from __future__ import annotations

from typing import Any

from awsstate.kinds import KINDS, kind_spec
from awsstate.stack.content import CONTENT_KINDS

__all__ = ["SCHEMA_ID", "kind_schema", "spec_schema"]

SCHEMA_ID = "https://awsstate.dev/schema/stack.json"


def kind_schema(kind: str) -> dict[str, Any]:
    """The schema of one ``resources:`` entry of ``kind``: its Desired model's fields plus ``kind``."""
    model = CONTENT_KINDS[kind] if kind in CONTENT_KINDS else kind_spec(kind).desired_model
    template = "#/$defs/" + kind + "__{model}"  # per kind: two kinds may each have a model called Tag
    schema = model.model_json_schema(mode="validation", ref_template=template)
    schema["$defs"] = {f"{kind}__{name}": value for name, value in schema.get("$defs", {}).items()}
    properties = {"kind": {"const": kind, "description": f"the resource kind: {kind}"}, **schema["properties"]}
    schema["properties"] = properties
    schema["required"] = ["kind", *schema.get("required", [])]
    schema["title"] = kind
    return schema


def spec_schema(kind: str | None = None) -> dict[str, Any]:
    """The schema of a whole spec file (``kind``: of one kind's resource entry only)."""
    if kind is not None:
        single = kind_schema(kind)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **single}
    definitions: dict[str, Any] = {}
    choices = []
    for name in [*KINDS, *CONTENT_KINDS]:
        entry = kind_schema(name)
        definitions.update(entry.pop("$defs", {}))
        definitions[f"kind_{name}"] = entry
        choices.append({"$ref": f"#/$defs/kind_{name}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "awsstate stack",
        "description": "One stack: its name, defaults, and the desired state of each resource.",
        "type": "object",
        "additionalProperties": False,
        "required": ["stack", "resources"],
        "properties": {
            "stack": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$",
                      "description": "the stack's name, the value of its awsstate:stack ownership tag"},
            "defaults": {"type": "object", "additionalProperties": False,
                         "properties": {"region": {"type": "string",
                                                   "description": "for every regional resource that names none"}}},
            "resources": {"type": "array", "minItems": 1, "items": {
                "oneOf": choices,
                "discriminator": {"propertyName": "kind"}}},
        },
        "$defs": definitions,
    }
