"""Timers, kept in SQLite with wall-clock end times so they survive a restart."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skills.sdk import SkillContext, SkillResult, skill

_DURATION = "(set|start|create) [a|the] timer for "


class TimerDuration(BaseModel):
    """A timer's length in Home Assistant's slots; at least one must be given."""

    model_config = ConfigDict(extra="forbid")

    hours: float | None = Field(None, ge=0, le=24, description="Hours")
    minutes: float | None = Field(None, ge=0, le=1440, description="Minutes")
    seconds: float | None = Field(None, ge=0, le=86400, description="Seconds")
    name: str | None = Field(None, description="Optional label, e.g. 'pasta'")

    @model_validator(mode="after")
    def _has_length(self) -> TimerDuration:
        if self.total_seconds() <= 0:
            raise ValueError("a timer needs a length: hours, minutes or seconds")
        return self

    def total_seconds(self) -> float:
        return (self.hours or 0) * 3600 + (self.minutes or 0) * 60 + (self.seconds or 0)


def say_duration(seconds: float) -> str:
    """'1 hour and 5 minutes': the words a person would use for a length of time."""
    whole = round(seconds)
    parts = [(whole // 3600, "hour"), (whole % 3600 // 60, "minute"), (whole % 60, "second")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " and ".join(words) or "0 seconds"


@skill(
    name="HassStartTimer",
    description="Start a countdown timer for a length of time",
    permissions=["timers"],
    examples=[
        _DURATION + "{hours} hour[s]",
        _DURATION + "{minutes} minute[s]",
        _DURATION + "{seconds} second[s]",
        _DURATION + "{hours} hour[s] [and] {minutes} minute[s]",
        _DURATION + "{minutes} minute[s] [and] {seconds} second[s]",
        "(set|start|create) [a] {minutes} minute timer",
        "(set|start|create) [a] {hours} hour timer",
        "(set|start|create) [a] {seconds} second timer",
        "timer [for] {minutes} minute[s]",
    ],
)
def start_timer(args: TimerDuration, ctx: SkillContext) -> SkillResult:
    seconds = args.total_seconds()
    timer = ctx.store.add_timer(seconds, ctx.now().timestamp(), args.name, None)
    label = f"{args.name} timer" if args.name else "Timer"
    return SkillResult(
        speech=f"{label} set for {say_duration(seconds)}.",
        data={"timer_id": timer.id, "seconds": seconds, "ends_at": timer.ends_at},
    )
