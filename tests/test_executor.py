"""The executor validates, bounds time, and turns any skill failure into a spoken sentence."""
from __future__ import annotations

import time
import types

from device.executor import Executor
from device.messages import ActionCall
from skills.registry import SkillSet
from skills.sdk import NoArgs, SkillContext, SkillResult, skill


@skill(name="Explodes", description="a skill with a bug")
def explodes(args: NoArgs, ctx: SkillContext) -> SkillResult:
    raise RuntimeError("bug")


@skill(name="Sleeps", description="a skill that hangs")
def sleeps(args: NoArgs, ctx: SkillContext) -> SkillResult:
    time.sleep(2)
    return SkillResult(speech="late")


def _executor(skills: SkillSet, context: SkillContext) -> Executor:
    extra = SkillSet(skills=dict(skills.skills))
    extra.add_module(types.SimpleNamespace(explodes=explodes, sleeps=sleeps), origin="tests")
    return Executor(extra, context, timeout_seconds=0.3)


def test_done_changes_state(skills: SkillSet, context: SkillContext) -> None:
    result = _executor(skills, context).run_one(ActionCall(name="HassTurnOn", args={"name": "Office Light"}))
    assert (result.status, result.speech) == ("done", "Office Light is now on.")
    assert result.result["data"]["changed"] == [{"entity_id": "light.office", "from": "off", "to": "on"}]


def test_invalid_arguments_never_run(skills: SkillSet, context: SkillContext) -> None:
    calls = [ActionCall(name="HassStartTimer", args={}), ActionCall(name="HassTurnOn", args={"colour": "red"}),
             ActionCall(name="LaunchRocket", args={})]
    results = _executor(skills, context).run(calls)
    assert [r.status for r in results] == ["invalid", "invalid", "invalid"]
    assert "a timer needs a length" in results[0].speech
    assert results[2].speech == "I don't have a skill called LaunchRocket."
    assert context.store.timers() == []


def test_a_raising_skill_fails_only_its_action(skills: SkillSet, context: SkillContext) -> None:
    results = _executor(skills, context).run([ActionCall(name="Explodes"), ActionCall(name="HassGetCurrentTime")])
    assert [r.status for r in results] == ["failed", "done"]
    assert results[0].speech == "Something went wrong while running Explodes."


def test_a_slow_skill_is_abandoned_after_its_budget(skills: SkillSet, context: SkillContext) -> None:
    started = time.perf_counter()
    result = _executor(skills, context).run_one(ActionCall(name="Sleeps"))
    assert result.status == "failed" and "took too long" in result.speech
    assert time.perf_counter() - started < 1.5


def test_unknown_device_is_a_spoken_failure(skills: SkillSet, context: SkillContext) -> None:
    result = _executor(skills, context).run_one(ActionCall(name="HassTurnOff", args={"name": "spaceship"}))
    assert (result.status, result.speech) == ("failed", "I don't know any device called spaceship.")
