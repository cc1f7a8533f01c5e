"""Roll dice and flip coins. Shows typed parameters with limits, templates with number slots,
a spoken refusal (SkillError), and a seedable random source for tests."""
from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict, Field

from skills import Example, NoArgs, SkillContext, SkillError, SkillResult, skill

MAX_DICE = 10
rng = random.Random()


class DiceArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(1, ge=1, description="How many dice")
    sides: int = Field(6, ge=2, le=100, description="Sides on each die")


@skill(
    name="RollDice",
    description="Roll one or more dice and say the result",
    risk="read",
    examples=[
        "roll [a] di(e|ce)",
        Example(template="roll {number} dice"),
        Example(template="roll [a] d{percent:sides}"),
        Example(template="roll {number} d{percent:sides}"),
        Example(template="roll {number} dice with {percent:sides} sides"),
    ],
)
def roll_dice(args: DiceArgs, ctx: SkillContext) -> SkillResult:
    if args.number > MAX_DICE:
        raise SkillError(f"I can roll at most {MAX_DICE} dice at once.")
    rolls = [rng.randint(1, args.sides) for _ in range(args.number)]
    spoken = str(rolls[0]) if len(rolls) == 1 else f"{', '.join(map(str, rolls))}: {sum(rolls)} in total"
    return SkillResult(speech=f"You rolled {spoken}.", data={"rolls": rolls})


@skill(name="FlipCoin", description="Flip a coin: heads or tails", risk="read",
       examples=["(flip|toss) a coin", "heads or tails"])
def flip_coin(args: NoArgs, ctx: SkillContext) -> SkillResult:
    side = rng.choice(["heads", "tails"])
    return SkillResult(speech=f"It's {side}.", data={"side": side})
