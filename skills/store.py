"""Durable state in SQLite: it survives restarts and power loss (WAL, synchronous=FULL)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_SCHEMA = """
CREATE TABLE IF NOT EXISTS home_state (
    home TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL, attributes TEXT NOT NULL,
    PRIMARY KEY (home, entity_id));
CREATE TABLE IF NOT EXISTS timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, area TEXT, seconds REAL NOT NULL,
    started_at REAL NOT NULL, ends_at REAL NOT NULL, state TEXT NOT NULL DEFAULT 'running',
    remaining REAL, command TEXT, steps TEXT);
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY CHECK (id = 1), calls TEXT NOT NULL, asked_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS list_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT, list TEXT NOT NULL, item TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, label TEXT, repeat TEXT,
    state TEXT NOT NULL DEFAULT 'set', rang_at REAL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, record TEXT NOT NULL,
    prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, day TEXT NOT NULL, at TEXT,
    reminded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS routines (
    id INTEGER PRIMARY KEY AUTOINCREMENT, trigger TEXT, repeat TEXT, clock TEXT, next_at REAL,
    steps TEXT NOT NULL, summary TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'saved');
CREATE TABLE IF NOT EXISTS actuations (at REAL NOT NULL);
"""
# Columns added after a table was first made: a state file from an older version gains them.
# Entries made before the calendar reminded were never promised a reminder: they count as reminded.
_ADDED_COLUMNS = {"timers": {"command": "TEXT", "steps": "TEXT"}, "events": {"reminded": "INTEGER NOT NULL DEFAULT 1"},
                  "alarms": {"rang_at": "REAL"}}
_TIMER_FIELDS = {"state", "ends_at", "remaining", "seconds"}


class Timer(BaseModel):
    """A countdown; `ends_at` is wall-clock epoch seconds so it survives a restart."""

    id: int
    name: str | None
    area: str | None
    seconds: float
    """The length it was started with (changed by increase/decrease)."""
    started_at: float
    ends_at: float
    state: str
    """running | paused | finished | cancelled"""
    remaining: float | None = None
    """Seconds left, kept while paused."""
    command: str | None = None
    """What to do when it ends, as said ("turn off the lights"); None for a plain timer."""
    steps: list[dict[str, Any]] = []
    """The command's calls as planned when the timer was set: {"name", "args"}."""

    def left(self, now: float) -> float:
        return self.remaining if self.state == "paused" and self.remaining is not None else max(0.0, self.ends_at - now)


class ListItem(BaseModel):
    id: int
    list: str
    item: str
    done: bool
    added_at: float


class Alarm(BaseModel):
    """A wake-up alarm at a wall-clock moment; a repeating one moves on after it rings."""

    id: int
    at: float
    label: str | None
    repeat: str | None
    """None (once), "daily", "weekdays" or "weekends"."""
    state: str
    """set | cancelled | rung"""
    rang_at: float | None = None
    """When it last rang (a repeating alarm is set again for its next day)."""


class Event(BaseModel):
    """A calendar entry: a day (ISO date) and, if given, a time of day (HH:MM), said when it comes."""

    id: int
    title: str
    day: str
    at: str | None


class Routine(BaseModel):
    """Saved steps run by a phrase (`trigger`) or by a schedule (`repeat` at `clock`, next at `next_at`)."""

    id: int
    trigger: str | None
    repeat: str | None
    clock: str | None
    """HH:MM"""
    next_at: float | None
    steps: list[dict[str, Any]]
    """Calls as planned when it was taught: {"name", "args"}."""
    summary: str
    """What it does, as read back when it was saved."""
    state: str
    """saved | removed"""


class AuditEntry(BaseModel):
    """One turn in the audit log, chained to the one before by its hash."""

    id: int
    at: float
    record: dict[str, Any]
    prev: str
    hash: str


GENESIS = "0" * 64


def chain_hash(prev: str, at: float, record_json: str) -> str:
    return hashlib.sha256(f"{prev}|{at!r}|{record_json}".encode()).hexdigest()


