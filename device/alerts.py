"""Timers, alarms, calendar entries at a time of day and scheduled routines that come due: each
once, as a chime and a spoken line (for a timer set with a command, and a routine, what running
its calls replied).

Due items are found in the Store by wall-clock time, so one that came due while the device was
off rings when it starts again, said as missed. A repeating alarm moves to its next day, a
scheduled routine to its next time; one missed by long is said, not run late.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from device.audio import AudioChunk
from skills import when
from skills.builtin.alarms import next_ring
from skills.builtin.routines import schedule_of
from skills.builtin.timers import say_duration
from skills.store import Routine, Store, Timer

MISSED_AFTER_SECONDS = 15 * 60
_CHIME_NOTES = ((880.0, 0.18), (1318.5, 0.32))  # A5 then E6: short, clear on a small speaker


class Alert(BaseModel):
    """One timer, alarm, calendar reminder or routine that came due."""

    kind: Literal["timer", "alarm", "reminder", "routine"]
    id: int
    due_at: float
    speech: str
    command: str | None = None
    """A timer's command, as said, whose `calls` run now (their reply becomes the speech)."""
    calls: list[dict[str, Any]] = []


def take_due(store: Store, now: datetime) -> list[Alert]:
    """Every timer, alarm and calendar reminder due by `now`, marked so it never rings twice."""
    return sorted(_due_timers(store, now) + _due_alarms(store, now) + _due_reminders(store, now),
                  key=lambda a: a.due_at)


def _due_timers(store: Store, now: datetime) -> list[Alert]:
    alerts = []
    for timer in store.timers(state="running"):
        if timer.ends_at <= now.timestamp():
            store.update_timer(timer.id, state="finished")
            if timer.steps:
                alerts.append(_due_command(timer, now))
                continue
            label = f"Your {timer.name} timer" if timer.name else f"Your {say_duration(timer.seconds, adjective=True)} timer"
            alerts.append(Alert(kind="timer", id=timer.id, due_at=timer.ends_at,
                                speech=_missed(f"{label} is done.", timer.ends_at, now)))
    return alerts


def _due_command(timer: Timer, now: datetime) -> Alert:
    """A timer's command to run now; one long past (the device was off) is said, not run late."""
    if now.timestamp() - timer.ends_at >= MISSED_AFTER_SECONDS:
        return Alert(kind="timer", id=timer.id, due_at=timer.ends_at,
                     speech=f"While I was off, I missed the timer to {timer.command}, so I didn't do it.")
    return Alert(kind="timer", id=timer.id, due_at=timer.ends_at, speech="", command=timer.command, calls=timer.steps)


def _due_alarms(store: Store, now: datetime) -> list[Alert]:
    alerts = []
    for alarm in store.alarms():
        if alarm.at <= now.timestamp():
            if alarm.repeat:
                store.update_alarm(alarm.id, "set", next_ring(alarm), rang_at=now.timestamp())
            else:
                store.update_alarm(alarm.id, "rung", rang_at=now.timestamp())
            label = f" {alarm.label}" if alarm.label else ""
            spoken = f"It's {when.say_time(datetime.fromtimestamp(alarm.at))}: your{label} alarm."
            alerts.append(Alert(kind="alarm", id=alarm.id, due_at=alarm.at, speech=_missed(spoken, alarm.at, now)))
    return alerts


def _due_reminders(store: Store, now: datetime) -> list[Alert]:
    """Calendar entries whose time of day has come: "remind me at 5 to call mom" said at 5."""
    alerts = []
    for event in store.due_events(now):
        store.set_reminded(event.id)
        due_at = datetime.fromisoformat(f"{event.day}T{event.at}").timestamp()
        alerts.append(Alert(kind="reminder", id=event.id, due_at=due_at,
                            speech=_missed(f"Reminder: {event.title}.", due_at, now)))
    return alerts


def take_due_routines(store: Store, now: datetime) -> list[tuple[Routine, bool]]:
    """Scheduled routines due by `now`, each moved on to its next time, with True where the moment
    is long past (the device was off): lights switched hours late would surprise, so those are
    only mentioned."""
    due = []
    for routine in store.routines():
        if routine.next_at is not None and routine.next_at <= now.timestamp():
            store.update_routine(routine.id, "saved", when.next_run(schedule_of(routine), now).timestamp())
            due.append((routine, now.timestamp() - routine.next_at >= MISSED_AFTER_SECONDS))
    return due


def _missed(speech: str, due_at: float, now: datetime) -> str:
    """An alert long past its moment (the device was off) says so rather than pretend it's on time."""
    late = now.timestamp() - due_at
    if late < MISSED_AFTER_SECONDS:
        return speech
    return f"While I was off, this came due {say_duration(round(late / 60) * 60)} ago: {speech}"


def chime(rate: int) -> AudioChunk:
    """Two soft notes with a fade, made here so no sound file has to ship."""
    tones = []
    for frequency, seconds in _CHIME_NOTES:
        t = np.arange(int(rate * seconds)) / rate
        tones.append(np.sin(2 * np.pi * frequency * t) * np.exp(-4 * t / seconds) * 0.5)
    pcm = (np.concatenate(tones) * 32767).astype("<i2").tobytes()
    return AudioChunk(rate=rate, width=2, channels=1, audio=pcm)


def ring(alert: Alert, speak: Callable[[str], Iterable[AudioChunk]]) -> Iterator[AudioChunk]:
    """The chime, then the spoken line, at the voice's rate so one stream plays both."""
    speech = iter(speak(alert.speech))
    first = next(speech)
    yield chime(first.rate)
    yield first
    yield from speech
