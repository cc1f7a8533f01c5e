"""Wake-up alarms on the device, kept in SQLite at wall-clock moments so they survive a restart.
A repeating alarm moves to its next day when it rings (see device/alerts.py)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from skills import when
from skills.builtin.timers import say_duration
from skills.sdk import Example, Preview, SkillContext, SkillError, SkillResult, skill
from skills.store import Alarm

Repeat = Literal["daily", "weekdays", "weekends"]
SNOOZE_MINUTES = 9  # the bedside clock's snooze
SNOOZE_WINDOW_MINUTES = 30  # "snooze" long after an alarm rang is no snooze of it
_SET = "(set|create|make|add|start|set up) [an|the|my] alarm [clock] (for|at|to)"
# How a repeat is said after the time ("at 6 on weekdays"), before it ("for weekdays at 6"), and
# as the alarm's kind ("a weekday alarm").
_REPEATS = {"daily": ("[on] (every day|each day|daily)", "(every day|each day)", "daily"),
            "weekdays": ("(on|every) (weekdays|week days|weekday)", "(weekdays|every weekday)", "weekday"),
            "weekends": ("(on|every) (weekends|weekend|the weekend)", "(weekends|every weekend)", "weekend")}


def _repeating(repeat: str) -> list[Example]:
    after, before, kind = _REPEATS[repeat]
    return [Example(template=template, slots={"repeat": repeat}) for template in (
        f"{_SET} {{time}} {after}", "wake me [up] (at|by) {time} " + after,
        f"(set|create|make|add|set up) [an|the|my] alarm (for|on) {before} (at|for) {{time}}",
        f"(set|create|make|add|set up) [a|an|my] {kind} alarm (for|at) {{time}}")]


class AlarmTime(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time: str = Field(description="When it rings, as said or HH:MM, may include the day, e.g. '6:30 am tomorrow'",
                      json_schema_extra={"ask": "What time should the alarm ring?"},
                      min_length=1, max_length=60)
    label: str | None = Field(None, description="Optional name, e.g. 'yoga'", max_length=40)
    repeat: Repeat | None = Field(None, description="Ring again every day, on weekdays or on weekends")


class AlarmTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time: str | None = Field(None, description="The time (and day) the alarm is set for, as said")
    label: str | None = Field(None, description="The alarm's name")
    all: bool = Field(False, description="Every alarm that matches, not just one")


class Snooze(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int | None = Field(None, ge=1, le=120, description=f"How long to snooze, in minutes; {SNOOZE_MINUTES} if not said")


def say_alarm(alarm: Alarm, now: datetime) -> str:
    moment = datetime.fromtimestamp(alarm.at)
    spoken = f"{when.say_time(moment)} {when.say_day(moment.date(), now.date())}"
    if alarm.repeat:
        spoken = f"{when.say_time(moment)} {'every day' if alarm.repeat == 'daily' else 'on ' + alarm.repeat}"
    return f"{spoken} ({alarm.label})" if alarm.label else spoken


def next_ring(alarm: Alarm) -> float:
    """When a repeating alarm rings next after its current moment."""
    moment = datetime.fromtimestamp(alarm.at) + timedelta(days=1)
    while not when.repeats_on(alarm.repeat, moment.weekday()):
        moment += timedelta(days=1)
    return moment.timestamp()


def _moment(text: str, ctx: SkillContext) -> datetime:
    try:
        return when.next_moment(when.parse(text, ctx.now()), ctx.now())
    except ValueError as exc:
        raise SkillError(f"I couldn't tell when to ring from '{text}': {exc}.") from None


def _cancel_set(args: BaseModel, data: dict, ctx: SkillContext) -> SkillResult:
    ctx.store.update_alarm(data["alarm_id"], "cancelled")
    return SkillResult(speech="Cancelled the alarm I just set.")


def _set_preview(args: AlarmTime, ctx: SkillContext) -> Preview:
    """The time as said: a routine's "seven" is read when it runs, not when it is taught."""
    often = {"daily": " every day", "weekdays": " on weekdays", "weekends": " on weekends"}.get(args.repeat, "")
    return Preview(summary=f"set an alarm for {args.time}{often}" + (f" ({args.label})" if args.label else ""))


