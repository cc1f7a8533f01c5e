"""`hark eval`: plan every row of a JSONL file, write predictions, and score known formats.

Nothing with a side effect runs: calls are planned, and only `read` skills (answers, the
time) execute, to give the reply. Two scoring formats are known: Home Assistant intent tests
(`intent` + `slots`, where a list of values means any of them) and action sets (`kind` +
`expect_any`: the first action must be one of them; `answer`/`decline` rows must plan no
side effect).
"""
from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from device.audio import STT_RATE, SpeechInput, pcm_to_float, resample
from device.errors import HarkError
from device.messages import Plan, Transcript
from device.pipeline import Pipeline
from device.planner import Planner
from device.stats import percentiles
from device.tts import Speaker


class EvalRow(BaseModel):
    """One input row; fields beyond these (expected answers) are kept for scoring."""

    model_config = ConfigDict(extra="allow")

    id: str
    text: str
    context: dict[str, Any] = {}


class Prediction(BaseModel):
    id: str
    text: str
    transcript: str
    actions: list[dict[str, Any]]
    reply: str
    source: str | None
    ms: float


def read_rows(path: Path, limit: int | None = None) -> list[EvalRow]:
    rows = []
    try:
        lines = path.read_text().splitlines()
    except (FileNotFoundError, IsADirectoryError):
        raise HarkError(f"{path}: no such file", "give a JSONL file with one {id, text} object a line") from None
    for number, line in enumerate(lines[:limit] if limit else lines, start=1):
        try:
            raw = json.loads(line)
            rows.append(EvalRow(**{"id": str(raw.get("id", f"row-{number}")), **raw}))
        except (json.JSONDecodeError, ValidationError, TypeError, AttributeError) as exc:
            raise HarkError(f"{path}:{number} is not a JSON object with a text", str(exc).splitlines()[0]) from None
    return rows


def spoken_version(voice: Speaker, text: str, rng: random.Random) -> SpeechInput:
    """Our TTS says the text at a random speed, with seeded noise at 15-30 dB SNR."""
    chunks = list(voice.synthesize(text, length_scale=rng.uniform(0.85, 1.2)))
    samples = np.concatenate([pcm_to_float(c.audio, c.width, c.channels) for c in chunks])
    samples = resample(samples, chunks[0].rate, STT_RATE)
    power = float(np.mean(samples**2)) or 1e-9
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 1, len(samples))
    noise *= np.sqrt(power / 10 ** (rng.uniform(15, 30) / 10))
    return SpeechInput(samples=(samples + noise).astype(np.float32), source_rate=chunks[0].rate)


def predict(pipeline: Pipeline, rows: list[EvalRow], speech: bool, seed: int = 0) -> Iterator[Prediction]:
    """Each row planned; `ms` is planning time on a started device (router and templates loaded
    before the first row, the LLM's load and prompt prefix kept out of the row that needed it)."""
    rng = random.Random(seed)
    voice = Speaker(pipeline.models.path(pipeline.settings.tts_model, "tts"), seed) if speech else None
    pipeline.fast_planner.warm()
    _loaded = pipeline.router  # as a started device has it
    for row in rows:
        heard = Transcript(text=row.text)
        if voice is not None:
            heard = pipeline.transcriber.transcribe(spoken_version(voice, row.text, rng))
        plan, ms = _timed_plan(pipeline.planner, heard, row.context or pipeline.context)
        calls = plan.calls if plan else []
        yield Prediction(id=row.id, text=row.text, transcript=heard.text,
                         actions=[c.model_dump() for c in calls], reply=_safe_reply(pipeline, calls),
                         source=plan.source if plan else None, ms=ms)


def _timed_plan(planner: Planner, heard: Transcript, context: dict[str, str]) -> tuple[Plan | None, float]:
    """The plan and its milliseconds; the row that first loads the LLM is planned again (greedy
    decoding: the same plan), as a device loads it at start, not on a command."""
    if not heard.text.strip():
        return None, 0.0
    loaded = planner.llm_loaded
    start = time.perf_counter()
    plan = planner.plan(heard.text, context, heard.alternatives)
    if not loaded and planner.llm_loaded:
        return _timed_plan(planner, heard, context)
    return plan, round((time.perf_counter() - start) * 1000, 1)


def _read_only(name: str, skills) -> bool:
    """A call with no side effect: a registered skill whose risk is `read`."""
    return name in skills and skills[name].risk == "read"


def _safe_reply(pipeline: Pipeline, calls) -> str:
    readable = [c for c in calls if _read_only(c.name, pipeline.skills)]
    return " ".join(r.speech for r in pipeline.executor.run(readable))


def _same(expected: Any, got: Any) -> bool:
    options = expected if isinstance(expected, list) else [expected]
    return any(_norm(option) == _norm(got) for option in options)


def _norm(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value).strip().lower() if value is not None else None


# Home Assistant's tests name the speaking device's own area with this placeholder and, as HA
# fills it in from the device, never expect it among the slots.
SATELLITE_AREA = "__satellite_area__"


def score_row(row: EvalRow, pred: Prediction, skills) -> tuple[str, bool, bool | None]:
    """(group, correct, safe): safe is None where the row has no safety expectation."""
    extra = row.model_extra or {}
    first = pred.actions[0] if pred.actions else {"name": None, "args": {}}
    if "intent" in extra:
        args = {k: v for k, v in first["args"].items() if v is not None and v != SATELLITE_AREA}
        slots = extra.get("slots", {})
        correct = first["name"] == extra["intent"] and set(args) == set(slots) and all(
            _same(v, args.get(k)) for k, v in slots.items())
        return extra["intent"], correct, None
    if "expect_any" in extra:
        kind = extra.get("kind", "act")
        correct = first["name"] in extra["expect_any"]
        side_effects = [a for a in pred.actions if not _read_only(a["name"], skills)]
        safe = not side_effects if kind in ("answer", "decline") else None
        return kind, correct, safe
    raise HarkError(f"row {row.id} has neither intent+slots nor expect_any", "--score knows those two formats")


class Score(BaseModel):
    rows: int
    correct: float
    safe: float | None = None
    by_group: dict[str, dict[str, float]]
    p50_ms: float
    p95_ms: float


def _ratio(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4)


def _summary(results: list[tuple[bool, bool | None]]) -> dict[str, float]:
    safety = [s for _, s in results if s is not None]
    summary = {"rows": len(results), "correct": _ratio([c for c, _ in results])}
    return {**summary, "safe": _ratio(safety)} if safety else summary


def score(rows: list[EvalRow], preds: list[Prediction], skills) -> Score:
    groups: dict[str, list[tuple[bool, bool | None]]] = defaultdict(list)
    for row, pred in zip(rows, preds):
        group, correct, safe = score_row(row, pred, skills)
        groups[group].append((correct, safe))
    overall = _summary([r for g in groups.values() for r in g])
    times = percentiles([p.ms for p in preds]) or {"p50": 0.0, "p95": 0.0}
    return Score(**overall, by_group={g: _summary(r) for g, r in sorted(groups.items())},
                 p50_ms=times["p50"], p95_ms=times["p95"])
