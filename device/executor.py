"""Runs planned calls against the skills, as the policy allows.

Every call is checked before any runs: arguments against the skill's schema, the predicted
effect (preview), and the policy's verdict. A plan never runs half-valid: one bad or denied step
stops all of it, and one step that needs a yes holds all of it for the next turn; a plan that would
pass the policy's rate limit on changes is denied whole. A skill that raises or overruns its
budget fails that action only, with a sentence the user can understand.
"""
from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace

from pydantic import BaseModel, ValidationError

from device.messages import ActionCall, ActionResult
from device.policy import Policy, Verdict
from skills.permissions import PermissionDenied, run_confined
from skills.registry import SkillSet
from skills.sdk import Preview, Skill, SkillContext, SkillError, only_missing

log = logging.getLogger(__name__)


@dataclass
class Checked:
    """A call that passed validation, with what it would do and what the policy says."""

    call: ActionCall
    skill: Skill
    args: BaseModel
    preview: Preview | None
    verdict: Verdict


class Executor:
    """Checks whole plans, then executes allowed calls in order with a time budget per call."""

    def __init__(self, skills: SkillSet, context: SkillContext, timeout_seconds: float,
                 policy: Policy | None = None) -> None:
        self._skills, self._context, self._timeout = skills, context, timeout_seconds
        self._policy = policy or Policy()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="skill")

    def run(self, calls: list[ActionCall], confirmed: bool = False, dry_run: bool = False,
            unsure: bool = False) -> list[ActionResult]:
        """`confirmed`: the user already said yes to this plan, in an earlier turn's question.
        `dry_run`: check and preview every call, run none. `unsure`: the planner wasn't sure the
        request was this plan, so a change the policy allows is asked about first."""
        checked = [_asked(c) if unsure else c for c in map(self.check, calls)]
        if dry_run:
            return [c if isinstance(c, ActionResult) else _held(c, "previewed", f"I would {_summary(c)}.")
                    for c in checked]
        if any(isinstance(c, ActionResult) for c in checked):
            return [c if isinstance(c, ActionResult) else _held(c, "cancelled", "") for c in checked]
        if any(c.verdict.decision == "deny" for c in checked):
            return [_held(c, "denied", f"I'm not allowed to do that, because {c.verdict.reason}.")
                    if c.verdict.decision == "deny" else _held(c, "cancelled", "") for c in checked]
        if not confirmed and any(c.verdict.decision == "confirm" for c in checked):
            question = f"This will {'; then '.join(_summary(c) for c in checked)}. Go ahead?"
            return [_held(c, "needs_confirmation", question if i == 0 else "") for i, c in enumerate(checked)]
        if (limit := self._over_rate_limit(checked)) is not None:
            why = f"more than {limit} changes in a minute is past the policy's rate limit"
            return [_held(c, "denied", f"I'm not allowed to do that, because {why}." if i == 0 else "")
                    for i, c in enumerate(checked)]
        results = [self._execute(c) for c in checked]
        changed = sum(r.status == "done" and c.skill.risk != "read" for r, c in zip(results, checked))
        self._context.store.add_actuations(changed, self._context.now().timestamp())
        return results

    def run_one(self, call: ActionCall) -> ActionResult:
        return self.run([call])[0]

    def describe(self, calls: list[dict]) -> list[str]:
        """What each call would do, in words, saying so where the policy will ask first; a
        SkillError names the first one that can't run. For calls kept to run later (routines,
        a timer's command): they are checked again when they run."""
        summaries = []
        for call in calls:
            checked = self.check(ActionCall(name=call.get("name", ""), args=call.get("args", {})))
            if isinstance(checked, ActionResult):
                raise SkillError(checked.speech)
            if checked.verdict.decision == "deny":
                raise SkillError(f"I'm not allowed to {_summary(checked)}, because {checked.verdict.reason}.")
            summaries.append(_summary(checked) + (" (I'll ask first)" if checked.verdict.decision == "confirm" else ""))
        return summaries

    def problem(self, calls: list[ActionCall]) -> str | None:
        """Why the first call that can't run can't (schema, unknown device, unmet precondition);
        a value still to be asked for is no problem of the plan's."""
        failed = (c for c in map(self.check, calls) if isinstance(c, ActionResult) and c.status != "needs_input")
        return next((result.speech for result in failed), None)

    def missing(self, call: ActionCall) -> str | None:
        """The required argument the call lacks, when nothing else keeps it from running."""
        if call.name not in self._skills:
            return None
        try:
            self._skills[call.name].params.model_validate(call.args)
        except ValidationError as exc:
            return only_missing(exc)
        return None

    def _over_rate_limit(self, checked: list[Checked]) -> int | None:
        """The policy's limit if this plan's changes would pass it, counting the last minute's."""
        changes = sum(c.skill.risk != "read" for c in checked)
        since = self._context.now().timestamp() - 60
        limit = self._policy.max_changes_per_minute
        return limit if changes and self._context.store.count_actuations(since) + changes > limit else None

    def check(self, call: ActionCall) -> Checked | ActionResult:
        if call.name not in self._skills:
            return _result(call, "invalid", f"I don't have a skill called {call.name}.")
        skill = self._skills[call.name]
        try:
            args = skill.params.model_validate(call.args)
            preview = skill.preview(args, self._context) if skill.preview else None
        except ValidationError as exc:
            if (field := only_missing(exc)) is not None:
                return _result(call, "needs_input", _question(skill, field))
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            return _result(call, "invalid", f"I couldn't use those details for {call.name}: {problem}.")
        except SkillError as exc:
            return _result(call, "failed", str(exc))
        verdict = self._policy.decide(skill, preview, self._kinds(preview), self._context.now())
        return Checked(call, skill, args, preview, verdict)

    def _kinds(self, preview: Preview | None) -> dict[str, str | None]:
        touched = {c.entity_id for c in preview.changes} if preview else set()
        return {e.id: e.attributes.get("device_class") for e in self._context.home.entities if e.id in touched}

    def _execute(self, checked: Checked) -> ActionResult:
        call = checked.call
        future = self._pool.submit(run_confined, checked.skill, checked.args, self._context)
        try:
            outcome = future.result(timeout=self._timeout)
        except SkillError as exc:
            return _held(checked, "failed", str(exc))
        except PermissionDenied as exc:
            log.warning("stopped: %s", exc)
            return _held(checked, "denied", f"I stopped {call.name}: it tried to use the {exc.permission} "
                                            "permission, which it didn't declare.")
        except FutureTimeout:
            return _held(checked, "failed", f"{call.name} took too long, so I stopped waiting.")
        except Exception:  # a skill's bug must cost one action, not the device
            log.exception("skill %s raised", call.name)
            return _held(checked, "failed", f"Something went wrong while running {call.name}.")
        return ActionResult(name=call.name, args=call.args, status="done", result=outcome.model_dump(),
                            decision=checked.verdict.decision, reason=checked.verdict.reason)


