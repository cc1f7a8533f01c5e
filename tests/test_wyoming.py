"""Wyoming interop on loopback: `hark serve` answered by the `wyoming` library's own client, and a
satellite process that sends its turns to the server and falls back to its own models when the
server is killed."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import psutil
import pytest
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.handle import Handled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize

from device.audio import AudioChunk as HarkChunk
from device.audio import write_wav
from tests.conftest import MODELS
from tests.test_cli import hark

TOKEN = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(folder: Path) -> dict[str, str]:
    config = folder / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[device]\npreload_llm = false\n")
    return {**os.environ, "HARK_DATA_DIR": str(folder), "HARK_CONFIG_DIR": str(config), "HARK_MODELS_DIR": str(MODELS)}


class Server:
    """`hark serve` as its own process."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.folder, self.port = folder, _free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "device.cli", "serve", "--port", str(self.port), *options],
                                        env=_environment(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        ready = self.process.stdout.readline()
        assert "serving" in ready, self.process.stderr.read()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("server"))
    yield running
    running.stop()


def talk(port: int, *events, until, context: dict | None = None):
    """Send events with the wyoming client; collect what comes back up to an event of type `until`."""
    async def conversation():
        async with AsyncTcpClient("127.0.0.1", port) as client:
            for event in events:
                await client.write_event(event.event())
            answers = []
            while (event := await client.read_event()) is not None:
                answers.append(event)
                if until.is_type(event.type) or Error.is_type(event.type):
                    break
            return answers

    return asyncio.run(asyncio.wait_for(conversation(), 120))


def wav_events(path: Path, context: dict | None = None) -> list:
    with wave.open(str(path)) as wav:
        rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
    chunks = [AudioChunk(rate=rate, width=2, channels=1, audio=pcm[i:i + 4096]) for i in range(0, len(pcm), 4096)]
    return [Transcribe(context=context), AudioStart(rate=rate, width=2, channels=1), *chunks, AudioStop()]


def test_describe_offers_asr_tts_and_handle(server: Server) -> None:
    info = Info.from_event(talk(server.port, Describe(), until=Info)[-1])
    assert [p.name for p in info.asr] == ["hark-stt"] and info.asr[0].models[0].name == "tiny.en"
    assert [p.name for p in info.tts] == ["hark-tts"] and info.tts[0].voices[0].name == "en_US-joe-medium"
    assert [p.name for p in info.handle] == ["hark-handle"] and info.handle[0].supports_home_control


def test_transcribes_a_wav(server: Server, spoken) -> None:
    answer = talk(server.port, *wav_events(spoken("set a timer for five minutes")), until=Transcript)[-1]
    assert Transcript.from_event(answer).text.lower().startswith("set a timer for 5 minutes")


def test_synthesizes_a_sentence(server: Server) -> None:
    events = talk(server.port, Synthesize(text="The kitchen light is on. Good night."), until=AudioStop)
    start = AudioStart.from_event(events[0])
    audio = b"".join(AudioChunk.from_event(e).audio for e in events if AudioChunk.is_type(e.type))
    assert start.rate == 22050 and AudioStop.is_type(events[-1].type)
    assert len(audio) / (2 * start.rate) > 1.5


def test_handles_a_transcript_through_the_policy_and_audit_log(server: Server) -> None:
    done = Handled.from_event(talk(server.port, Transcript(text="turn on the kitchen light"), until=Handled)[-1])
    assert done.text == "Kitchen Light is now on."
    asked = talk(server.port, Transcript(text="unlock the front door"), until=Handled)[-1]
    assert asked.data["text"].endswith("Go ahead?")
    assert [a["status"] for a in asked.data["context"]["turn"]["actions"]] == ["needs_confirmation"]
    log = json.loads(hark("log", "--json", data_dir=server.folder, config=server.folder / "config").stdout)
    assert [e["record"]["transcript"] for e in log][-2:] == ["turn on the kitchen light", "unlock the front door"]


def test_listens_on_loopback_only_by_default(server: Server) -> None:
    addresses = {c.laddr.ip for c in psutil.Process(server.process.pid).net_connections("tcp")
                 if c.status == psutil.CONN_LISTEN}
    assert addresses == {"127.0.0.1"}


