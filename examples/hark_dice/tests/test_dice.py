"""The plugin's skills through Hark's real registry, executor, home and SQLite store."""
from pathlib import Path

import pytest

from device.executor import Executor
from device.messages import ActionCall
from skills.home import Home
from skills.registry import SkillSet
from skills.sdk import SkillContext
from skills.store import Store

import hark_dice.skill


@pytest.fixture
def run(tmp_path: Path):
    found = SkillSet()
    found.add_module(hark_dice.skill, origin="hark_dice.skill")
    store = Store(tmp_path / "state.sqlite3")
    executor = Executor(found, SkillContext(home=Home.load(None, store), store=store), timeout_seconds=5)
    hark_dice.skill.rng.seed(7)
    return lambda name, **args: executor.run_one(ActionCall(name=name, args=args))


def test_rolls_stay_within_the_dice(run) -> None:
    result = run("RollDice", number=3, sides=20)
    rolls = result.result["data"]["rolls"]
    assert len(rolls) == 3 and all(1 <= r <= 20 for r in rolls)
    assert result.speech == f"You rolled {', '.join(map(str, rolls))}: {sum(rolls)} in total."


def test_too_many_dice_is_a_spoken_refusal(run) -> None:
    result = run("RollDice", number=50)
    assert (result.status, result.speech) == ("failed", "I can roll at most 10 dice at once.")


def test_bad_sides_never_run(run) -> None:
    assert run("RollDice", sides=1).status == "invalid"


def test_coin(run) -> None:
    assert run("FlipCoin").speech in ("It's heads.", "It's tails.")
