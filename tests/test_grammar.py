"""The LLM's output grammar admits valid calls of registered skills and nothing else."""
from __future__ import annotations

import json

from llama_cpp import LlamaGrammar
from pydantic import BaseModel, Field

from device.planner.grammar import MAX_CALLS, args_schema, plan_grammar, plan_schema, schema_grammar
from skills.builtin.timers import TimerDuration
from skills.registry import SkillSet


def test_one_alternative_per_skill_with_its_name_fixed(skills: SkillSet) -> None:
    schema = plan_schema(skills)
    names = [alt["properties"]["name"]["const"] for alt in schema["items"]["anyOf"]]
    assert sorted(names) == sorted(s.name for s in skills if s.name != "RoutineCreate")
    assert schema["maxItems"] == MAX_CALLS and schema["minItems"] == 1


def test_skills_the_device_plans_itself_are_not_offered(skills: SkillSet) -> None:
    assert "RoutineCreate" in skills and "RoutineCreate" not in plan_grammar(skills)


def test_argument_schema_drops_nulls_and_forbids_extras() -> None:
    schema = args_schema(TimerDuration)
    assert schema["properties"]["minutes"] == {"type": "number"}
    assert schema["additionalProperties"] is False


def test_grammar_compiles_in_llama_cpp(skills: SkillSet) -> None:
    text = plan_grammar(skills)
    assert LlamaGrammar.from_string(text, verbose=False) is not None
    assert '"\\"HassTurnOn\\""' in text and json.dumps("Unsupported") in text.replace('\\"', '"')


def test_a_small_integer_range_is_written_out_so_the_model_stays_inside_it() -> None:
    class Level(BaseModel):
        brightness: int = Field(ge=0, le=100)
        minutes: int = Field(ge=1, le=1440)

    props = args_schema(Level)["properties"]
    assert props["brightness"]["enum"] == list(range(101))
    assert "enum" not in props["minutes"]  # too many to list: the skill's own validation holds it
    LlamaGrammar.from_string(schema_grammar(args_schema(Level)), verbose=False)
