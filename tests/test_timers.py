"""The timer family against real SQLite, with a clock the test moves."""
from __future__ import annotations

from device.messages import ActionCall
from tests.conftest import Clock, state


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


def test_a_command_said_with_a_delay_runs_when_its_timer_ends_even_after_a_restart(start, clock: Clock) -> None:
    device = start()
    turn = device.say("turn on the kitchen light in five and a half minutes")
    assert turn.source == "fast" and turn.reply == "In 5 minutes and 30 seconds, I'll turn on the Kitchen Light."
    assert state(device, "Kitchen Light") == "off"
    assert device.say("how much time is left on my timer").reply == (
        "The timer to turn on the kitchen light has 5 minutes and 30 seconds left.")
    clock.advance(5 * 60)
    assert start().take_alerts() == []
    clock.advance(30)
    device = start()
    assert [(a.kind, a.speech) for a in device.take_alerts()] == [("timer", "Kitchen Light is now on.")]
    assert device.take_alerts() == []
    assert state(device, "Kitchen Light") == "on"
    record = device.store.audit(tail=1)[0].record
    assert record["transcript"] == "(the timer to turn on the kitchen light)"
    assert [(a["name"], a["status"]) for a in record["actions"]] == [("HassTurnOn", "done")]


def test_a_cancelled_or_missed_delayed_command_never_runs(start, clock: Clock) -> None:
    device = start()
    assert device.say("in 5 minutes, turn on the office light").reply == "In 5 minutes, I'll turn on the Office Light."
    assert device.say("cancel the timer").reply == "Cancelled the timer to turn on the office light."
    device.say("turn on the kitchen light in 10 minutes")
    clock.advance(2 * 3600)  # the device was off when it came due: lights switched hours late would surprise
    device = start()
    assert [a.speech for a in device.take_alerts()] == [
        "While I was off, I missed the timer to turn on the kitchen light, so I didn't do it."]
    assert (state(device, "Office Light"), state(device, "Kitchen Light")) == ("off", "off")


def test_a_delayed_critical_command_asks_when_it_comes_due(start, clock: Clock) -> None:
    device = start()
    assert device.say("open the garage door in 5 minutes").reply == (
        "In 5 minutes, I'll open the Garage Door (I'll ask first).")
    clock.advance(5 * 60)
    assert device.take_alerts()[0].speech == "This will open the Garage Door. Go ahead?"
    assert state(device, "Garage Door") == "closed"
    device.say("yes")
    assert state(device, "Garage Door") == "open"


def test_only_a_known_command_that_changes_something_waits_for_a_timer(start) -> None:
    device = start()
    refused = device.executor.run_one(ActionCall(name="HassStartTimer",
                                                 args={"minutes": 5, "conversation_command": "make me a sandwich"}))
    assert refused.status == "failed" and refused.speech.startswith("I can't do 'make me a sandwich' when a timer ends")
    question = device.fast_planner.plan("what's the weather in 5 hours")
    assert question is None or question.calls[0].name != "HassStartTimer"
    assert device.store.timers() == []


def test_a_delayed_command_the_templates_dont_know_is_planned_when_said(start, clock: Clock) -> None:
    """The command part goes through the router and the real 0.5B model; the request never acts
    at once, and one whose command can't wait is planned whole ("make me a sandwich" is no delay)."""
    device = start()
    turn = device.say("turn off the lights in 10 minutes")
    assert [(a.name, a.args.get("conversation_command")) for a in turn.actions] == [
        ("HassStartTimer", "turn off the lights")]
    assert turn.reply.startswith("In 10 minutes, I'll turn off the Kitchen Light")
    device.say("turn on the kitchen light")
    clock.advance(10 * 60)
    device.take_alerts()
    assert state(device, "Kitchen Light") == "off"
    sandwich = device.say("make me a sandwich in 10 minutes")
    assert not any(a.args.get("conversation_command") for a in sandwich.actions)


def test_a_reminder_said_with_a_delay_is_a_reminder_not_a_delayed_command(start, clock: Clock) -> None:
    """"in ten minutes" first matches the timer's "in {minutes} minutes {command}"; a reminder
    can't wait for a timer (it takes its own time), so the next template match is the request."""
    device = start()
    turn = device.say("in ten minutes remind me to take the pizza out")
    assert [(a.name, a.args) for a in turn.actions] == [
        ("CalendarAdd", {"when": "in ten minutes", "title": "take the pizza out"})]
    assert turn.reply == "Added take the pizza out today at 12:10 PM to your calendar. I'll remind you then."
    clock.advance(10 * 60)
    assert [(a.kind, a.speech) for a in device.take_alerts()] == [("reminder", "Reminder: take the pizza out.")]
