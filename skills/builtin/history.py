"""What the device just did, and taking it back: read from the audit log of turns."""
from __future__ import annotations

from skills.sdk import NoArgs, SkillContext, SkillError, SkillResult, skill


def _history(ctx: SkillContext):
    if ctx.history is None:
        raise SkillError("I keep no history in this mode.")
    return ctx.history


@skill(
    name="HistoryQuery",
    description="Say what the assistant did in the previous turn",
    risk="read",
    examples=["what did you [just] do", "what (was|did) (that|you just do)", "what just happened",
              "why did you do that"],
    phrasings=["what did you (just) do", "what (was|did) (that|you do) just now", "what did i (just) ask [you]",
               "why did you do that"],
)
def last_turn(args: NoArgs, ctx: SkillContext) -> SkillResult:
    record = _history(ctx).last_turn()
    if record is None:
        return SkillResult(speech="I haven't done anything yet.")
    done = [a for a in record.get("actions", []) if a["status"] == "done"]
    what = f"You said '{record['transcript']}'"
    if not done:
        return SkillResult(speech=f"{what}, and I changed nothing. I replied: {record['reply']}")
    return SkillResult(speech=f"{what}. {record['reply']}", data={"actions": [a["name"] for a in done]})


@skill(
    name="Undo",
    description="Take back what the assistant did in the previous turn",
    examples=["undo [that|it|the last (thing|command|action)]", "take (that|it) back", "put it back [the way it was]"],
    phrasings=["(undo|revert|reverse) that", "take that back", "(that was|that's) (wrong|a mistake)[,] undo [it]",
               "put it back [the way it was]"],
)
def undo(args: NoArgs, ctx: SkillContext) -> SkillResult:
    return _history(ctx).undo_last(ctx)
