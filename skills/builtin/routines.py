"""Routines (teach mode): saved steps run when a phrase is said, or at a time that comes round.

The device plans a routine's steps once, when it is taught ("when I say good night, turn off the
lights"), reads them back and saves them only after a yes (RoutineCreate is critical). Running one
replays exactly those calls through the same checks and policy as any command, so a routine with
a critical step still asks first.
"""
from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from skills import when
from skills.sdk import Actions, NoArgs, Preview, SkillContext, SkillError, SkillResult, skill
from skills.store import Routine

MATCH_SCORE = 90  # rapidfuzz ratio: "goodnight" finds "good night", "good morning" does not
_RUN = re.compile(r"^(?:please )?(?:run|start|do|activate|trigger) (?:the |my )?(.+?)(?: routine)?$")


class Step(BaseModel):
    """One call a routine makes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="A skill's name", max_length=60)
    args: dict[str, Any] = {}


class RoutineNew(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trigger: str | None = Field(None, description="The phrase that runs it, e.g. 'good night'",
                                min_length=2, max_length=60)
    schedule: str | None = Field(None, description="When it runs on its own, e.g. 'every weekday at 7 am'",
                                 max_length=60)
    steps: list[Step] = Field(description="The calls it makes, in order", min_length=1, max_length=8)

    @model_validator(mode="after")
    def _one_way_to_start(self) -> RoutineNew:
        if (self.trigger is None) == (self.schedule is None):
            raise ValueError("a routine starts either by a phrase or on a schedule")
        return self


class RoutineName(BaseModel):
    model_config = ConfigDict(extra="forbid")

    routine: str = Field(description="The routine's phrase, or the time it runs, e.g. 'good night'",
                         min_length=1, max_length=60)


def spoken_key(text: str) -> str:
    """What two sayings of a phrase share: letters and digits ("Good night!" = "goodnight")."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def find(routines: list[Routine], said: str) -> Routine | None:
    """The routine whose phrase was said ("good night", "run the good night routine"), allowing
    an STT slip; a scheduled one by the time it runs ("the 7 o'clock routine")."""
    spoken = said.casefold().strip(" .!?")
    asked = _RUN.match(spoken)
    wanted = spoken_key(asked.group(1) if asked else spoken)
    scored = [(fuzz.ratio(wanted, spoken_key(r.trigger)), r) for r in routines if r.trigger and wanted]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    if best[0] >= MATCH_SCORE:
        return best[1]
    return _by_clock(routines, asked.group(1) if asked else "")


def _by_clock(routines: list[Routine], said: str) -> Routine | None:
    try:
        clock = when.parse(said, datetime.now()).clock if said else None
    except ValueError:
        return None
    timed = [r for r in routines if r.clock and clock and time.fromisoformat(r.clock).hour % 12 == clock.hour % 12]
    return timed[0] if len(timed) == 1 else None


def schedule_of(routine: Routine) -> when.Schedule:
    return when.Schedule(repeat=routine.repeat, clock=time.fromisoformat(routine.clock))


def title(routine: Routine) -> str:
    return f"'{routine.trigger}'" if routine.trigger else when.say_schedule(schedule_of(routine))


def _checks(ctx: SkillContext) -> Actions:
    if ctx.actions is None:
        raise SkillError("I can't learn routines in this mode.")
    return ctx.actions


def _schedule(text: str) -> when.Schedule:
    try:
        return when.parse_schedule(text)
    except ValueError as exc:
        raise SkillError(f"I couldn't tell when to run it from '{text}': {exc}.") from None


def _check(args: RoutineNew, ctx: SkillContext) -> tuple[str, when.Schedule | None]:
    """What the routine does in words, and its schedule; a SkillError when any step can't run."""
    checks = _checks(ctx)
    if any(step.name == "RoutineCreate" for step in args.steps):
        raise SkillError("A routine can't make other routines.")
    if args.trigger and checks.is_command(args.trigger):
        raise SkillError(f"'{args.trigger}' already means a command; pick another phrase for the routine.")
    schedule = _schedule(args.schedule) if args.schedule else None
    summaries = checks.describe([step.model_dump() for step in args.steps])
    return ", then ".join(summaries), schedule


def _preview(args: RoutineNew, ctx: SkillContext) -> Preview:
    does, schedule = _check(args, ctx)
    start = f"when you say '{args.trigger}'" if args.trigger else when.say_schedule(schedule)
    return Preview(summary=f"save a routine: {start}, {does}")


@skill(
    name="RoutineCreate",
    description="Save a routine: steps run when a phrase is said or on a schedule (taught by voice)",
    risk="critical",
    permissions=["routines"],
    preview=_preview,
    offer_to_llm=False,
)
def create_routine(args: RoutineNew, ctx: SkillContext) -> SkillResult:
    does, schedule = _check(args, ctx)
    for old in [r for r in ctx.store.routines() if args.trigger and r.trigger
                and spoken_key(r.trigger) == spoken_key(args.trigger)]:
        ctx.store.update_routine(old.id, "removed")
    routine = ctx.store.add_routine({
        "trigger": args.trigger, "repeat": schedule.repeat if schedule else None,
        "clock": f"{schedule.clock:%H:%M}" if schedule else None,
        "next_at": when.next_run(schedule, ctx.now()).timestamp() if schedule else None,
        "steps": [step.model_dump() for step in args.steps], "summary": does})
    start = f"Say '{args.trigger}' to run it." if args.trigger else f"I'll do it {when.say_schedule(schedule)}."
    return SkillResult(speech=f"Saved. {start}", data={"routine_id": routine.id})


@skill(
    name="RoutineList",
    description="Say which routines are saved and what they do",
    risk="read",
    permissions=["routines"],
    examples=["(what|which) routines (do i have|are (there|saved|set))", "(list|show|tell me) [all] [my|the] routines",
              "do i have any routines"],
    phrasings=["what routines (do i have|are there|are saved)", "(list|show|tell me) my routines"],
)
def list_routines(args: NoArgs, ctx: SkillContext) -> SkillResult:
    routines = ctx.store.routines()
    if not routines:
        return SkillResult(speech="You have no routines. Teach me one: 'when I say good night, turn off the lights'.")
    spoken = "; ".join(f"{title(r)}: {r.summary}" for r in routines[:5])
    count = f"{len(routines)} routines" if len(routines) > 1 else "one routine"
    return SkillResult(speech=f"You have {count}. {spoken}.", data={"routines": [r.id for r in routines]})


def _restore(args: BaseModel, data: dict, ctx: SkillContext) -> SkillResult:
    ctx.store.update_routine(data["routine_id"], "saved")
    return SkillResult(speech="The routine is back.")


@skill(
    name="RoutineRemove",
    description="Delete a saved routine",
    permissions=["routines"],
    undo=_restore,
    examples=["(delete|remove|forget) [the|my] {routine} routine",
              "(delete|remove|forget) [the|my] routine [called|named|for] {routine}"],
)
def remove_routine(args: RoutineName, ctx: SkillContext) -> SkillResult:
    routine = find(ctx.store.routines(), args.routine)
    if routine is None:
        raise SkillError(f"I have no routine called '{args.routine}'.")
    ctx.store.update_routine(routine.id, "removed")
    return SkillResult(speech=f"Deleted the routine {title(routine)}.", data={"routine_id": routine.id})
