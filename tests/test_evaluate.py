"""`hark eval`: input rows, predictions, and the two scoring formats (on rows of our own)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from device.errors import HarkError
from device.evaluate import EvalRow, Prediction, read_rows, score, score_row, spoken_version
from device.pipeline import Pipeline
from device.tts import Speaker
from skills.registry import SkillSet


def _pred(row_id: str, *actions: tuple[str, dict]) -> Prediction:
    return Prediction(id=row_id, text="", transcript="", actions=[{"name": n, "args": a} for n, a in actions],
                      reply="", source="fast", ms=1.0)


def test_intent_rows_need_the_intent_and_exactly_the_slots(skills: SkillSet) -> None:
    row = EvalRow(id="1", text="x", intent="HassTurnOn", slots={"area": ["Kitchen", "kitchen "], "domain": "light"})
    assert score_row(row, _pred("1", ("HassTurnOn", {"area": "kitchen", "domain": "light"})), skills)[1]
    assert not score_row(row, _pred("1", ("HassTurnOn", {"area": "Kitchen"})), skills)[1]
    assert not score_row(row, _pred("1", ("HassTurnOn", {"area": "Kitchen", "domain": "light", "name": "x"})), skills)[1]
    assert not score_row(row, _pred("1", ("HassTurnOff", {"area": "Kitchen", "domain": "light"})), skills)[1]


def test_the_devices_own_area_is_no_slot_in_home_assistant_tests(skills: SkillSet) -> None:
    """HA's tests say "in here" with context {"area": "__satellite_area__"} and expect no area slot."""
    row = EvalRow(id="1", text="lights off in here", intent="HassTurnOff", slots={"domain": "light"},
                  context={"area": "__satellite_area__"})
    assert score_row(row, _pred("1", ("HassTurnOff", {"domain": "light", "area": "__satellite_area__"})), skills)[1]
    assert not score_row(row, _pred("1", ("HassTurnOff", {"domain": "light", "area": "Kitchen"})), skills)[1]


def test_numbers_compare_by_value(skills: SkillSet) -> None:
    row = EvalRow(id="1", text="x", intent="HassStartTimer", slots={"minutes": 5})
    assert score_row(row, _pred("1", ("HassStartTimer", {"minutes": 5.0})), skills)[1]


def test_action_rows_check_the_first_action_and_side_effects(skills: SkillSet) -> None:
    decline = EvalRow(id="d", text="x", kind="decline", expect_any=["Answer", "Unsupported"])
    assert score_row(decline, _pred("d", ("Unsupported", {"reason": "x"})), skills) == ("decline", True, True)
    assert score_row(decline, _pred("d", ("HassTurnOn", {"name": "x"})), skills) == ("decline", False, False)
    act = EvalRow(id="a", text="x", kind="act", expect_any=["HassTurnOn"])
    assert score_row(act, _pred("a", ("HassTurnOn", {})), skills) == ("act", True, None)


def test_score_summarises_by_group(skills: SkillSet) -> None:
    rows = [EvalRow(id=str(i), text="x", kind="decline", expect_any=["Unsupported"]) for i in range(4)]
    preds = [_pred("0", ("Unsupported", {})), _pred("1", ("Unsupported", {})), _pred("2", ("Answer", {})),
             _pred("3", ("HassTurnOn", {}))]
    result = score(rows, preds, skills)
    assert (result.correct, result.safe) == (0.5, 0.75)
    assert result.by_group["decline"] == {"rows": 4, "correct": 0.5, "safe": 0.75}


def test_unknown_format_and_bad_files_are_one_line(tmp_path: Path, skills: SkillSet) -> None:
    with pytest.raises(HarkError, match="neither intent"):
        score_row(EvalRow(id="1", text="x"), _pred("1"), skills)
    bad = tmp_path / "rows.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(HarkError, match=r"rows.jsonl:2 is not a JSON object"):
        read_rows(bad)
    assert [r.id for r in read_rows(bad, limit=1)] == ["row-1"]


def test_eval_command_end_to_end(tmp_path: Path) -> None:
    from tests.test_cli import hark

    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "turn off the bedroom lamp", "kind": "act", "expect_any": ["HassTurnOff"]},
        {"id": "b", "text": "what time is it", "kind": "answer", "expect_any": ["HassGetCurrentTime"]},
    ]))
    out = tmp_path / "pred.jsonl"
    run = hark("eval", str(rows), "--output", str(out), "--score", "--json", data_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["correct"] == 1.0
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["actions"][0]["name"] for p in preds] == ["HassTurnOff", "HassGetCurrentTime"]
    assert preds[1]["reply"].startswith("It's ") and set(preds[0]) >= {"id", "transcript", "source", "ms"}


def test_a_spoken_set_sounds_the_same_in_every_run(pipeline: Pipeline) -> None:
    """Piper samples noise as it speaks; seeded, a run hears what the last one heard."""
    voice = pipeline.models.path(pipeline.settings.tts_model, "tts")

    def said(seed: int):
        return spoken_version(Speaker(voice, seed), "turn off the bedroom lamp", random.Random(0)).samples

    first, again, other = said(3), said(3), said(4)
    assert (first == again).all()
    assert len(first) != len(other) or not (first == other).all()
