"""Timers, kept in SQLite with wall-clock end times so they survive a restart.

Timers are picked the way Home Assistant's timer intents name them: by name, by area, or by
the length they were started with; with no description, the only running timer.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skills.sdk import Preview, SkillContext, SkillError, SkillResult, skill
from skills.store import Timer

_DURATION = "(set|start|create) [a|the] timer for "


class Duration(BaseModel):
    """A length of time in Home Assistant's slots."""

    model_config = ConfigDict(extra="forbid")

    hours: float | None = Field(None, ge=0, le=24, description="Hours")
    minutes: float | None = Field(None, ge=0, le=1440, description="Minutes")
    seconds: float | None = Field(None, ge=0, le=86400, description="Seconds")

    def total_seconds(self) -> float:
        return (self.hours or 0) * 3600 + (self.minutes or 0) * 60 + (self.seconds or 0)


class TimerDuration(Duration):
    """A new timer: its length (required), a label and the room it belongs to."""

    name: str | None = Field(None, description="Optional label, e.g. 'pasta'")
    area: str | None = Field(None, description="Room the timer belongs to")
    # HA's slot, filled by templates only ("turn off the lights in 10 minutes"): the model never
    # writes a command for later
    conversation_command: str | None = Field(None, description="A command to run when it ends",
                                             json_schema_extra={"llm": False, "command": True})

    @model_validator(mode="after")
    def _has_length(self) -> TimerDuration:
        if self.total_seconds() <= 0:
            raise ValueError("a timer needs a length: hours, minutes or seconds")
        return self


