"""Timers live in SQLite with wall-clock end times: a restart keeps the remaining time."""
from __future__ import annotations

from pathlib import Path

from skills.store import Store


def test_timer_survives_reopen(tmp_path: Path) -> None:
    first = Store(tmp_path / "state.sqlite3")
    timer = first.add_timer(300, now=1_000.0, name="pasta", area=None)
    first.close()
    again = Store(tmp_path / "state.sqlite3").timers(state="running")
    assert [(t.id, t.name, t.ends_at) for t in again] == [(timer.id, "pasta", 1_300.0)]
