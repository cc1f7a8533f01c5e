"""`hark accuracy`: the report's table, and a clear error without the evaluation sets."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from device.accuracy import write_report

FIGURES = {"ha_intents": {"correct": 0.97, "fast_share": 0.9, "fast_p50_ms": 6.0, "llm_share": 0.1, "llm_p50_ms": 900.0},
           "ha_intents_spoken": {"correct": 0.91, "fast_share": 0.85, "fast_p50_ms": 6.0, "llm_share": 0.15,
                                 "llm_p50_ms": 950.0},
           "slurp": {"correct": 0.7, "by_group": {"act": {"correct": 0.65}, "answer": {"safe": 1.0},
                                                   "decline": {"safe": 0.98}},
                     "fast_share": 0.1, "fast_p50_ms": 7.0, "llm_share": 0.9, "llm_p50_ms": 800.0},
           "bfcl_simple": {"correct": 0.5, "p50_ms": 2000.0}, "bfcl_multiple": {"correct": 0.4, "p50_ms": 2500.0},
           "bfcl_irrelevance": {"correct": 0.8, "p50_ms": 300.0}}


def test_report_has_a_column_per_model(tmp_path: Path) -> None:
    out = tmp_path / "accuracy.md"
    write_report(out, {"small": FIGURES, "large": FIGURES}, 50, "x86_64, 2 threads", tool_sample=20)
    text = out.read_text()
    assert "of each planner set, 50 rows drawn at random (seed 0); of each BFCL set, 20 rows" in text
    assert "| set | what counts | small | large |" in text
    assert "| HA intent tests, spoken | same, through our TTS and STT | 91.0% | 91.0% |" in text
    assert "| SLURP act rows | first action right | 65.0% | 65.0% |" in text
    assert "| BFCL live irrelevance | no call made | 80.0% | 80.0% |" in text
    assert json.loads(out.with_suffix(".json").read_text())["small"]["slurp"]["correct"] == 0.7


def test_without_the_sets_it_says_where_to_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "device.cli", "accuracy", "--data", str(tmp_path),
                             "--output", str(tmp_path / "a.md")], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--data" in result.stderr