def test_token_is_required_when_set(tmp_path: Path, spoken) -> None:
    guarded = Server(tmp_path, "--token", TOKEN)
    try:
        refused = talk(guarded.port, Transcript(text="turn on the kitchen light"), until=Handled)[-1]
        assert Error.is_type(refused.type) and Error.from_event(refused).code == "unauthorized"
        answer = talk(guarded.port, Transcript(text="turn on the kitchen light", context={"token": TOKEN}),
                      until=Handled)[-1]
        assert Handled.from_event(answer).text == "Kitchen Light is now on."
    finally:
        guarded.stop()


def _two_commands(pipeline, path: Path, first: str, second: str) -> Path:
    """A quiet room, a command, a long pause (the reply is spoken meanwhile), another command."""
    chunks = [c for text in (first, second) for c in pipeline.speak(text, steady=True)]
    rate = chunks[0].rate
    quiet = lambda seconds: np.random.default_rng(3).normal(0, 30, int(rate * seconds)).astype("<i2").tobytes()  # noqa: E731
    one = b"".join(c.audio for c in pipeline.speak(first, steady=True))
    two = b"".join(c.audio for c in pipeline.speak(second, steady=True))
    write_wav(path, [HarkChunk(rate=rate, width=2, channels=1, audio=quiet(1) + one + quiet(8) + two + quiet(2))])
    return path


def test_satellite_turns_through_the_server_then_falls_back(tmp_path: Path, pipeline) -> None:
    box = Server(tmp_path / "box")
    said = _two_commands(pipeline, tmp_path / "said.wav", "turn on the kitchen light", "set a timer for five minutes")
    satellite = subprocess.Popen(
        [sys.executable, "-m", "device.cli", "run", "--remote", f"127.0.0.1:{box.port}", "--input-wav", str(said),
         "--output-wav", str(tmp_path / "replies.wav"), "--hands-free", "--no-button", "--max-turns", "2", "--json"],
        env=_environment(tmp_path / "handheld"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = []
    try:
        for line in satellite.stdout:
            events.append(json.loads(line))
            if events[-1]["type"] == "audio-out" and box.process.poll() is None:
                box.stop()  # the box dies between the two turns
        assert satellite.wait(60) == 0, satellite.stderr.read()
    finally:
        box.stop()
        satellite.kill()
    actions = [(e["data"]["name"], e["data"]["status"]) for e in events if e["type"] == "action"]
    assert actions == [("HassTurnOn", "done"), ("HassStartTimer", "done")]
    errors = [e["data"]["message"] for e in events if e["type"] == "error"]
    assert len(errors) == 1 and "can't be reached" in errors[0]
    box_log = json.loads(hark("log", "--json", data_dir=tmp_path / "box", config=tmp_path / "box" / "config").stdout)
    assert [e["record"]["transcript"].lower().rstrip(".,") for e in box_log] == ["turn on the kitchen light"]
    own_log = json.loads(hark("log", "--json", data_dir=tmp_path / "handheld",
                              config=tmp_path / "handheld" / "config").stdout)
    assert [e["record"]["transcript"].lower().rstrip(".,") for e in own_log] == ["set a timer for 5 minutes"]
    assert "couldn't be reached" in own_log[-1]["record"]["notes"][-1]


def test_satellite_uses_what_a_partial_box_offers(tmp_path: Path, spoken) -> None:
    """A box that only transcribes and speaks (like a plain Wyoming STT/TTS server): the satellite
    sends it the audio and the reply, and plans and acts on the device."""
    box = Server(tmp_path / "box", "--services", "asr,tts")
    try:
        refused = talk(box.port, Transcript(text="turn on the kitchen light"), until=Handled)[-1]
        assert Error.from_event(refused).code == "not-offered"
        run = subprocess.run(
            [sys.executable, "-m", "device.cli", "run", "--remote", f"127.0.0.1:{box.port}", "--input-wav",
             str(spoken("turn on the kitchen light")), "--output-wav", str(tmp_path / "reply.wav"), "--hands-free",
             "--no-button", "--max-turns", "1", "--json"],
            env=_environment(tmp_path / "handheld"), capture_output=True, text=True, timeout=120)
    finally:
        box.stop()
    events = [json.loads(line) for line in run.stdout.splitlines()]
    heard = [e["data"] for e in events if e["type"] == "transcript"]
    assert heard[0]["by"] == f"127.0.0.1:{box.port}" and not any(e["type"] == "error" for e in events)
    assert [(e["data"]["name"], e["data"]["status"]) for e in events if e["type"] == "action"] == [
        ("HassTurnOn", "done")]
