"""The time of day, from the device's own clock."""
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
)
def current_time(args: NoArgs, ctx: SkillContext) -> SkillResult:
    now = ctx.now()
    spoken = now.strftime("%I:%M %p").lstrip("0")
    return SkillResult(speech=f"It's {spoken}.", data={"time": now.strftime("%H:%M")})