class TimerTarget(BaseModel):
    """Which timer: by label, room, or the length it was started with."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="The timer's label, e.g. 'pizza'")
    area: str | None = Field(None, description="Room of the timer")
    start_hours: float | None = Field(None, description="Hours it was started with")
    start_minutes: float | None = Field(None, description="Minutes it was started with")
    start_seconds: float | None = Field(None, description="Seconds it was started with")

    def started_with(self) -> float | None:
        given = (self.start_hours, self.start_minutes, self.start_seconds)
        if all(v is None for v in given):
            return None
        return (self.start_hours or 0) * 3600 + (self.start_minutes or 0) * 60 + (self.start_seconds or 0)


class TimerChange(TimerTarget, Duration):
    """A timer and how much time to add or take away."""


def say_duration(seconds: float, adjective: bool = False) -> str:
    """'1 hour and 5 minutes' (or, before a noun, '1 hour and 5 minute'): as a person says it."""
    whole = round(seconds)
    parts = [(whole // 3600, "hour"), (whole % 3600 // 60, "minute"), (whole % 60, "second")]
    words = [f"{n} {unit}{'s' if n != 1 and not adjective else ''}" for n, unit in parts if n]
    return " and ".join(words) or "0 seconds"


def _label(timer: Timer) -> str:
    if timer.command:
        return f"the timer to {timer.command}"
    return f"the {timer.name} timer" if timer.name else f"the {say_duration(timer.seconds, adjective=True)} timer"


def _norm(text: str | None) -> str | None:
    return text.strip().casefold() if text else None


def find_timers(ctx: SkillContext, target: TimerTarget, every: bool = False) -> list[Timer]:
    """Active timers matching the target; one unless `every`. Raises a spoken error otherwise."""
    active = [t for t in ctx.store.timers() if t.state in ("running", "paused")]
    if target.name:
        active = [t for t in active if _norm(t.name) == _norm(target.name)]
    if target.area:
        active = [t for t in active if _norm(t.area) == _norm(target.area)]
    if (length := target.started_with()) is not None:
        active = [t for t in active if abs(t.seconds - length) < 1]
    if not active:
        raise SkillError("There's no timer like that running." if target.model_dump(exclude_none=True)
                         else "There's no timer running.")
    if len(active) > 1 and not every:
        raise SkillError(f"Which timer: {' or '.join(_label(t) for t in active[:3])}?")
    return active


def _cancel_started(args: BaseModel, data: dict, ctx: SkillContext) -> SkillResult:
    ctx.store.update_timer(data["timer_id"], state="cancelled")
    return SkillResult(speech="Cancelled the timer I just set.")


def _later(command: str, ctx: SkillContext) -> tuple[list[dict], str]:
    """The calls a command to run when the timer ends means, and what they do in words; checked
    now (an unknown device is said at once) and again, with the policy, when they run."""
    if ctx.actions is None:
        raise SkillError("I can't run a command when a timer ends in this mode.")
    steps = ctx.actions.steps(command)
    return steps, ", then ".join(ctx.actions.describe(steps))


def _start_preview(args: TimerDuration, ctx: SkillContext) -> Preview:
    length = say_duration(args.total_seconds())
    if args.conversation_command:
        return Preview(summary=f"in {length}, {_later(args.conversation_command, ctx)[1]}")
    label = f" {args.name}" if args.name else ""
    return Preview(summary=f"start a {say_duration(args.total_seconds(), adjective=True)}{label} timer")


@skill(
    name="HassStartTimer",
    undo=_cancel_started,
    preview=_start_preview,
    description="Start a countdown timer for a length of time",
    permissions=["timers"],
    examples=[
        _DURATION + "{hours} hour[s]",
        _DURATION + "{minutes} minute[s]",
        _DURATION + "{seconds} second[s]",
        _DURATION + "{hours} hour[s] [and] {minutes} minute[s]",
        _DURATION + "{minutes} minute[s] [and] {seconds} second[s]",
        "(set|start|create) [a] {minutes} minute timer",
        "timer [for] {minutes} minute[s]",
    ],
    phrasings=["(set|start) [a|the] timer [for {minutes} minutes]",
               "(countdown|count down) [from] {minutes} minutes", "(remind|tell) me in {minutes} minutes",
               "timer {minutes} minutes", "let me know when {minutes} minutes (are up|have passed)"],
)
def start_timer(args: TimerDuration, ctx: SkillContext) -> SkillResult:
    seconds = args.total_seconds()
    steps, does = _later(args.conversation_command, ctx) if args.conversation_command else ([], "")
    timer = ctx.store.add_timer(seconds, ctx.now().timestamp(), args.name, args.area,
                                command=args.conversation_command, steps=steps)
    label = f"{args.name} timer" if args.name else "Timer"
    speech = f"In {say_duration(seconds)}, I'll {does}." if steps else f"{label} set for {say_duration(seconds)}."
    return SkillResult(speech=speech, data={"timer_id": timer.id, "seconds": seconds, "ends_at": timer.ends_at,
                                            "steps": steps})


@skill(name="HassCancelTimer", description="Cancel one running timer", permissions=["timers"],
       examples=["(cancel|stop) [the|my] timer", "(cancel|stop) [the|my] {minutes:start_minutes} minute timer"],
       phrasings=["(cancel|stop|delete|turn off|kill) [the|my] timer", "i don't need the timer [anymore]"])
def cancel_timer(args: TimerTarget, ctx: SkillContext) -> SkillResult:
    timer = find_timers(ctx, args)[0]
    ctx.store.update_timer(timer.id, state="cancelled")
    return SkillResult(speech=f"Cancelled {_label(timer)}.", data={"timer_id": timer.id})


class AreaOnly(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str | None = Field(None, description="Only the timers of this room")


@skill(name="HassCancelAllTimers", description="Cancel every running timer", permissions=["timers"],
       examples=["(cancel|stop) all [the|my] timers"])
def cancel_all_timers(args: AreaOnly, ctx: SkillContext) -> SkillResult:
    try:
        timers = find_timers(ctx, TimerTarget(area=args.area), every=True)
    except SkillError:
        return SkillResult(speech="There were no timers to cancel.", data={"cancelled": 0})
    for timer in timers:
        ctx.store.update_timer(timer.id, state="cancelled")
    count = len(timers)
    return SkillResult(speech=f"Cancelled {count} timer{'s' if count != 1 else ''}.", data={"cancelled": count})


def _shift(args: TimerChange, ctx: SkillContext, sign: int) -> SkillResult:
    change = args.total_seconds() * sign
    if change == 0:
        raise SkillError("By how much?")
    timer = find_timers(ctx, args)[0]
    now = ctx.now().timestamp()
    left = max(0.0, timer.left(now) + change)
    ctx.store.update_timer(timer.id, seconds=max(1.0, timer.seconds + change), ends_at=now + left,
                           remaining=left if timer.state == "paused" else None)
    verb = "Added" if sign > 0 else "Took"
    where = "to" if sign > 0 else "off"
    return SkillResult(speech=f"{verb} {say_duration(abs(change))} {where} {_label(timer)}; "
                              f"{say_duration(left)} left.", data={"timer_id": timer.id, "left": left})


@skill(name="HassIncreaseTimer", description="Add time to a running timer", permissions=["timers"],
       examples=["add {minutes} minute[s] to [the|my] timer"])
def increase_timer(args: TimerChange, ctx: SkillContext) -> SkillResult:
    return _shift(args, ctx, +1)


@skill(name="HassDecreaseTimer", description="Take time off a running timer", permissions=["timers"],
       examples=["(remove|take) {minutes} minute[s] (from|off) [the|my] timer"])
def decrease_timer(args: TimerChange, ctx: SkillContext) -> SkillResult:
    return _shift(args, ctx, -1)


@skill(name="HassPauseTimer", description="Pause a running timer", permissions=["timers"],
       examples=["pause [the|my] timer"])
def pause_timer(args: TimerTarget, ctx: SkillContext) -> SkillResult:
    timer = find_timers(ctx, args)[0]
    if timer.state == "paused":
        return SkillResult(speech=f"{_label(timer).capitalize()} is already paused.")
    left = timer.left(ctx.now().timestamp())
    ctx.store.update_timer(timer.id, state="paused", remaining=left)
    return SkillResult(speech=f"Paused {_label(timer)} with {say_duration(left)} left.", data={"left": left})


@skill(name="HassUnpauseTimer", description="Resume a paused timer", permissions=["timers"],
       examples=["(resume|unpause|continue) [the|my] timer"])
def unpause_timer(args: TimerTarget, ctx: SkillContext) -> SkillResult:
    timer = find_timers(ctx, args)[0]
    left = timer.left(ctx.now().timestamp())
    ctx.store.update_timer(timer.id, state="running", ends_at=ctx.now().timestamp() + left, remaining=None)
    return SkillResult(speech=f"Resumed {_label(timer)}; {say_duration(left)} left.", data={"left": left})


@skill(name="HassTimerStatus", description="Say how much time is left on timers", risk="read",
       permissions=["timers"], examples=["how much time is left [on (the|my) timer]", "timer status"],
       phrasings=["how (much|long) (time is|is) left on [the|my] timer",
                  "how long (until|before) [the|my] timer (goes off|is done|rings)",
                  "(check|what's) [the|my] timer [status]"])
def timer_status(args: TimerTarget, ctx: SkillContext) -> SkillResult:
    try:
        timers = find_timers(ctx, args, every=True)
    except SkillError as exc:
        return SkillResult(speech=str(exc), data={"timers": []})
    now = ctx.now().timestamp()
    lines = [f"{_label(t).capitalize()} has {say_duration(t.left(now))} left"
             + (" and is paused" if t.state == "paused" else "") for t in timers]
    return SkillResult(speech=". ".join(lines) + ".", data={"timers": [t.model_dump() for t in timers]})
