"""Runs planned calls against the skills: validates arguments, bounds time, contains failures.

A skill that raises or overruns its budget fails that action only, with a sentence the user
can understand; the device stays up.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from pydantic import ValidationError

from device.messages import ActionCall, ActionResult
from skills.registry import SkillSet
from skills.sdk import SkillContext, SkillError

log = logging.getLogger(__name__)


class Executor:
    """Executes calls in order with a time budget per call."""

    def __init__(self, skills: SkillSet, context: SkillContext, timeout_seconds: float) -> None:
        self._skills, self._context, self._timeout = skills, context, timeout_seconds
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="skill")

    def run(self, calls: list[ActionCall]) -> list[ActionResult]:
        return [self.run_one(call) for call in calls]

    def run_one(self, call: ActionCall) -> ActionResult:
        if call.name not in self._skills:
            return _result(call, "invalid", f"I don't have a skill called {call.name}.")
        skill = self._skills[call.name]
        try:
            args = skill.params.model_validate(call.args)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            return _result(call, "invalid", f"I couldn't use those details for {call.name}: {problem}.")
        future = self._pool.submit(skill.run, args, self._context)
        try:
            outcome = future.result(timeout=self._timeout)
        except SkillError as exc:
            return _result(call, "failed", str(exc))
        except FutureTimeout:
            return _result(call, "failed", f"{call.name} took too long, so I stopped waiting.")
        except Exception:  # a skill's bug must cost one action, not the device
            log.exception("skill %s raised", call.name)
            return _result(call, "failed", f"Something went wrong while running {call.name}.")
        return ActionResult(name=call.name, args=call.args, status="done", result=outcome.model_dump())


def _result(call: ActionCall, status: str, speech: str) -> ActionResult:
    return ActionResult(name=call.name, args=call.args, status=status, result={"speech": speech})
