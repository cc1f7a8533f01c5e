"""`hark bench`'s parts that don't take minutes: the spoken commands and the report's arithmetic.
(The benchmark itself is run by `hark bench`; its figures are in docs/performance.md.)"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.bench import COMMANDS, speak_commands, summarise, write_report
from device.config import DeviceSettings, Settings
from device.endpoints import VirtualInput, VirtualOutput
from device.loop import DeviceLoop
from tests.conftest import MODELS


def test_at_least_twenty_commands_spoken_at_varied_speed_and_noise(tmp_path: Path) -> None:
    assert len(COMMANDS) >= 20 and len(set(COMMANDS)) == len(COMMANDS)
    settings = Settings(data_dir=tmp_path, models_dir=MODELS, device=DeviceSettings(preload_llm=False))
    samples = speak_commands(DeviceLoop(settings, VirtualInput(), VirtualOutput()), ["turn on the light"] * 3)
    assert samples[1].seconds < samples[0].seconds < samples[2].seconds  # faster, then slower
    quiet = [np.abs(np.frombuffer(s.pcm, "<i2")[:200]).mean() for s in samples]
    assert quiet[1] > quiet[0]  # the second has noise, even before the first word


def test_summary_and_report(tmp_path: Path) -> None:
    ours = {"cold_start_s": 4.2, "peak_rss_mb": 900, "models": ["tiny.en"], "turns": [
        {"text": f"c{i}", "transcript": f"C{i}", "source": "fast" if i < 3 else "llm", "eos_to_first_audio": ms,
         "stages": {"stt": ms / 2, "plan": 10.0}} for i, ms in enumerate([400.0, 500.0, 600.0, 1500.0])]}
    ours["hands_free_turns"] = [{**t, "eos_to_first_audio": t["eos_to_first_audio"] + 700} for t in ours["turns"]]
    naive = {"turns": [{"text": "c", "stt": 1000.0, "plan": 3000.0, "tts": 500.0, "eos_to_first_audio": 4500.0}] * 4}
    summary = summarise(ours, naive)
    assert summary["ours"]["eos_to_first_audio_ms"]["fast"] == {"p50": 500.0, "p95": 590.0, "n": 3}
    assert summary["ours"]["eos_to_first_audio_ms"]["all"]["p50"] == 550.0
    assert summary["ours"]["hands_free_eos_to_first_audio_ms"]["llm"] == {"p50": 2200.0, "p95": 2200.0, "n": 1}
    assert summary["speedup_p50"] == round(4500 / 550, 1)
    report = tmp_path / "performance.md"
    write_report(report, summary, {"ours": ours, "naive": naive}, "a test machine")
    text = report.read_text()
    assert "| Hark, fast path | 3 | 500.0 | 590.0 |" in text and "**8.2×**" in text and "| c3 | C3 | llm | 1500.0 | 2200.0 |" in text