@skill(
    name="AlarmSet",
    undo=_cancel_set,
    preview=_set_preview,
    description="Set a wake-up alarm for a time of day (not a countdown: that is a timer)",
    permissions=["alarms"],
    examples=[
        f"{_SET} {{time}}",
        "wake me [up] (at|by) {time}",
        "i want to wake up at {time}",
        *(example for repeat in _REPEATS for example in _repeating(repeat)),
    ],
    phrasings=["(set|make|create|put) [an|my|the] alarm (for|at|to) {time}", "wake me [up] (at|by|in) {time}",
               "(get|wake) me up {when}", "i (need|have|want) to (get|be|wake) up (at|by) {time}",
               "alarm (for|at) {time} [please]", "alarm set [for|at|to] {time}", "set [an|my] alarm [for {when}]",
               "(can you|please) wake me [up] [{when}]", "(change|move) my alarm to {time}"],
)
def set_alarm(args: AlarmTime, ctx: SkillContext) -> SkillResult:
    moment = _moment(args.time, ctx)
    if args.repeat:
        while not when.repeats_on(args.repeat, moment.weekday()):
            moment += timedelta(days=1)
    alarm = ctx.store.add_alarm(moment.timestamp(), args.label, args.repeat)
    return SkillResult(speech=f"Alarm set for {say_alarm(alarm, ctx.now())}.",
                       data={"alarm_id": alarm.id, "at": moment.isoformat(timespec="minutes")})


@skill(
    name="AlarmSnooze",
    undo=_cancel_set,
    description="Ring the alarm that just rang again a few minutes from now",
    permissions=["alarms"],
    examples=[
        "snooze [the|my] [alarm]",
        "snooze [the|my] [alarm] (for|another) {minutes} minute[s]",
        "let me sleep [for|another] {minutes} [more] minute[s]",
    ],
    phrasings=["snooze [it|that] [please]", "(hit|press) snooze", "snooze [the|my|that] alarm [for {minutes} minutes]",
               "(five|ten|a few) more minutes [please]", "wake me [up] again in {minutes} minutes"],
)
def snooze_alarm(args: Snooze, ctx: SkillContext) -> SkillResult:
    now = ctx.now()
    rang = ctx.store.last_rung_alarm(since=(now - timedelta(minutes=SNOOZE_WINDOW_MINUTES)).timestamp())
    if rang is None:
        raise SkillError("No alarm has rung in the last half hour, so there's nothing to snooze.")
    minutes = args.minutes or SNOOZE_MINUTES
    moment = now + timedelta(minutes=minutes)
    again = ctx.store.add_alarm(moment.timestamp(), rang.label, None)
    return SkillResult(speech=f"Snoozed for {say_duration(minutes * 60)}: I'll ring again at {when.say_time(moment)}.",
                       data={"alarm_id": again.id, "snoozed": rang.id})


