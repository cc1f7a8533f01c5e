"""The time and the date, from the device's own clock."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills import when
from skills.sdk import NoArgs, SkillContext, SkillError, SkillResult, skill


@skill(
    name="HassGetCurrentTime",
    description="Say what time it is now",
    risk="read",
    examples=[
        "what time is it [now]",
        "what's the [current] time",
        "(what is|tell me) the [current] time",
        "[do you know] what time it is",
    ],
    phrasings=["what('s| is) the time [now]", "(tell|give) me the time", "do you (know|have) the time",
               "what time is it [now|right now|in {thing}]", "(current|the) time [please]", "what time do you have"],
)
def current_time(args: NoArgs, ctx: SkillContext) -> SkillResult:
    now = ctx.now()
    spoken = now.strftime("%I:%M %p").lstrip("0")
    return SkillResult(speech=f"It's {spoken}.", data={"time": now.strftime("%H:%M")})


class DateArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: str | None = Field(None, description="A day asked about, as said, e.g. 'the twenty second of may' "
                                              "or 'next friday'; none = today")


@skill(
    name="HassGetCurrentDate",
    description="Say today's date, or the weekday of a date and how far away it is",
    risk="read",
    examples=["what (is|'s) [the] date [today]", "what day [of the week] is it [today]", "what is today's date",
              "(what|which) day [of the week] (is|will be|falls on) the {day}",
              "what day of the week is {day}", "how many days (until|till|to|before) {day}"],
    phrasings=["what('s| is) [the] (date|day) [today]", "what (day|date) is it [today|tomorrow]",
               "what day of the week is it", "(tell|give) me (the|today's) date", "what('s| is) today",
               "which day is it",
               "what day [of the week] (is|will be|falls on|does it fall on) {day}",
               "what day (is|does) {day} (fall on|land on|be)",
               "is {day} a (monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend)",
               "(how many|how long) (days|weeks) (until|till|to|before) {day}",
               "which day of the week is {day}", "day on {day}"],
)
def current_date(args: DateArgs, ctx: SkillContext) -> SkillResult:
    today = ctx.now().date()
    if not args.day:
        return SkillResult(speech=f"Today is {today.strftime('%A, %B')} {today.day}, {today.year}.",
                           data={"date": today.isoformat()})
    try:
        day = when.parse(args.day, ctx.now()).day
    except ValueError:
        day = None
    if day is None:
        raise SkillError(f"I couldn't tell which day '{args.day}' is; say it like 'the twenty second of may'.")
    away = (day - today).days
    return SkillResult(speech=f"{day.strftime('%A, %B')} {day.day}, {day.year}, {_how_far(away)}.",
                       data={"date": day.isoformat(), "days_away": away})


def _how_far(days: int) -> str:
    if days == 0:
        return "is today"
    if days == 1:
        return "is tomorrow"
    return f"is in {days} days" if days > 0 else f"was {-days} days ago"
