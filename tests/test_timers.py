"""The timer family against real SQLite, with a clock the test moves."""
from __future__ import annotations


def test_status_counts_down(run, clock) -> None:
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


def test_increase_and_decrease_change_what_is_left(run, clock) -> None:
    run("HassStartTimer", minutes=10)
    clock.advance(60)
    assert run("HassIncreaseTimer", minutes=5).result["data"]["left"] == 840
    assert run("HassDecreaseTimer", minutes=2).result["data"]["left"] == 720
    assert run("HassDecreaseTimer").speech == "By how much?"


def test_paused_timer_keeps_its_time_across_a_restart(device, clock) -> None:
    first = device()
    first("HassStartTimer", minutes=10)
    clock.advance(120)
    assert first("HassPauseTimer").result["data"]["left"] == 480
    clock.advance(3600)  # the device is off for an hour
    again = device()
    assert "8 minutes left and is paused" in again("HassTimerStatus").speech
    assert again("HassUnpauseTimer").result["data"]["left"] == 480
    clock.advance(60)
    assert again("HassTimerStatus").speech == "The 10 minute timer has 7 minutes left."


def test_running_timer_survives_a_restart(device, clock) -> None:
    device()("HassStartTimer", hours=1)
    clock.advance(600)
    assert "50 minutes left" in device()("HassTimerStatus").speech


def test_cancel_all(run) -> None:
    assert run("HassCancelAllTimers").speech == "There were no timers to cancel."
    run("HassStartTimer", minutes=1)
    run("HassStartTimer", seconds=30)
    assert run("HassCancelAllTimers").speech == "Cancelled 2 timers."
    assert run("HassTimerStatus").speech == "There's no timer running."


def test_delayed_commands_are_refused_plainly(run) -> None:
    result = run("HassStartTimer", minutes=5, conversation_command="turn off the lights")
    assert result.status == "failed" and "can't run a command when a timer ends yet" in result.speech
