"""The command line as a user runs it: one clear line and a non-zero exit for bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import MODELS


def hark(*args: str, data_dir: Path, models: Path | None = MODELS, config: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HARK_DATA_DIR": str(data_dir), "HARK_CONFIG_DIR": str(config or data_dir / "config")}
    env.pop("HARK_MODELS_DIR", None)
    if models is not None:
        env["HARK_MODELS_DIR"] = str(models)
    return subprocess.run([sys.executable, "-m", "device.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def assert_one_line_error(run: subprocess.CompletedProcess, code: int, text: str) -> None:
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("hark:")]
    assert len(errors) == 1 and text in errors[0], run.stderr


def _wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in (["say"], ["listen"], ["demo"], ["alerts"], ["models"], ["models", "install"], ["skills", "list"],
                    ["run"], ["emulate"], ["devices"], ["doctor"], ["serve"], ["bench"]):
        run = hark(*command, "--help", data_dir=tmp_path)
        assert run.returncode == 0 and "usage: hark" in run.stdout


def test_say_json_turn_record(tmp_path: Path) -> None:
    run = hark("say", "turn off the bedroom lamp", "--json", data_dir=tmp_path)
    turn = json.loads(run.stdout)
    assert set(turn) >= {"transcript", "actions", "reply", "source", "timings_ms"}
    assert [(a["name"], a["args"], a["status"]) for a in turn["actions"]] == [
        ("HassTurnOff", {"name": "Bedroom Lamp"}, "done")]
    assert turn["source"] == "fast" and turn["reply"] == "Bedroom Lamp is now off."


def test_state_persists_between_runs(tmp_path: Path) -> None:
    hark("say", "turn on the office light", data_dir=tmp_path)
    run = hark("say", "turn on the office light", "--json", data_dir=tmp_path)
    assert json.loads(run.stdout)["actions"][0]["result"]["data"]["changed"][0]["from"] == "on"


def test_unknown_entity(tmp_path: Path) -> None:
    run = hark("say", "turn on the spaceship", data_dir=tmp_path)
    assert_one_line_error(run, 1, "I don't know any device called spaceship.")


def test_empty_text(tmp_path: Path) -> None:
    assert_one_line_error(hark("say", "  ", data_dir=tmp_path), 2, "the text is empty")


def test_not_a_wav(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert_one_line_error(hark("listen", str(notes), data_dir=tmp_path), 2, "is not a 16/24/32-bit PCM WAV")


def test_zero_length_wav(tmp_path: Path) -> None:
    empty = _wav(tmp_path / "empty.wav", np.zeros(0))
    assert_one_line_error(hark("listen", str(empty), data_dir=tmp_path), 2, "holds no audio")


def test_silence_only(tmp_path: Path) -> None:
    quiet = _wav(tmp_path / "quiet.wav", np.zeros(16000 * 2))
    assert_one_line_error(hark("listen", str(quiet), data_dir=tmp_path), 2, "holds only silence")


def test_missing_model(tmp_path: Path) -> None:
    tone = _wav(tmp_path / "tone.wav", 0.3 * np.sin(np.arange(16000) / 5))
    run = hark("listen", str(tone), data_dir=tmp_path, models=None)
    assert_one_line_error(run, 2, "stt model tiny.en is not installed (run: hark models install tiny.en)")


def test_unknown_model_id(tmp_path: Path) -> None:
    run = hark("say", "what is the capital of France", "--llm-model", "gpt-9", data_dir=tmp_path)
    assert_one_line_error(run, 2, "unknown llm model 'gpt-9'")


def test_bad_home_file(tmp_path: Path) -> None:
    home = tmp_path / "home.yaml"
    home.write_text("areas: 7")
    assert_one_line_error(hark("say", "what time is it", "--home", str(home), data_dir=tmp_path), 2, "is not valid")


@pytest.mark.parametrize("command", [["models", "list", "--json"], ["skills", "list", "--json"]])
def test_reports_are_json(tmp_path: Path, command: list[str]) -> None:
    run = hark(*command, data_dir=tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout)


def test_listen_json_on_a_spoken_timer_command(tmp_path: Path, spoken) -> None:
    run = hark("listen", str(spoken("set a timer for five minutes")), "--json", data_dir=tmp_path)
    turn = json.loads(run.stdout)
    assert [(a["name"], a["args"], a["status"]) for a in turn["actions"]] == [
        ("HassStartTimer", {"minutes": 5}, "done")]
    assert run.returncode == 0 and turn["transcript"].lower().startswith("set a timer")


def test_demo_writes_the_spoken_reply(tmp_path: Path) -> None:
    out = tmp_path / "reply.wav"
    run = hark("demo", "--out", str(out), data_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "HassTurnOn" in run.stdout and "Kitchen Light is now on." in run.stdout
    with wave.open(str(out)) as wav:
        assert wav.getnframes() > wav.getframerate() // 2


@pytest.mark.skipif(bool(__import__("sounddevice").query_devices()), reason="this machine has a sound card")
@pytest.mark.parametrize("command", [["listen", "--mic"], ["say", "what time is it", "--play"]])
def test_no_sound_card_is_one_line(tmp_path: Path, command: list[str]) -> None:
    assert_one_line_error(hark(*command, data_dir=tmp_path), 2, "audio device available")


def test_config_file_allow_list_and_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('skills_allow = ["clock"]\n')
    listed = hark("skills", "list", "--json", data_dir=tmp_path, config=config)
    assert {s["name"] for s in json.loads(listed.stdout)["skills"]} == {"HassGetCurrentTime", "HassGetCurrentDate"}
    (config / "config.toml").write_text('home_backend = "zigbee"\n')
    assert_one_line_error(hark("say", "what time is it", data_dir=tmp_path, config=config), 2, "setting home_backend: Input should be")
    (config / "config.toml").write_text('home_backend = \n')
    assert_one_line_error(hark("say", "what time is it", data_dir=tmp_path, config=config), 2, "config.toml is not valid TOML")