@skill(
    name="AlarmQuery",
    description="Say which alarms are set and when the next one rings",
    risk="read",
    permissions=["alarms"],
    examples=[
        "(what|which) alarms [do i have|are set|are upcoming]",
        "(list|show|tell me) [all] [my|the] alarms",
        "(when|what time) is my [next] alarm [set for]",
        "(do i have|is there) [an|any] alarm[s] set",
        "next alarm",
    ],
    phrasings=["what alarms (do i have|are set|have i set)", "(is|are) there any alarm[s] [set] [{when}]",
               "when is my [next] alarm", "what time is my alarm [set for]", "(check|show|list) [me] my alarms",
               "(did|have) i set an alarm [{when}]", "(is|what) my alarm set for {when}", "how long until my alarm",
               "(tell me|remind me) (about|of) my alarm[s] [settings|timings]", "(what|which) alarm[s] [are] (set|on) [for {when}]",
               "(is|are) (my|the) alarm[s] (on|set) [for {when}]", "(what|when) (does|will) my alarm go off",
               "(at|for) what time (have you|did you|did i|is) [set] [the|my] alarm [set] [for {when}]",
               "(did|have) (i|you) set [an|my|the] alarm (to wake me up|for {when}|{when})",
               "(let me know|tell me|what is) [the|my] {when} alarm time", "what time (will|does) [my] alarm (ring|go off) {when}"],
)
def query_alarms(args: AlarmTarget, ctx: SkillContext) -> SkillResult:
    alarms = _matching(args, ctx, required=False)
    if not alarms:
        return SkillResult(speech="You have no alarms set.", data={"alarms": []})
    spoken = ", ".join(say_alarm(a, ctx.now()) for a in alarms[:5])
    count = f"{len(alarms)} alarms" if len(alarms) > 1 else "one alarm"
    return SkillResult(speech=f"You have {count}: {spoken}.",
                       data={"alarms": [a.model_dump() for a in alarms]})


@skill(
    name="AlarmCancel",
    description="Cancel an alarm (or all of them)",
    permissions=["alarms"],
    examples=[
        "(cancel|delete|remove|turn off|get rid of) [my|the] alarm",
        "(cancel|delete|remove|turn off|get rid of) [my|the] alarm (for|at) {time}",
        "(cancel|delete|remove|turn off|get rid of) the {time} alarm",
        Example(template="(cancel|delete|remove|turn off|clear) all [my|the] alarms", slots={"all": True}),
    ],
    phrasings=["(cancel|delete|remove|turn off|disable|stop|switch off) [my|the] [{time}] alarm [for {when}]",
               "i don't need [an|the|my] alarm [{when}]", "no alarm [{when}]", "(get rid of|clear) [all] my alarms",
               "silence the alarm",
               "(cancel|delete|remove|clear) (any|all|every) [of] [my|the] alarm[s] [that] (i|you) [have] set [{when}]",
               "(cancel|delete|remove|clear) [the|my] alarm[s] (set|i set) (for|at) {when}"],
)
def cancel_alarm(args: AlarmTarget, ctx: SkillContext) -> SkillResult:
    alarms = _matching(args, ctx, required=True)
    if len(alarms) > 1 and not args.all:
        raise SkillError(f"Which alarm: {' or '.join(say_alarm(a, ctx.now()) for a in alarms[:3])}?")
    for alarm in alarms:
        ctx.store.update_alarm(alarm.id, "cancelled")
    what = f"{len(alarms)} alarms" if len(alarms) > 1 else f"the alarm for {say_alarm(alarms[0], ctx.now())}"
    return SkillResult(speech=f"Cancelled {what}.", data={"alarm_ids": [a.id for a in alarms]})


def _matching(target: AlarmTarget, ctx: SkillContext, required: bool) -> list[Alarm]:
    alarms = ctx.store.alarms()
    if target.label:
        alarms = [a for a in alarms if a.label and target.label.casefold() in a.label.casefold()]
    if target.time:
        alarms = [a for a in alarms if _fits(a, target.time, ctx.now())]
    if required and not alarms:
        raise SkillError("There's no alarm like that set." if target.time or target.label else "You have no alarms set.")
    return alarms


def _fits(alarm: Alarm, text: str, now: datetime) -> bool:
    """The alarm rings on the day and at the time said (an hour without am/pm fits either)."""
    try:
        said = when.parse(text, now)
    except ValueError:
        return False
    moment = datetime.fromtimestamp(alarm.at)
    day_fits = said.day is None or said.day == moment.date()
    hours = {said.clock.hour, said.clock.hour + 12} if said.clock and said.pm_hint is None else (
        {said.clock.hour} if said.clock else None)
    clock_fits = said.clock is None or (moment.hour in hours and moment.minute == said.clock.minute)
    return day_fits and clock_fits
