"""Teach mode: routines read back, saved after a yes, run by their phrase or at their time
through the same policy, kept across restarts; listed and removed by voice and `hark routines`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.pipeline import Pipeline
from device.planner.teach import lessons
from skills import when
from tests.conftest import Clock, state
from tests.test_cli import assert_one_line_error, hark


def teach(device: Pipeline, sentence: str) -> str:
    asked = device.say(sentence)
    assert asked.actions[0].name == "RoutineCreate" and asked.actions[0].status == "needs_confirmation"
    return asked.reply


def test_taught_by_voice_read_back_saved_after_a_yes_and_run_by_its_phrase(start) -> None:
    device = start()
    question = teach(device, "when I say good night, turn off the kitchen light and set an alarm for seven")
    assert question == ("This will save a routine: when you say 'good night', turn off the Kitchen Light, "
                        "then set an alarm for seven. Go ahead?")
    assert device.say("yes").reply == "Saved. Say 'good night' to run it."
    device.say("turn on the kitchen light")
    device = start()  # the routine survives a restart
    turn = device.say("Goodnight!")
    assert [(a.name, a.status) for a in turn.actions] == [("HassTurnOff", "done"), ("AlarmSet", "done")]
    assert state(device, "Kitchen Light") == "off"
    assert device.say("what alarms do I have").reply == "You have one alarm: 7:00 PM today."


def test_no_means_nothing_is_saved(start) -> None:
    device = start()
    teach(device, "when I say movie time dim the living room lights to 20 percent")
    device.say("no")
    assert device.say("list my routines").reply.startswith("You have no routines.")


def test_a_routine_with_a_critical_step_still_asks_when_it_runs(start) -> None:
    device = start()
    teach(device, "when I say I'm home, unlock the front door and turn on the hallway light")
    device.say("yes")
    turn = device.say("I'm home")
    assert {a.status for a in turn.actions} == {"needs_confirmation"} and turn.reply.endswith("Go ahead?")
    assert state(device, "Front Door") == "locked"
    device.say("yes")
    assert state(device, "Front Door") == "unlocked"


def test_a_step_that_cannot_run_is_refused_when_taught(start) -> None:
    device = start()
    turn = device.say("when I say launch, turn on the spaceship")
    assert turn.actions[0].status == "failed" and "spaceship" in turn.reply
    assert device.say("when I say turn off the kitchen light, set a timer for 5 minutes").reply == (
        "'turn off the kitchen light' already means a command; pick another phrase for the routine.")


def test_a_scheduled_routine_runs_at_its_time_once_even_after_a_restart(start, clock: Clock) -> None:
    device = start()  # 2026-01-01 12:00, a Thursday
    assert teach(device, "every day at 12:30, turn on the office light") == (
        "This will save a routine: every day at 12:30 PM, turn on the Office Light. Go ahead?")
    assert device.say("yes").reply == "Saved. I'll do it every day at 12:30 PM."
    assert start().take_alerts() == []
    clock.advance(31 * 60)
    device = start()
    alerts = device.take_alerts()
    assert [(a.kind, a.speech) for a in alerts] == [("routine", "Office Light is now on.")]
    assert device.take_alerts() == []
    assert device.store.audit(tail=1)[0].record["transcript"] == "(the routine every day at 12:30 PM)"
    device.say("turn off the office light")
    clock.advance(2 * 86400)  # off for two days: the missed run is said, not done late
    device = start()
    assert device.take_alerts()[0].speech == (
        "While I was off, I missed the routine every day at 12:30 PM, so I didn't run it.")
    assert state(device, "Office Light") == "off"


def test_routines_listed_and_removed_by_voice(start) -> None:
    device = start()
    teach(device, "every weekday at 7 tell me the time")
    device.say("yes")
    teach(device, "when I say good morning, turn on the kitchen light")
    device.say("yes")
    assert device.say("what routines do I have").reply == (
        "You have 2 routines. every weekday at 7:00 AM: say what time it is now; "
        "'good morning': turn on the Kitchen Light.")
    assert device.say("delete the good morning routine").reply == "Deleted the routine 'good morning'."
    assert device.say("undo that").reply == "The routine is back."
    assert [r.trigger for r in device.store.routines()] == [None, "good morning"]


def test_hark_routines_lists_and_removes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    hark("say", "when I say lights out, turn off the office light", data_dir=data)
    hark("say", "yes", data_dir=data)
    listed = json.loads(hark("routines", "--json", data_dir=data).stdout)
    assert [(r["trigger"], r["steps"]) for r in listed] == [
        ("lights out", [{"name": "HassTurnOff", "args": {"name": "Office Light"}}])]
    assert "removed routine" in hark("routines", "--remove", "lights out", data_dir=data).stdout
    assert json.loads(hark("routines", "--json", data_dir=data).stdout) == []
    assert_one_line_error(hark("routines", "--remove", "nope", data_dir=data), 2, "see them with: hark routines")


@pytest.mark.parametrize("text, kind, head, steps", [
    ("When I say good night, turn off the lights.", "trigger", "good night", "turn off the lights"),
    ("whenever I say movie time dim the lights", "trigger", "movie", "time dim the lights"),
    ("every weekday at 7 tell me the time", "schedule", "every weekday at 7", "tell me the time"),
    ("each evening at half past six, close the blinds", "schedule", "each evening at half past six",
     "close the blinds"),
])
def test_teaching_sentences_split_comma_first_then_shortest(text, kind, head, steps) -> None:
    first = lessons(text)[0]
    assert (first.kind, first.head, first.steps) == (kind, head, steps)


def test_every_without_a_time_is_no_lesson() -> None:
    assert lessons("every light in the house off") == []


@pytest.mark.parametrize("text, repeat, clock", [
    ("every weekday at 7", "weekdays", "07:00"), ("every night at eleven", "daily", "23:00"),
    ("every monday at 6 pm", "mondays", "18:00"), ("each morning at a quarter to eight", "daily", "07:45"),
])
def test_schedules(text: str, repeat: str, clock: str) -> None:
    schedule = when.parse_schedule(text)
    assert (schedule.repeat, f"{schedule.clock:%H:%M}") == (repeat, clock)
