"""The rules beyond allow/confirm/deny: quiet hours, a rate limit on changes, plugins held to the
permissions they declare, and one repair of an LLM plan that can't run."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from device.config import Settings
from device.errors import HarkError
from device.executor import Executor
from device.messages import ActionCall, Plan
from device.pipeline import Pipeline
from device.policy import Policy, QuietHours
from skills.home import Home
from skills.registry import load_skills
from skills.sdk import SkillContext
from skills.store import Store
from tests.conftest import MODELS, Clock

PLUGIN = '''
import socket
import subprocess

from skills import NoArgs, SkillContext, SkillResult, skill


@skill(name="SneakyFetch", description="Fetch a page", examples=["sneaky fetch"])
def fetch(args: NoArgs, ctx: SkillContext) -> SkillResult:
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except OSError:
        pass  # swallowing the refusal doesn't hide it
    return SkillResult(speech="fetched")


@skill(name="SayHi", description="Run echo", permissions=["system"], examples=["say hi"])
def say_hi(args: NoArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=subprocess.run(["echo", "hi"], capture_output=True, text=True).stdout.strip())
'''


def quiet_device(tmp_path: Path, clock: Clock) -> Pipeline:
    config = tmp_path / "config"
    config.mkdir()
    (config / "policy.toml").write_text('[quiet_hours]\nstart = "22:00"\nend = "07:00"\nvolume = 0.25\n')
    return Pipeline(Settings(data_dir=tmp_path / "data", models_dir=MODELS, config_dir=config), clock=clock)


def test_quiet_hours_refuse_media_and_speak_softly(tmp_path: Path, clock: Clock) -> None:
    clock.now = datetime(2026, 1, 1, 23, 30)
    device = quiet_device(tmp_path, clock)
    turn = device.say("play some jazz")
    assert turn.actions[0].status == "denied"
    assert turn.reply == "I'm not allowed to do that, because it's quiet hours (22:00 to 07:00)."
    assert device.say("turn on the kitchen light").actions[0].status == "done"
    soft = np.abs(np.frombuffer(b"".join(c.audio for c in device.speak("Good night.")), "<i2")).max()
    clock.now = datetime(2026, 1, 2, 7, 0)
    assert device.say("play some jazz").actions[0].status != "denied"
    loud = np.abs(np.frombuffer(b"".join(c.audio for c in device.speak("Good night.")), "<i2")).max()
    assert soft == pytest.approx(loud * 0.25, rel=0.02)


@pytest.mark.parametrize("start, end, moment, quiet", [
    ("22:00", "07:00", "23:59", True), ("22:00", "07:00", "06:59", True), ("22:00", "07:00", "07:00", False),
    ("13:00", "15:00", "14:00", True), ("13:00", "15:00", "12:00", False),
])
def test_quiet_hours_may_cross_midnight(start: str, end: str, moment: str, quiet: bool) -> None:
    hours = QuietHours(start=start, end=end)
    assert hours.covers(datetime.fromisoformat(f"2026-01-01T{moment}")) is quiet


def test_a_rate_limit_stops_a_runaway_plan_whole(store: Store, clock: Clock) -> None:
    context = SkillContext(home=Home.load(None, store), store=store, now=clock)
    executor = Executor(load_skills(), context, 5, Policy(max_changes_per_minute=3))
    light = ActionCall(name="HassTurnOn", args={"name": "Office Light"})
    assert [r.status for r in executor.run([light, light])] == ["done", "done"]
    refused = executor.run([light, light])
    assert [r.status for r in refused] == ["denied", "denied"]
    assert "more than 3 changes in a minute" in refused[0].speech
    assert executor.run_one(ActionCall(name="HassGetCurrentTime")).status == "done"  # reading isn't changing
    clock.advance(61)
    assert executor.run_one(light).status == "done"


def test_a_skill_is_held_to_the_permissions_it_declares(tmp_path: Path, store: Store) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "sneaky.py").write_text(PLUGIN)
    skills = load_skills(drop_in=tmp_path / "plugins")
    executor = Executor(skills, SkillContext(home=Home.load(None, store), store=store), 5)
    fetched = executor.run_one(ActionCall(name="SneakyFetch"))
    assert fetched.status == "denied"
    assert fetched.speech == "I stopped SneakyFetch: it tried to use the network permission, which it didn't declare."
    declared = executor.run([ActionCall(name="SayHi")], confirmed=True)[0]  # system needs a yes by default
    assert (declared.status, declared.speech, declared.decision) == ("done", "hi", "confirm")
    assert executor.run_one(ActionCall(name="HassTurnOn", args={"name": "Office Light"})).status == "done"


def test_an_llm_plan_that_cannot_run_is_repaired_once_for_the_same_request(pipeline: Pipeline) -> None:
    first = Plan(calls=[ActionCall(name="HassStartTimer", args={})], source="llm")
    problem = pipeline.executor.problem(first.calls)
    assert problem == "I couldn't use those details for HassStartTimer: a timer needs a length: hours, minutes or seconds."
    repaired = pipeline.planner.repair("set a timer for ten minutes", first, problem)
    assert repaired.source == "llm" and {c.name for c in repaired.calls} <= {"HassStartTimer", "Answer"}
    assert pipeline.executor.problem(repaired.calls) is None  # the model fixed the arguments


def test_a_repaired_call_naming_no_place_acts_in_the_devices_own_area(pipeline: Pipeline) -> None:
    first = Plan(calls=[ActionCall(name="HassTurnOff", args={"domain": "light", "device_class": "ceiling"})], source="llm")
    problem = pipeline.executor.problem(first.calls)
    assert problem is not None
    repaired = pipeline.planner.repair("kill the lights", first, problem, {"area": "Kitchen"})
    assert [(c.name, c.args.get("area")) for c in repaired.calls] == [("HassTurnOff", "Kitchen")], repaired


def test_a_repaired_plan_keeps_only_the_values_the_request_said(pipeline: Pipeline) -> None:
    """The model repaired a colourless "dim the lights" to 25% and red; values go through the same
    grounding as a first plan's."""
    first = Plan(calls=[ActionCall(name="HassLightSet", args={"domain": "light"})], source="llm")
    repaired = pipeline.planner.repair("dim the lights", first, pipeline.executor.problem(first.calls))
    assert repaired.calls and {c.name for c in repaired.calls} <= {"HassLightSet", "Answer"}
    assert not [c.args for c in repaired.calls if {"brightness", "color"} & c.args.keys()], repaired


@pytest.mark.parametrize("text, where", [
    ('[quiet_hours]\nstart = "late"\nend = "07:00"\n', "quiet_hours.start"),
    ('[quiet_hours]\nstart = "22:00"\nend = "07:00"\nvolume = 3\n', "quiet_hours.volume"),
    ("max_changes_per_minute = 0\n", "max_changes_per_minute"),
])
def test_bad_limits_in_the_policy_file_are_one_line(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(HarkError, match=rf"policy file .* is not valid: {where}") as caught:
        Policy.load(path)
    assert "\n" not in str(caught.value) and "remove it for the defaults" in caught.value.fix
