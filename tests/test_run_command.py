"""`hark run` and `hark devices` as a user runs them: a WAV file as the microphone, hands-free."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from device.audio import AudioChunk, write_wav
from tests.conftest import MODELS
from tests.test_cli import assert_one_line_error, hark

HAS_SOUND_CARD = bool(__import__("sounddevice").query_devices())
HAS_GPIO = Path("/dev/gpiochip0").exists()


def _command_with_pauses(pipeline, path: Path, text: str) -> Path:
    """A WAV of our TTS saying `text`, with a second of quiet room before and after."""
    chunks = list(pipeline.speak(text, steady=True))
    quiet = (np.random.default_rng(7).normal(0, 30, chunks[0].rate)).astype("<i2").tobytes()
    pcm = quiet + b"".join(c.audio for c in chunks) + quiet + quiet
    write_wav(path, [AudioChunk(rate=chunks[0].rate, width=2, channels=1, audio=pcm)])
    return path


def test_hands_free_turn_from_a_wav_microphone(tmp_path: Path, pipeline) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("[device]\npreload_llm = false\n")
    said, reply = _command_with_pauses(pipeline, tmp_path / "said.wav", "set a timer for five minutes"), tmp_path / "out.wav"
    run = hark("run", "--input-wav", str(said), "--output-wav", str(reply), "--hands-free", "--no-button",
               "--max-turns", "1", "--json", data_dir=tmp_path, config=config)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    states = [e["data"]["state"] for e in events if e["type"] == "state"]
    assert states == ["starting", "idle", "listening", "thinking", "acting", "speaking", "idle", "stopped"]
    assert next(e for e in events if e["type"] == "state" and e["data"]["state"] == "listening")["data"]["by"] == "voice"
    action = next(e["data"] for e in events if e["type"] == "action")
    assert (action["name"], action["args"], action["status"]) == ("HassStartTimer", {"minutes": 5}, "done")
    assert reply.stat().st_size > 20_000  # about a second of speech at 22 kHz


def test_run_needs_a_way_to_start_a_turn(tmp_path: Path) -> None:
    assert_one_line_error(hark("run", "--no-button", data_dir=tmp_path), 2, "nothing can start a turn")


@pytest.mark.skipif(HAS_GPIO, reason="this machine has GPIO pins")
def test_run_without_gpio_hardware_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(hark("run", "--ptt-pin", "17", data_dir=tmp_path), 2, "GPIO17")


@pytest.mark.skipif(HAS_SOUND_CARD, reason="this machine has a sound card")
def test_run_without_a_sound_card_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(hark("run", "--hands-free", "--no-button", data_dir=tmp_path), 2, "audio device")


def test_devices_lists_what_portaudio_sees(tmp_path: Path) -> None:
    run = hark("devices", "--json", data_dir=tmp_path)
    devices = json.loads(run.stdout)
    assert run.returncode == 0 and isinstance(devices, list)
    assert all({"index", "name", "inputs", "outputs", "default_rate"} <= set(d) for d in devices)


def test_hark_run_push_to_talk_with_the_mock_pin_factory(tmp_path: Path, pipeline, capsys, monkeypatch) -> None:
    """`hark run` itself, in this process so the test can hold gpiozero's mock button: the WAV
    endpoint plays a quiet second, the command, a quiet second; the button is held across it."""
    from gpiozero import Device

    from device.cli import main

    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    monkeypatch.setenv("HARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HARK_MODELS_DIR", str(MODELS))
    monkeypatch.setenv("HARK_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("[device]\nptt_pin = 17\npreload_llm = false\n")
    said = _command_with_pauses(pipeline, tmp_path / "said.wav", "turn off the bedroom lamp")
    run = threading.Thread(target=main, args=(["run", "--input-wav", str(said), "--output-wav",
                                               str(tmp_path / "reply.wav"), "--max-turns", "1", "--json"],))
    run.start()
    printed = ""
    while '"state":"idle"' not in printed.replace(" ", "") and run.is_alive():
        time.sleep(0.05)
        printed += capsys.readouterr().out
    button = Device.pin_factory.pin(17)
    button.drive_low()
    time.sleep(len(said.read_bytes()) / (2 * 22050) - 0.5)  # the whole recording, less its last quiet half second
    button.drive_high()
    run.join(60)
    printed += capsys.readouterr().out
    Device.pin_factory.close()
    Device.pin_factory = None
    events = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    states = [e["data"]["state"] for e in events if e["type"] == "state"]
    assert states == ["starting", "idle", "listening", "thinking", "acting", "speaking", "idle", "stopped"]
    assert next(e for e in events if e["type"] == "state" and e["data"]["state"] == "listening")["data"]["by"] == "button"
    action = next(e["data"] for e in events if e["type"] == "action")
    assert (action["name"], action["args"], action["status"]) == ("HassTurnOff", {"name": "Bedroom Lamp"}, "done")
    assert (tmp_path / "reply.wav").stat().st_size > 20_000