class Store:
    """One SQLite file for the device's state; safe to share between the loop and skill threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._add_new_columns()

    def _add_new_columns(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def _run(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def home_overrides(self, home: str) -> dict[str, tuple[str, dict[str, Any]]]:
        rows = self._run("SELECT entity_id, state, attributes FROM home_state WHERE home = ?", (home,))
        return {r["entity_id"]: (r["state"], json.loads(r["attributes"])) for r in rows}

    def save_entity(self, home: str, entity_id: str, state: str, attributes: dict[str, Any]) -> None:
        self._run(
            "INSERT OR REPLACE INTO home_state VALUES (?, ?, ?, ?)",
            (home, entity_id, state, json.dumps(attributes, sort_keys=True)),
        )

    def add_timer(self, seconds: float, now: float, name: str | None, area: str | None,
                  command: str | None = None, steps: list[dict[str, Any]] | None = None) -> Timer:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO timers (name, area, seconds, started_at, ends_at, command, steps) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, area, seconds, now, now + seconds, command, json.dumps(steps or [])),
            )
            row_id = cursor.lastrowid
        return self.timers(ids=[row_id])[0]

    def timers(self, ids: list[int] | None = None, state: str | None = None) -> list[Timer]:
        return [Timer(**{**r, "steps": json.loads(r["steps"] or "[]")}) for r in self._select("timers", ids, state, order="id")]

    def _select(self, table: str, ids: list[int] | None, state: str | None, order: str) -> list[dict]:
        """Rows of a table with a state column, optionally only some ids or one state."""
        sql, params = f"SELECT * FROM {table} WHERE 1=1", []
        if ids is not None:
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            params += ids
        if state is not None:
            sql += " AND state = ?"
            params.append(state)
        return [dict(r) for r in self._run(f"{sql} ORDER BY {order}", tuple(params))]

    def update_timer(self, timer_id: int, **fields: float | str | None) -> None:
        if not fields or not set(fields) <= _TIMER_FIELDS:
            raise ValueError(f"timer fields must be among {sorted(_TIMER_FIELDS)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._run(f"UPDATE timers SET {assignments} WHERE id = ?", (*fields.values(), timer_id))

    def add_item(self, list_name: str, item: str, now: float) -> None:
        self._run("INSERT INTO list_items (list, item, added_at) VALUES (?, ?, ?)", (list_name, item, now))

    def items(self, list_name: str, done: bool | None = None) -> list[ListItem]:
        sql, params = "SELECT * FROM list_items WHERE list = ?", [list_name]
        if done is not None:
            sql += " AND done = ?"
            params.append(int(done))
        return [ListItem(**dict(r)) for r in self._run(sql + " ORDER BY id", tuple(params))]

    def set_item_done(self, item_id: int, done: bool) -> None:
        self._run("UPDATE list_items SET done = ? WHERE id = ?", (int(done), item_id))

    def remove_item(self, item_id: int) -> None:
        self._run("DELETE FROM list_items WHERE id = ?", (item_id,))

    def add_alarm(self, at: float, label: str | None, repeat: str | None) -> Alarm:
        with self._lock:
            row_id = self._db.execute("INSERT INTO alarms (at, label, repeat) VALUES (?, ?, ?)",
                                      (at, label, repeat)).lastrowid
        return self.alarms(ids=[row_id], state=None)[0]

    def alarms(self, ids: list[int] | None = None, state: str | None = "set") -> list[Alarm]:
        return [Alarm(**r) for r in self._select("alarms", ids, state, order="at")]

    def update_alarm(self, alarm_id: int, state: str, at: float | None = None, rang_at: float | None = None) -> None:
        self._run("UPDATE alarms SET state = ?, at = COALESCE(?, at), rang_at = COALESCE(?, rang_at) WHERE id = ?",
                  (state, at, rang_at, alarm_id))

    def last_rung_alarm(self, since: float) -> Alarm | None:
        """The alarm that rang last, if it rang after `since` and wasn't cancelled since."""
        rows = self._run("SELECT * FROM alarms WHERE rang_at >= ? AND state != 'cancelled' ORDER BY rang_at DESC LIMIT 1",
                         (since,))
        return Alarm(**rows[0]) if rows else None

    def add_event(self, title: str, day: str, at: str | None) -> Event:
        with self._lock:
            row_id = self._db.execute("INSERT INTO events (title, day, at, reminded) VALUES (?, ?, ?, 0)",
                                      (title, day, at)).lastrowid
        return Event(id=row_id, title=title, day=day, at=at)

    def due_events(self, now: datetime) -> list[Event]:
        """Entries with a time of day that has come and no reminder said yet, earliest first."""
        rows = self._run("SELECT * FROM events WHERE at IS NOT NULL AND reminded = 0 AND day || ' ' || at <= ? "
                         "ORDER BY day, at", (now.strftime("%Y-%m-%d %H:%M"),))
        return [Event(**dict(r)) for r in rows]

    def set_reminded(self, event_id: int) -> None:
        self._run("UPDATE events SET reminded = 1 WHERE id = ?", (event_id,))

    def events(self, first_day: str, last_day: str) -> list[Event]:
        rows = self._run("SELECT * FROM events WHERE day BETWEEN ? AND ? ORDER BY day, at", (first_day, last_day))
        return [Event(**dict(r)) for r in rows]

    def remove_event(self, event_id: int) -> None:
        self._run("DELETE FROM events WHERE id = ?", (event_id,))

    def add_routine(self, routine: dict[str, Any]) -> Routine:
        """Save a routine given its fields (all but id and state)."""
        fields = {**routine, "steps": json.dumps(routine["steps"])}
        with self._lock:
            row_id = self._db.execute(f"INSERT INTO routines ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                                      tuple(fields.values())).lastrowid
        return self.routines(ids=[row_id])[0]

    def routines(self, ids: list[int] | None = None, state: str | None = "saved") -> list[Routine]:
        return [Routine(**{**r, "steps": json.loads(r["steps"])}) for r in self._select("routines", ids, state, order="id")]

    def update_routine(self, routine_id: int, state: str, next_at: float | None = None) -> None:
        self._run("UPDATE routines SET state = ?, next_at = COALESCE(?, next_at) WHERE id = ?",
                  (state, next_at, routine_id))

    def count_actuations(self, since: float) -> int:
        return self._run("SELECT COUNT(*) AS n FROM actuations WHERE at >= ?", (since,))[0]["n"]

    def add_actuations(self, count: int, now: float) -> None:
        """Note `count` changes made at `now` (for the rate limit); older than an hour is forgotten."""
        with self._lock:
            self._db.execute("DELETE FROM actuations WHERE at < ?", (now - 3600,))
            self._db.executemany("INSERT INTO actuations VALUES (?)", [(now,)] * count)

    def append_audit(self, record: dict[str, Any], at: float) -> AuditEntry:
        """Append a turn; its hash covers the previous row's hash, so an edit or a gap shows."""
        record_json = json.dumps(record, sort_keys=True)
        with self._lock:
            last = self._db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            prev = last["hash"] if last else GENESIS
            digest = chain_hash(prev, at, record_json)
            row_id = self._db.execute("INSERT INTO audit (at, record, prev, hash) VALUES (?, ?, ?, ?)",
                                      (at, record_json, prev, digest)).lastrowid
        return AuditEntry(id=row_id, at=at, record=record, prev=prev, hash=digest)

    def audit(self, tail: int | None = None) -> list[AuditEntry]:
        """The log oldest first; only the last `tail` turns if given."""
        rows = self._run("SELECT * FROM audit ORDER BY id DESC" + (" LIMIT ?" if tail else ""), (tail,) if tail else ())
        return [AuditEntry(id=r["id"], at=r["at"], record=json.loads(r["record"]), prev=r["prev"], hash=r["hash"])
                for r in reversed(rows)]

    def verify_audit(self) -> int | None:
        """The id of the first row that breaks the chain, or None when it is whole. Rows pruned
        for retention leave the oldest kept row's `prev` as the anchor."""
        rows = self._run("SELECT * FROM audit ORDER BY id")
        expected = rows[0]["prev"] if rows else GENESIS
        for row in rows:
            if row["prev"] != expected or chain_hash(row["prev"], row["at"], row["record"]) != row["hash"]:
                return row["id"]
            expected = row["hash"]
        return None

    def prune_audit(self, before: float) -> None:
        self._run("DELETE FROM audit WHERE at < ?", (before,))

    def ask(self, calls: list[dict[str, Any]], now: float) -> None:
        """Hold a plan until the user answers; a new question replaces an unanswered one."""
        self._run("INSERT OR REPLACE INTO pending VALUES (1, ?, ?)", (json.dumps(calls), now))

    def take_pending(self, max_age: float, now: float) -> list[dict[str, Any]] | None:
        """The held plan if it was asked within max_age seconds; taking it clears it either way."""
        rows = self._run("SELECT calls, asked_at FROM pending WHERE id = 1")
        self._run("DELETE FROM pending")
        if not rows or now - rows[0]["asked_at"] > max_age:
            return None
        return json.loads(rows[0]["calls"])

    def close(self) -> None:
        self._db.close()
