"""The time and the date, from the device's own clock."""
from __future__ import annotations

from skills.sdk import NoArgs, SkillContext, SkillResult, skill


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


@skill(
    name="HassGetCurrentDate",
    description="Say today's date",
    risk="read",
    examples=["what (is|'s) [the] date [today]", "what day is it [today]", "what is today's date"],
    phrasings=["what('s| is) [the] (date|day) [today]", "what (day|date) is it [today|tomorrow]",
               "what day of the week is it", "(tell|give) me (the|today's) date", "what('s| is) today",
               "which day is it"],
)
def current_date(args: NoArgs, ctx: SkillContext) -> SkillResult:
    today = ctx.now()
    return SkillResult(speech=f"Today is {today.strftime('%A, %B')} {today.day}, {today.year}.",
                       data={"date": today.date().isoformat()})
