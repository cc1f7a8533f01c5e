"""Timers and alarms ring once when due (a chime and a spoken line), also after a restart."""
from __future__ import annotations

import json
import sqlite3
import time
import wave
from datetime import datetime
from pathlib import Path

from device.alerts import chime, ring, take_due
from skills.store import Store
from tests.test_cli import hark


def test_a_finished_timer_rings_once(run, store_at, clock) -> None:
    run("HassStartTimer", minutes=5, name="pizza")
    clock.advance(4 * 60)
    assert take_due(store_at(), clock()) == []
    clock.advance(61)
    alerts = take_due(store_at(), clock())
    assert [(a.kind, a.speech) for a in alerts] == [("timer", "Your pizza timer is done.")]
    assert take_due(store_at(), clock()) == []
    assert run("HassTimerStatus").speech == "There's no timer running."


def test_an_alarm_missed_while_off_says_so(device, store_at, clock) -> None:
    device()("AlarmSet", time="1 pm")
    clock.advance(3 * 3600)  # the device was off past 1 pm; it starts again at 3 pm
    alerts = take_due(store_at(), clock())
    assert alerts[0].speech == "While I was off, this came due 2 hours ago: It's 1:00 PM: your alarm."
    assert device()("AlarmQuery").speech == "You have no alarms set."


def test_a_daily_alarm_rings_and_moves_to_tomorrow(run, store_at, clock) -> None:
    run("AlarmSet", time="12:30 pm", repeat="daily", label="pills")
    clock.advance(30 * 60)
    assert take_due(store_at(), clock())[0].speech == "It's 12:30 PM: your pills alarm."
    assert run("AlarmQuery").speech == "You have one alarm: 12:30 PM every day (pills)."
    next_at = datetime.fromtimestamp(store_at().alarms()[0].at)
    assert next_at == datetime(2026, 1, 2, 12, 30)


def test_the_alarm_that_rang_snoozes(run, store_at, clock) -> None:
    assert run("AlarmSnooze").speech == "No alarm has rung in the last half hour, so there's nothing to snooze."
    run("AlarmSet", time="12:30 pm", repeat="daily", label="pills")
    clock.advance(31 * 60)
    take_due(store_at(), clock())
    assert run("AlarmSnooze").speech == "Snoozed for 9 minutes: I'll ring again at 12:40 PM."
    clock.advance(9 * 60)
    assert [a.speech for a in take_due(store_at(), clock())] == ["It's 12:40 PM: your pills alarm."]
    assert run("AlarmSnooze", minutes=5).speech == "Snoozed for 5 minutes: I'll ring again at 12:45 PM."
    clock.advance(5 * 60)
    take_due(store_at(), clock())
    clock.advance(31 * 60)  # it rang at 12:45: at 1:16 a snooze is long past
    assert run("AlarmSnooze").status == "failed"
    assert run("AlarmQuery").speech == "You have one alarm: 12:30 PM every day (pills)."


def test_alarms_from_before_snoozing_still_ring(tmp_path: Path, clock) -> None:
    with sqlite3.connect(tmp_path / "state.sqlite3") as old:  # a state file from a version without snooze
        old.execute("CREATE TABLE alarms (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, label TEXT, "
                    "repeat TEXT, state TEXT NOT NULL DEFAULT 'set')")
        old.execute("INSERT INTO alarms (at) VALUES (?)", (clock().timestamp() + 60,))
    store = Store(tmp_path / "state.sqlite3")
    clock.advance(60)
    assert [a.kind for a in take_due(store, clock())] == ["alarm"]
    assert store.last_rung_alarm(since=0).rang_at == clock().timestamp()


def test_a_calendar_entry_is_said_when_its_time_comes(run, store_at, clock) -> None:
    run("CalendarAdd", title="call mom", when="in 20 minutes")
    run("CalendarAdd", title="dentist", when="tomorrow")  # no time of day: nothing to say when
    clock.advance(19 * 60)
    assert take_due(store_at(), clock()) == []
    clock.advance(60)
    assert [(a.kind, a.speech) for a in take_due(store_at(), clock())] == [("reminder", "Reminder: call mom.")]
    assert take_due(store_at(), clock()) == []
    assert run("CalendarQuery", when="today").speech == "On your calendar today: call mom today at 12:20 PM."


def test_entries_from_before_reminders_are_not_said(tmp_path: Path, clock) -> None:
    with sqlite3.connect(tmp_path / "state.sqlite3") as old:  # a state file from a version without reminders
        old.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, "
                    "day TEXT NOT NULL, at TEXT)")
        old.execute("INSERT INTO events (title, day, at) VALUES ('standup', '2025-12-30', '09:00')")
    store = Store(tmp_path / "state.sqlite3")
    assert take_due(store, clock()) == []
    store.add_event("review", "2026-01-01", "11:00")
    assert [a.speech for a in take_due(store, clock())] == [
        "While I was off, this came due 1 hour ago: Reminder: review."]


def test_ring_is_a_chime_then_the_voice(pipeline, store_at, run, clock) -> None:
    run("HassStartTimer", seconds=10)
    clock.advance(10)
    chunks = list(ring(take_due(store_at(), clock())[0], pipeline.speak))
    voice_rate = chunks[1].rate
    assert chunks[0] == chime(voice_rate) and len(chunks) >= 2
    assert all(c.rate == voice_rate for c in chunks)


def test_hark_alerts_rings_a_timer_set_by_voice(tmp_path: Path) -> None:
    assert hark("say", "set a timer for 1 second", data_dir=tmp_path).returncode == 0
    time.sleep(1.5)
    rung = hark("alerts", "--json", "--out", str(tmp_path / "ring.wav"), data_dir=tmp_path)
    assert rung.returncode == 0, rung.stderr
    assert json.loads(rung.stdout)["speech"] == "Your 1 second timer is done."
    with wave.open(str(tmp_path / "ring.wav")) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0
    again = hark("alerts", "--json", data_dir=tmp_path)
    assert again.returncode == 0 and again.stdout == ""
