"""Teach mode's phrasings: "when I say good night, turn off the lights" and "every weekday at 7,
tell me the time" become one RoutineCreate call whose steps are planned like any command.

The openings are a small grammar of their own because the split matters and hassil drops
punctuation: a comma is where a speaker's phrase (or schedule) ends. Without one, the shortest
phrase whose remainder the fast path understands wins; a schedule must read as one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from device.messages import ActionCall, Plan
from skills import when

_OPENINGS = [("trigger", re.compile(r"^(?:when(?:ever)?|if|once) i say\s+(?P<rest>.+)$", re.IGNORECASE)),
             ("schedule", re.compile(r"^(?P<rest>(?:every|each)\s+.+)$", re.IGNORECASE))]
MAX_HEAD_WORDS = 8
HOW = "Teach me a routine like this: when I say good night, turn off the lights and set an alarm for seven."

PlanSteps = Callable[[str, dict[str, Any] | None], Plan | None]


@dataclass(frozen=True)
class Lesson:
    """One way to read a teaching sentence: how the routine starts and what it does."""

    kind: Literal["trigger", "schedule"]
    head: str
    steps: str

    def plan(self, steps: Plan) -> Plan:
        args = {self.kind: self.head, "steps": [call.model_dump() for call in steps.calls]}
        return Plan(calls=[ActionCall(name="RoutineCreate", args=args)], source=steps.source)


def lessons(text: str) -> list[Lesson]:
    """The readings of a teaching sentence, most likely first (the comma's); [] when it isn't one."""
    for kind, opening in _OPENINGS:
        if found := opening.match(text.strip().rstrip(".!")):
            rest = found.group("rest")
            splits = [rest.split(",", 1)] if "," in rest else []
            words = rest.replace(",", " ").split()
            splits += [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, min(len(words), MAX_HEAD_WORDS))]
            found_lessons = [Lesson(kind, head.strip(), steps.strip()) for head, steps in splits if steps.strip()]
            return [lesson for lesson in found_lessons if kind == "trigger" or _is_schedule(lesson.head)]
    return []


def _is_schedule(text: str) -> bool:
    try:
        when.parse_schedule(text)
    except ValueError:
        return False
    return True


def teach(text: str, context: dict[str, Any] | None, fast: PlanSteps, llm: Callable[[str], Plan]) -> Plan | None:
    """A RoutineCreate plan for a teaching sentence (steps by the fast path, or by the LLM when a
    comma marks the split), an explanation when a "when I say" sentence can't be split, else None."""
    found = lessons(text)
    for lesson in found:
        if (steps := fast(lesson.steps, context)) is not None:
            return lesson.plan(steps)
    if found and "," in text:
        return found[0].plan(llm(found[0].steps))
    if _OPENINGS[0][1].match(text.strip()):
        return Plan(calls=[ActionCall(name="Answer", args={"text": HOW})], source="fast")
    return None
