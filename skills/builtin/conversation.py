"""Conversation: answers, a polite "I can't do that offline", small talk, never mind, announcements."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills.sdk import Example, NoArgs, SkillContext, SkillResult, skill


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


@skill(name="HassNevermind", description="The user takes the request back; do nothing", risk="read",
       examples=["(never mind|nevermind|forget it|cancel that)"])
def nevermind(args: NoArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech="")


class RespondArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    response: str | None = Field(None, description="What to say back", max_length=200)


@skill(name="HassRespond", description="Reply to small talk such as a greeting or thanks", risk="read",
       examples=[Example(template="(hello|hi|hey) [there]", slots={"response": "Hello!"}),
                 Example(template="(thank you|thanks) [a lot]", slots={"response": "You're welcome."})])
def respond(args: RespondArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=args.response or "OK.")


class BroadcastArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(description="The message to announce", max_length=300)


@skill(name="HassBroadcast", description="Announce a message out loud in the home", permissions=["media"])
def broadcast(args: BroadcastArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=f"Announcement: {args.message}", data={"message": args.message})
