"""Timers live in SQLite with wall-clock end times: a restart keeps the remaining time."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from skills.store import Store


def test_timer_survives_reopen(tmp_path: Path) -> None:
    first = Store(tmp_path / "state.sqlite3")
    timer = first.add_timer(300, now=1_000.0, name="pasta", area=None)
    first.close()
    again = Store(tmp_path / "state.sqlite3").timers(state="running")
    assert [(t.id, t.name, t.ends_at) for t in again] == [(timer.id, "pasta", 1_300.0)]


def test_a_state_file_from_before_timer_commands_gains_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE timers (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, area TEXT, "
                    "seconds REAL NOT NULL, started_at REAL NOT NULL, ends_at REAL NOT NULL, "
                    "state TEXT NOT NULL DEFAULT 'running', remaining REAL)")
        old.execute("INSERT INTO timers (name, seconds, started_at, ends_at) VALUES ('tea', 60, 0, 60)")
    store = Store(path)
    store.add_timer(300, now=0.0, name=None, area=None, command="turn on the kitchen light",
                    steps=[{"name": "HassTurnOn", "args": {"name": "Kitchen Light"}}])
    assert [(t.name, t.command, t.steps) for t in store.timers()] == [
        ("tea", None, []), (None, "turn on the kitchen light", [{"name": "HassTurnOn", "args": {"name": "Kitchen Light"}}])]
