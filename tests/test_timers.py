"""The timer family against real SQLite, with a clock the test moves."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from device.executor import Executor
from device.messages import ActionCall
from skills.home import Home
from skills.registry import SkillSet
from skills.sdk import SkillContext
from skills.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _device(path: Path, skills: SkillSet, clock: Clock):
    """A device process: its own store connection on the shared state file."""
    store = Store(path)
    executor = Executor(skills, SkillContext(home=Home.load(None, store), store=store, now=clock), 5)
    return lambda skill_name, **args: executor.run_one(ActionCall(name=skill_name, args=args))


@pytest.fixture
def run(tmp_path: Path, skills: SkillSet, clock: Clock):
    return _device(tmp_path / "state.sqlite3", skills, clock)


def test_status_counts_down(run, clock: Clock) -> None:
    run("HassStartTimer", minutes=5)
    clock.advance(90)
    assert run("HassTimerStatus").speech == "The 5 minute timer has 3 minutes and 30 seconds left."


def test_two_timers_need_a_description(run) -> None:
    run("HassStartTimer", minutes=5)
    run("HassStartTimer", minutes=30, name="pizza")
    ambiguous = run("HassCancelTimer")
    assert ambiguous.status == "failed" and ambiguous.speech.startswith("Which timer:")
    assert run("HassCancelTimer", name="Pizza").speech == "Cancelled the pizza timer."
    assert run("HassCancelTimer", start_minutes=5).speech == "Cancelled the 5 minute timer."
    assert run("HassCancelTimer").speech == "There's no timer running."


def test_increase_and_decrease_change_what_is_left(run, clock: Clock) -> None:
    run("HassStartTimer", minutes=10)
    clock.advance(60)
    assert run("HassIncreaseTimer", minutes=5).result["data"]["left"] == 840
    assert run("HassDecreaseTimer", minutes=2).result["data"]["left"] == 720
    assert run("HassDecreaseTimer").speech == "By how much?"


def test_paused_timer_keeps_its_time_across_a_restart(tmp_path: Path, skills: SkillSet, clock: Clock) -> None:
    first = _device(tmp_path / "state.sqlite3", skills, clock)
    first("HassStartTimer", minutes=10)
    clock.advance(120)
    assert first("HassPauseTimer").result["data"]["left"] == 480
    clock.advance(3600)  # the device is off for an hour
    again = _device(tmp_path / "state.sqlite3", skills, clock)
    assert "8 minutes left and is paused" in again("HassTimerStatus").speech
    assert again("HassUnpauseTimer").result["data"]["left"] == 480
    clock.advance(60)
    assert again("HassTimerStatus").speech == "The 10 minute timer has 7 minutes left."


def test_running_timer_survives_a_restart(tmp_path: Path, skills: SkillSet, clock: Clock) -> None:
    _device(tmp_path / "state.sqlite3", skills, clock)("HassStartTimer", hours=1)
    clock.advance(600)
    assert "50 minutes left" in _device(tmp_path / "state.sqlite3", skills, clock)("HassTimerStatus").speech


def test_cancel_all(run) -> None:
    assert run("HassCancelAllTimers").speech == "There were no timers to cancel."
    run("HassStartTimer", minutes=1)
    run("HassStartTimer", seconds=30)
    assert run("HassCancelAllTimers").speech == "Cancelled 2 timers."
    assert run("HassTimerStatus").speech == "There's no timer running."


def test_delayed_commands_are_refused_plainly(run) -> None:
    result = run("HassStartTimer", minutes=5, conversation_command="turn off the lights")
    assert result.status == "failed" and "can't run a command when a timer ends yet" in result.speech
