"""The handheld's installer as CI can check it: shellcheck, a dry run that lists every step and
changes nothing, and the systemd unit verified by systemd itself."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "firmware_scripts").glob("*.sh")) + [ROOT / ".ci" / "run"]


def install(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "firmware_scripts" / "install.sh"), *args],
                          capture_output=True, text=True, timeout=60)


def test_shell_scripts_pass_shellcheck() -> None:
    run = subprocess.run(["shellcheck", *map(str, SCRIPTS)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


@pytest.mark.parametrize("platform", ["pi", "jetson"])
def test_dry_run_lists_every_step_and_changes_nothing(tmp_path: Path, platform: str) -> None:
    prefix = tmp_path / "opt-hark"
    run = install("--dry-run", "--platform", platform, "--mic-hat", "voicehat", "--prefix", str(prefix))
    assert run.returncode == 0, run.stderr
    steps = [line for line in run.stdout.splitlines() if line.startswith("==> ")]
    assert len(steps) == 8, steps
    for expected in ("apt-get install", "libportaudio2", "useradd --system", "usermod -aG audio hark",
                     "usermod -aG gpio hark", "-m venv", "[gpio]", "hark models install",
                     "write /etc/hark/config.toml", "write /etc/asound.conf", "sndrpigooglevoi",
                     "write /etc/systemd/system/hark.service", "WatchdogSec=30", "Restart=on-failure",
                     f"ExecStart={prefix}/venv/bin/hark run", "systemctl enable --now hark.service"):
        assert expected in run.stdout, expected
    assert not prefix.exists()


def test_jetson_builds_llama_cpp_with_cuda_and_offloads_the_llm() -> None:
    out = install("--dry-run", "--platform", "jetson").stdout
    assert "CMAKE_ARGS=-DGGML_CUDA=on" in out and "python3.11 -m venv" in out and "llm_gpu_layers = -1" in out
    pi = install("--dry-run", "--platform", "pi").stdout
    assert "GGML_CUDA" not in pi and "llm_gpu_layers = 0" in pi


def test_bad_option_is_one_line() -> None:
    run = install("--platform", "windows")
    assert run.returncode == 2 and run.stderr.strip() == "install: --platform must be pi, jetson or debian"


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = (ROOT / "firmware_scripts" / "hark.service").read_text()
    for placeholder, value in {"@PREFIX@/venv": str(Path(sys.executable).parent.parent), "@USER@": "root",
                               "@DATA_DIR@": str(tmp_path), "@CONFIG_DIR@": str(tmp_path)}.items():
        unit = unit.replace(placeholder, value)
    (tmp_path / "hark.service").write_text(unit)
    run = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "hark.service")],
                         capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
    assert "Type=notify" in unit and "ExecStart=" in unit
