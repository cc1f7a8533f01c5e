"""`hark eval-tools`: the tool planner over Berkeley Function Calling Leaderboard files, scored by
BFCL's AST rules: the right function, every required argument, no unknown one, and each value one
of those the answer file allows (strings compared without case, spaces and punctuation; a
missing optional argument is right where the answer allows ""). Irrelevance files are right
when no call is made.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from device.errors import HarkError
from device.stats import percentiles
from device.tools import Tool, ToolCall, ToolPlanner


class ToolRow(BaseModel):
    id: str
    request: str
    tools: list[dict[str, Any]]
    answer: list[dict[str, dict[str, list[Any]]]] | None = None  # BFCL ground truth; None = abstain


class ToolPrediction(BaseModel):
    id: str
    calls: list[ToolCall]
    correct: bool
    ms: float


def read_bfcl(path: Path, limit: int | None = None) -> list[ToolRow]:
    """Rows of a BFCL file, with the ground truth from the `.answer.json` beside it (none beside an
    irrelevance file: there, no call is the answer)."""
    answers_path = path.with_name(path.name.replace(".json", ".answer.json"))
    try:
        lines = path.read_text().splitlines()[:limit]
        answers = {a["id"]: a["ground_truth"] for a in map(json.loads, answers_path.read_text().splitlines())} \
            if answers_path.exists() else {}
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise HarkError(f"{path}: not a BFCL file ({exc})", "give a BFCL_v4_*.json file") from None
    irrelevance = "irrelevance" in path.name
    if not answers and not irrelevance:
        raise HarkError(f"no answers beside {path}", f"put {answers_path.name} next to it")
    return [_row(json.loads(line), answers, irrelevance) for line in lines]


def _row(raw: dict, answers: dict, irrelevance: bool) -> ToolRow:
    turns = [m for turn in raw["question"] for m in turn if m.get("role") == "user"]
    return ToolRow(id=raw["id"], request=turns[-1]["content"] if turns else "", tools=raw["function"],
                   answer=None if irrelevance else answers.get(raw["id"], []))


def predict(planner: ToolPlanner, rows: list[ToolRow]) -> Iterator[ToolPrediction]:
    for row in rows:
        start = time.perf_counter()
        calls = planner.plan(row.request, row.tools)
        ms = (time.perf_counter() - start) * 1000
        yield ToolPrediction(id=row.id, calls=calls, correct=correct(row, calls), ms=round(ms, 1))


def correct(row: ToolRow, calls: list[ToolCall]) -> bool:
    if row.answer is None:
        return not calls
    if len(calls) != len(row.answer):
        return False
    tools = {t.name: t for t in map(Tool.read, row.tools)}
    return all(_call_matches(call, expected, tools) for call, expected in zip(calls, row.answer))


def _call_matches(call: ToolCall, expected: dict[str, dict[str, list[Any]]], tools: dict[str, Tool]) -> bool:
    (name, allowed), = expected.items()
    if call.name != name or name not in tools:
        return False
    params = tools[name].parameters
    required = set(params.get("required", []))
    if not required <= set(call.arguments) or not set(call.arguments) <= set(allowed):
        return False
    return all(_value_ok(call.arguments[key], options) if key in call.arguments else "" in options
               for key, options in allowed.items())


def _value_ok(value: Any, options: list[Any]) -> bool:
    return any(_same(value, option) for option in options)


def _same(value: Any, option: Any) -> bool:
    if isinstance(option, dict) and isinstance(value, dict):
        return all(_value_ok(value[k], v) if k in value else "" in v for k, v in option.items()) and \
            set(value) <= set(option)
    if isinstance(option, list) and isinstance(value, list):
        return len(option) == len(value) and all(_same(v, o) for v, o in zip(value, option))
    if isinstance(option, str) and isinstance(value, str):
        return _plain(value) == _plain(option)
    if isinstance(option, bool) or isinstance(value, bool):
        return value is option
    if isinstance(option, (int, float)) and isinstance(value, (int, float)):
        return float(value) == float(option)
    return value == option


def _plain(text: str) -> str:
    """BFCL's string standardisation: no case, spaces or , . / - _ * ^ and no quotes."""
    return re.sub(r"[ ,./\-_*^'\"]", "", text).lower()


class ToolScore(BaseModel):
    rows: int
    correct: float
    p50_ms: float


def score(preds: list[ToolPrediction]) -> ToolScore:
    return ToolScore(rows=len(preds), correct=round(sum(p.correct for p in preds) / max(len(preds), 1), 4),
                     p50_ms=percentiles([p.ms for p in preds]).get("p50", 0.0))