def _summary(checked: Checked) -> str:
    """The preview's words, else the skill's description with the arguments given."""
    if checked.preview:
        return checked.preview.summary
    what = re.sub(r"\s*\(.*?\)", "", checked.skill.description)
    given = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in checked.args.model_dump(exclude_none=True).items()
                      if v not in (False, "", [], {}))
    return what[:1].lower() + what[1:] + (f" ({given})" if given else "")


def _question(skill: Skill, field: str) -> str:
    """What to ask for a missing value: the field's own question ({"ask": ...} in its schema), or
    one made of its name."""
    extra = skill.params.model_fields[field].json_schema_extra
    asked = extra.get("ask") if isinstance(extra, dict) else None
    return str(asked or f"What {field.replace('_', ' ')} should I use?")


UNSURE = Verdict(decision="confirm", reason="the request was unclear, so I ask before changing anything")


def _asked(checked: Checked | ActionResult) -> Checked | ActionResult:
    """A change the policy allows, held for a yes instead."""
    if isinstance(checked, ActionResult) or checked.skill.risk == "read" or checked.verdict.decision != "allow":
        return checked
    return replace(checked, verdict=UNSURE)


def _held(checked: Checked, status: str, speech: str) -> ActionResult:
    result = {"speech": speech, **({"preview": checked.preview.model_dump()} if checked.preview else {})}
    return ActionResult(name=checked.call.name, args=checked.call.args, status=status, result=result,
                        decision=checked.verdict.decision, reason=checked.verdict.reason)


def _result(call: ActionCall, status: str, speech: str) -> ActionResult:
    return ActionResult(name=call.name, args=call.args, status=status, result={"speech": speech})
