"""The planner: templates first (fast, exact), the grammar-constrained LLM for everything else."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from device.messages import Plan
from device.planner.fast import FastPlanner


class Planner:
    """Turns a transcript into a Plan. The LLM planner is built on first need (it is heavy)."""

    def __init__(self, fast: FastPlanner, make_llm: Callable[[], Callable[[str], Plan]]) -> None:
        self._fast = fast
        self._make_llm = make_llm
        self._llm: Callable[[str], Plan] | None = None

    @property
    def llm_loaded(self) -> bool:
        return self._llm is not None

    def plan(self, text: str, context: dict[str, Any] | None = None) -> Plan:
        """`context` is what the device knows about the turn, e.g. {"area": "Kitchen"} for "in here"."""
        fast = self._fast.plan(text, context)
        if fast is not None:
            return fast
        if self._llm is None:
            self._llm = self._make_llm()
        return self._llm(text)
