"""The planner: saved routines and teach mode first, then templates (fast, exact), then the
grammar-constrained LLM for everything else."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from device.messages import ActionCall, Plan
from device.planner.fast import FastPlanner
from device.planner.teach import teach
from skills.builtin.routines import find
from skills.store import Routine


def routine_plan(routine: Routine) -> Plan:
    """A saved routine's steps, exactly as they were read back when it was taught."""
    return Plan(calls=[ActionCall(**step) for step in routine.steps], source="fast", routine=routine.id)


class Planner:
    """Turns a transcript into a Plan. The LLM planner is built on first need (it is heavy)."""

    def __init__(self, fast: FastPlanner, make_llm: Callable[[], Callable[[str], Plan]],
                 routines: Callable[[], list[Routine]] = list) -> None:
        self._fast = fast
        self._make_llm = make_llm
        self._llm: Callable[[str], Plan] | None = None
        self._routines = routines

    @property
    def llm_loaded(self) -> bool:
        return self._llm is not None

    def load_llm(self) -> None:
        """Build the LLM planner now rather than on the first request that needs it."""
        self._model()

    def plan(self, text: str, context: dict[str, Any] | None = None) -> Plan:
        """`context` is what the device knows about the turn, e.g. {"area": "Kitchen"} for "in here"."""
        if (routine := find(self._routines(), text)) is not None:
            return routine_plan(routine)
        taught = teach(text, context, self._fast.plan, self._plan_by_llm)
        return taught or self._fast.plan(text, context) or self._plan_by_llm(text)

    def repair(self, text: str, plan: Plan, problem: str) -> Plan:
        """Plan again with the model, told why its plan can't run (only LLM plans are repaired)."""
        return self._model().repair(text, plan.calls, problem)

    def _plan_by_llm(self, text: str) -> Plan:
        return self._model()(text)

    def _model(self):
        if self._llm is None:
            self._llm = self._make_llm()
        return self._llm
