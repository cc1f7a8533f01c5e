"""`hark doctor` on this machine: every check reported, each failure with its fix."""
from __future__ import annotations

import json
import platform
from pathlib import Path

from device.doctor import machine_name
from tests.test_cli import hark

EVERY_CHECK = ["python", "cpu", "memory", "config", "policy", "disk", "microphone", "speaker", "gpio",
               "model stt", "model llm", "model tts", "model embed", "gpu"]


def doctor(tmp_path: Path, config_text: str, models: Path | None = None) -> tuple[int, dict[str, dict]]:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(config_text)
    options = {} if models is None else {"models": models}
    run = hark("doctor", "--json", data_dir=tmp_path, config=config, **options)
    assert "Traceback" not in run.stderr
    return run.returncode, {c["name"]: c for c in json.loads(run.stdout)}


def test_every_check_and_a_fix_for_each_failure(tmp_path: Path) -> None:
    code, checks = doctor(tmp_path, "[device]\nptt_pin = 17\n")
    assert list(checks) == EVERY_CHECK
    assert all(c["fix"] for c in checks.values() if c["status"] == "fail")
    assert [checks[f"model {k}"]["status"] for k in ("stt", "llm", "tts", "embed")] == ["ok"] * 4
    assert "sha256" in checks["model llm"]["detail"]
    assert code == (1 if any(c["status"] == "fail" for c in checks.values()) else 0)


def test_missing_models_and_hands_free_config(tmp_path: Path) -> None:
    code, checks = doctor(tmp_path, "[device]\nhands_free = true\nptt_pin = false\n", models=tmp_path / "no-models")
    assert code == 1
    assert checks["model llm"]["status"] == "fail" and "hark models install" in checks["model llm"]["fix"]
    assert checks["gpio"]["status"] == "ok" and "hands-free" in checks["gpio"]["detail"]


def test_bad_config_is_reported_not_raised(tmp_path: Path) -> None:
    code, checks = doctor(tmp_path, "[device]\nvad_threshold = 7\n")
    assert code == 1 and checks["config"]["status"] == "fail" and "vad_threshold" in checks["config"]["detail"]
    assert checks["config"]["fix"]


def test_timings_name_the_machine_they_were_taken_on() -> None:
    named = machine_name(2)  # x86_64 (AMD EPYC), 2 threads
    assert named.startswith(platform.machine()) and named.endswith(", 2 threads")
