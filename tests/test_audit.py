"""The audit log (hash-chained turns in SQLite), dry runs, "what did you just do" and "undo that"."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from device.config import Settings
from device.pipeline import Pipeline
from tests.conftest import MODELS
from tests.test_cli import hark


@pytest.fixture
def device(tmp_path: Path) -> Pipeline:
    return Pipeline(Settings(data_dir=tmp_path / "data", models_dir=MODELS, config_dir=tmp_path / "config"))


def _state(device: Pipeline, name: str) -> str:
    return next(e.state for e in device.home.entities if e.name == name)


def test_every_turn_is_logged_with_its_decisions(device: Pipeline) -> None:
    device.say("unlock the front door")
    device.say("yes")
    asked, confirmed = [e.record for e in device.store.audit()]
    assert asked["transcript"] == "unlock the front door"
    assert asked["actions"][0]["status"] == "needs_confirmation" and asked["actions"][0]["decision"] == "confirm"
    assert asked["actions"][0]["reason"] == "it changes Front Door, a security device"
    assert confirmed["actions"][0]["status"] == "done" and confirmed["at"] > asked["at"]
    assert device.store.verify_audit() is None


def test_an_edited_or_removed_row_breaks_the_chain(device: Pipeline) -> None:
    for text in ("turn on the kitchen light", "what time is it", "turn off the kitchen light"):
        device.say(text)
    db = sqlite3.connect(device.settings.state_db)
    original = db.execute("SELECT record FROM audit WHERE id = 1").fetchone()[0]
    db.execute("UPDATE audit SET record = replace(record, 'kitchen', 'garage') WHERE id = 1")
    db.commit()
    assert device.store.verify_audit() == 1
    db.execute("UPDATE audit SET record = ? WHERE id = 1", (original,))
    db.execute("DELETE FROM audit WHERE id = 2")
    db.commit()
    assert device.store.verify_audit() == 3


def test_retention_prunes_old_turns_and_keeps_the_chain_whole(tmp_path: Path) -> None:
    device = Pipeline(Settings(data_dir=tmp_path, models_dir=MODELS, audit_retention_days=1))
    device.say("turn on the kitchen light")
    db = sqlite3.connect(device.settings.state_db)
    db.execute("UPDATE audit SET at = at - 2 * 86400, hash = hash")  # an old turn...
    db.commit()
    device.store.prune_audit(0)  # (nothing older than 1970)
    device.say("turn off the kitchen light")  # ...is pruned when the next one is logged
    assert [e.record["transcript"] for e in device.store.audit()] == ["turn off the kitchen light"]
    assert device.store.verify_audit() is None


def test_dry_run_previews_and_changes_nothing(tmp_path: Path) -> None:
    device = Pipeline(Settings(data_dir=tmp_path, models_dir=MODELS), dry_run=True)
    turn = device.say("unlock the front door")
    assert turn.dry_run and turn.actions[0].status == "previewed"
    assert turn.actions[0].result["preview"]["changes"] == [
        {"entity_id": "lock.front_door", "name": "Front Door", "before": "locked", "after": "unlocked"}]
    assert _state(device, "Front Door") == "locked"
    assert device.store.audit() == [] and device.store.take_pending(60, turn.at) is None


def test_what_did_you_do_and_undo_that(device: Pipeline) -> None:
    assert device.say("what did you just do").reply == "I haven't done anything yet."
    device.say("turn on the kitchen light")
    assert device.say("what did you just do").reply == "You said 'turn on the kitchen light'. Kitchen Light is now on."
    assert device.say("undo that").reply == "Kitchen Light is back to off."
    assert _state(device, "Kitchen Light") == "off"
    assert device.say("undo that").reply == "I already undid that."


def test_undo_never_reverses_what_needed_a_yes(device: Pipeline) -> None:
    device.say("unlock the front door")
    device.say("yes")
    refused = device.say("undo that")
    assert refused.actions[0].status == "failed" and "needed a yes" in refused.reply
    assert _state(device, "Front Door") == "unlocked"


def test_undo_a_timer_an_alarm_and_a_calendar_entry(device: Pipeline) -> None:
    device.say("set a timer for 5 minutes")
    assert device.say("undo").reply == "Cancelled the timer I just set."
    device.say("wake me up at 6 am")
    assert device.say("undo that").reply == "Cancelled the alarm I just set."
    assert device.store.alarms() == []


def test_a_cleared_list_comes_back_on_undo(device: Pipeline) -> None:
    device.say("add milk to my shopping list")
    device.say("add eggs to my shopping list")
    assert device.say("clear my shopping list").reply == "Cleared the Shopping List (2 items)."
    assert device.say("what's on my shopping list").reply == "The Shopping List is empty."
    assert device.say("undo that").reply == "Put 2 items back on the Shopping List."
    assert device.say("take eggs off the shopping list").reply == "Removed eggs from the Shopping List."
    assert device.say("undo").reply == "Put eggs back on the Shopping List."
    assert device.say("what's on my shopping list").reply == "On the Shopping List: milk and eggs."


def test_hark_log_and_verify(tmp_path: Path) -> None:
    hark("say", "turn on the kitchen light", data_dir=tmp_path)
    hark("say", "turn on the kitchen light", "--dry-run", data_dir=tmp_path)
    logged = json.loads(hark("log", "--json", data_dir=tmp_path).stdout)
    assert [e["record"]["transcript"] for e in logged] == ["turn on the kitchen light"]
    assert "Kitchen Light is now on." in hark("log", "--tail", "1", data_dir=tmp_path).stdout
    assert hark("log", "--verify", data_dir=tmp_path).returncode == 0
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    db.execute("UPDATE audit SET record = replace(record, 'on', 'off')")
    db.commit()
    broken = hark("log", "--verify", "--json", data_dir=tmp_path)
    assert broken.returncode == 1 and json.loads(broken.stdout) == {"ok": False, "rows": 1, "first_broken_id": 1}
