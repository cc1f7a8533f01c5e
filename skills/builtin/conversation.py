"""Replies without side effects: a short answer, or a polite 'I can't do that offline'."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills.sdk import SkillContext, SkillResult, skill


class AnswerArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The short spoken answer, one or two sentences", max_length=400)


class UnsupportedArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="What was asked that can't be done offline, e.g. 'order food'", max_length=120)


@skill(name="Answer", description="Answer a question in words; changes nothing", risk="read")
def answer(args: AnswerArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=args.text)


@skill(
    name="Unsupported",
    description="Say politely that a request needs something this offline device can't do",
    risk="read",
)
def unsupported(args: UnsupportedArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=f"Sorry, I can't {args.reason.rstrip('.')} on this device; it works offline.")
