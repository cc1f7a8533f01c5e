"""The LLM's output grammar: a JSON list of calls, each a real skill with its own argument schema.

One object schema per skill (name fixed by `const`, args from the skill's pydantic model), so the
model can only emit valid calls of registered skills, in any order, or an Answer/Unsupported.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from skills.registry import SkillSet

MAX_CALLS = 4
MAX_LISTED = 200  # an integer range this small is written out value by value in the grammar


def _simple(prop: dict[str, Any]) -> dict[str, Any]:
    """A pydantic property schema reduced to what the grammar needs (no nulls, no titles)."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    chosen = dict(options[0]) if options else {"type": "string"}
    if _small_range(chosen):  # the grammar builder ignores bounds: "brighter" became 2500000000000000
        chosen["enum"] = list(range(chosen["minimum"], chosen["maximum"] + 1))
    # String lengths are bounded by the token budget: a maxLength unrolls into a huge grammar.
    return {k: v for k, v in chosen.items() if k in ("type", "enum", "const", "items")}


def _small_range(prop: dict[str, Any]) -> bool:
    """An integer with both bounds, few enough values to list them all."""
    low, high = prop.get("minimum"), prop.get("maximum")
    return prop.get("type") == "integer" and isinstance(low, int) and isinstance(high, int) and high - low <= MAX_LISTED


def args_schema(params: type[BaseModel]) -> dict[str, Any]:
    schema = params.model_json_schema()
    properties = {name: _simple(prop) for name, prop in schema.get("properties", {}).items()
                  if prop.get("llm", True)}  # a field marked {"llm": False} is the templates' alone
    return {"type": "object", "properties": properties, "required": schema.get("required", []),
            "additionalProperties": False}


def offered(skills: SkillSet) -> SkillSet:
    """The skills the model may call (not those the device plans itself, such as RoutineCreate)."""
    return SkillSet({s.name: s for s in skills if s.offer_to_llm})


def plan_schema(skills: SkillSet) -> dict[str, Any]:
    calls = [
        {"type": "object",
         "properties": {"name": {"const": s.name}, "args": args_schema(s.params)},
         "required": ["name", "args"], "additionalProperties": False}
        for s in offered(skills)
    ]
    return {"type": "array", "items": {"anyOf": calls}, "minItems": 1, "maxItems": MAX_CALLS}


def plan_grammar(skills: SkillSet) -> str:
    return schema_grammar(plan_schema(skills))


def schema_grammar(schema: dict[str, Any]) -> str:
    """GBNF admitting exactly the JSON values the schema describes."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return json_schema_to_gbnf(json.dumps(schema))
