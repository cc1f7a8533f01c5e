"""`hark skills test`: does each example utterance of a skill route to that skill, with valid args?"""
from __future__ import annotations

import random
from pathlib import Path

from pydantic import BaseModel, ValidationError

from device.errors import HarkError
from device.pipeline import Pipeline
from device.planner.fast import sample_utterances, slot_lists
from skills.registry import SkillSet, import_file
from skills.sdk import Example, Skill


class ExampleCheck(BaseModel):
    """One sampled utterance of one template, and where the planner sent it."""

    skill: str
    template: str
    utterance: str
    routed_to: str | None
    args: dict
    source: str | None
    ok: bool


def add_skill_files(pipeline: Pipeline, path: Path) -> list[str]:
    """Load a skill file, or every skill file under a plugin folder (skills already loaded, e.g.
    from the installed plugin, stay as they are); returns the names the files declare."""
    files = [path] if path.is_file() else [p for p in sorted(path.rglob("*.py"))
                                           if "tests" not in p.parts and p.name != "__init__.py"]
    declared = SkillSet()
    for file in files:
        module = import_file(file)
        declared.add_module(module, origin=str(file))
        pipeline.skills.add_module(module, origin=str(file))
    if not declared.skills:
        raise HarkError(f"no skills declared at {path}", "give a skill .py file or a plugin folder")
    return sorted(declared.skills)


def _samples(skill: Skill, example: Example, lists: dict, count: int, rng: random.Random) -> list[str]:
    pool = sample_utterances(skill.name, example, lists, 500)
    return rng.sample(pool, min(count, len(pool)))


def check(pipeline: Pipeline, skill: Skill, per_template: int = 3, seed: int = 0) -> list[ExampleCheck]:
    lists, rng, checks = slot_lists(pipeline.home), random.Random(seed), []
    for example in skill.examples:
        for utterance in _samples(skill, example, lists, per_template, rng):
            plan = pipeline.planner.plan(utterance, pipeline.context)
            first = plan.calls[0]
            checks.append(ExampleCheck(skill=skill.name, template=example.template, utterance=utterance,
                                       routed_to=first.name, args=first.args, source=plan.source,
                                       ok=first.name == skill.name and _valid(skill, first.args)))
    return checks


def _valid(skill: Skill, args: dict) -> bool:
    try:
        skill.params.model_validate(args)
    except ValidationError:
        return False
    return True
