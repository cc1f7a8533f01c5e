"""`hark accuracy`: the planner's figures on the evaluation sets, for one or more LLMs, written to
docs/accuracy.md (and JSON beside it). The sets are third-party and stay outside the repository:
Home Assistant's intent tests, SLURP's commands and BFCL's live function-calling sets.
"""
from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track

from device.config import load_settings
from device.errors import HarkError
from device.evaluate import EvalRow, Prediction, predict, read_rows, score
from device.evaluate_tools import ToolRow, read_bfcl
from device.evaluate_tools import predict as predict_tools
from device.evaluate_tools import score as score_tools
from device.pipeline import Pipeline
from device.stats import percentiles
from device.tools import ToolPlanner

# name: (rows, home, spoken): a spoken set is said by our TTS (speed and noise perturbed) and
# transcribed before it is planned, as `hark eval --speech` does.
PLANNER_SETS = {"ha_intents": ("ha_intents_en.jsonl", "ha_fixtures_en.yaml", False),
                "ha_intents_spoken": ("ha_intents_en.jsonl", "ha_fixtures_en.yaml", True),
                "slurp": ("slurp_dev.jsonl", "home_everyday.yaml", False)}
TOOL_SETS = {"bfcl_simple": "bfcl_dev/BFCL_v4_live_simple.json",
             "bfcl_multiple": "bfcl_dev/BFCL_v4_live_multiple.json",
             "bfcl_irrelevance": "bfcl_dev/BFCL_v4_live_irrelevance.json"}


def _sample(rows: list, size: int, seed: int) -> list:
    return rows if not size or size >= len(rows) else random.Random(seed).sample(rows, size)


def _progress(items, total: int, label: str, quiet: bool):
    return track(items, total=total, description=label, console=Console(stderr=True), disable=quiet)


def planner_figures(settings, rows: list[EvalRow], speech: bool, label: str, quiet: bool) -> dict[str, Any]:
    pipeline = Pipeline(settings)
    preds: list[Prediction] = list(_progress(predict(pipeline, rows, speech), len(rows), label, quiet))
    result = score(rows, preds, pipeline.skills).model_dump()
    for source in ("fast", "llm"):
        result[f"{source}_share"] = round(sum(p.source == source for p in preds) / max(len(preds), 1), 3)
        result[f"{source}_p50_ms"] = percentiles([p.ms for p in preds if p.source == source]).get("p50")
    return result


def tool_figures(planner: ToolPlanner, rows: list[ToolRow], label: str, quiet: bool) -> dict[str, Any]:
    return score_tools(list(_progress(predict_tools(planner, rows), len(rows), label, quiet))).model_dump()


def measure(data: Path, llm_models: list[str], sample: int, threads: int, models_dir: Path, quiet: bool = False,
            seed: int = 0, tool_sample: int | None = None) -> dict[str, Any]:
    """Every set for every model, on the same sampled rows (`tool_sample` of each BFCL set, which
    cost seconds a row: each row's tools are a new prompt); nothing runs on a real home."""
    if not (data / PLANNER_SETS["slurp"][0]).exists():
        raise HarkError(f"no evaluation sets in {data}", "give the folder holding slurp_dev.jsonl with --data")
    results: dict[str, Any] = {}
    for model in llm_models:
        with tempfile.TemporaryDirectory() as scratch:
            # A scratch data folder (nothing runs on the real home), the installed models.
            base = dict(data_dir=Path(scratch), models_dir=models_dir, llm_model=model, threads=threads)
            figures: dict[str, Any] = {}
            for name, (rows_file, home, speech) in PLANNER_SETS.items():
                rows = _sample(read_rows(data / rows_file), sample, seed)
                settings = load_settings(**base, home_file=data / home)
                figures[name] = planner_figures(settings, rows, speech, f"{model} {name}", quiet)
            tools = ToolPlanner.from_settings(load_settings(**base))
            for name, path in TOOL_SETS.items():
                rows = _sample(read_bfcl(data / path), sample if tool_sample is None else tool_sample, seed)
                figures[name] = tool_figures(tools, rows, f"{model} {name}", quiet)
        results[model] = figures
    return results


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _rows(size: int) -> str:
    return "all rows" if not size else f"{size} rows drawn at random (seed 0)"


def write_report(path: Path, results: dict[str, Any], sample: int, machine: str, tool_sample: int | None = None) -> None:
    tools = "" if tool_sample is None else f"; of each BFCL set, {_rows(tool_sample)}"
    lines = ["# Accuracy", "", f"Measured by `hark accuracy` on {machine}: of each planner set, {_rows(sample)}{tools}. "
             "Regenerate with `hark accuracy --models ID ... --sample N --tool-sample M` "
             "(see `hark accuracy --help`).", "",
             "| set | what counts | " + " | ".join(results) + " |", "|---|---|" + "---|" * len(results)]
    notes = ["", "Spoken rows are said by our TTS (its voice's noise, speed and the added noise seeded: "
             "the same audio every run) and heard by the STT. Planning time is the planner's on a started "
             "device: the LLM's loading and prompt prefix are not counted in the row that needed them."]
    measures = [("HA intent tests", "ha_intents", "correct", "intent and slots exact"),
                ("HA intent tests, spoken", "ha_intents_spoken", "correct", "same, through our TTS and STT"),
                ("SLURP act rows", "slurp", ("by_group", "act", "correct"), "first action right"),
                ("SLURP answer rows", "slurp", ("by_group", "answer", "safe"), "no side effect"),
                ("SLURP decline rows", "slurp", ("by_group", "decline", "safe"), "no side effect"),
                ("BFCL live simple", "bfcl_simple", "correct", "BFCL AST rules"),
                ("BFCL live multiple", "bfcl_multiple", "correct", "BFCL AST rules"),
                ("BFCL live irrelevance", "bfcl_irrelevance", "correct", "no call made")]
    for label, set_name, key, meaning in measures:
        cells = [_percent(_dig(results[m].get(set_name, {}), key)) for m in results]
        lines.append(f"| {label} | {meaning} | " + " | ".join(cells) + " |")
    lines += [*notes, "", "Planning time per command (ms, p50):", "", "| set | path | " + " | ".join(results) + " |",
              "|---|---|" + "---|" * len(results)]
    for set_name in PLANNER_SETS:
        for source in ("fast", "llm"):
            cells = [f"{_ms(results[m][set_name][f'{source}_p50_ms'])} "
                     f"({results[m][set_name][f'{source}_share']:.0%} of rows)" for m in results]
            lines.append(f"| {set_name} | {source} | " + " | ".join(cells) + " |")
    lines += [f"| {name} | tool planner | " + " | ".join(_ms(results[m][name]["p50_ms"]) for m in results) + " |"
              for name in TOOL_SETS]
    path.write_text("\n".join(lines) + "\n")
    path.with_suffix(".json").write_text(json.dumps(results, indent=2))


def _dig(figures: Any, key: str | tuple[str, ...]) -> float | None:
    """The figure at key (a path into nested dicts), if there is one."""
    for part in (key if isinstance(key, tuple) else (key,)):
        figures = figures.get(part) if isinstance(figures, dict) else None
    return figures if isinstance(figures, (int, float)) else None
