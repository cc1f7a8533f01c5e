"""The device loop as the handheld runs it: gpiozero's mock pins for the button and LED, WAV files
of our own TTS played into a virtual microphone, replies played in real time into a WAV file, the
real models, real SQLite. Each test starts from an idle device and leaves it idle."""
from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory

from device.audio import STT_RATE, SpeechInput
from device.cli_run import attach_hardware
from device.config import DeviceSettings, Settings
from device.endpoints import VirtualInput, VirtualOutput, WavOutput
from device.loop import DeviceLoop
from device.messages import PipelineEvent
from device.service import Notifier
from tests.conftest import MODELS

BUTTON, LED = 17, 27
MAX_SECONDS = 4.0


def light(loop: DeviceLoop) -> str:
    return next(e.state for e in loop.pipeline.home.entities if e.name == "Kitchen Light")


class Events:
    """What the loop reported, with a way to wait for the next event that matches."""

    def __init__(self) -> None:
        self.items: list[PipelineEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: PipelineEvent) -> None:
        with self._changed:
            self.items.append(event)
            self._changed.notify_all()

    def mark(self) -> int:
        return len(self.items)

    def wait(self, since: int, type_: str, timeout: float = 60, **data) -> PipelineEvent:
        def found():
            return next((e for e in self.items[since:] if e.type == type_
                         and all(e.data.get(k) == v for k, v in data.items())), None)

        with self._changed:
            assert self._changed.wait_for(found, timeout), f"no {type_} {data} in {self.states(since)}"
            return found()

    def states(self, since: int) -> list[str]:
        return [e.data["state"] for e in self.items[since:] if e.type == "state"]

    def of(self, since: int, type_: str) -> list[dict]:
        return [e.data for e in self.items[since:] if e.type == type_]


class Handheld:
    """A running device loop with its mock button and LED, a virtual mic and a virtual speaker."""

    def __init__(self, settings: Settings, notify_socket: str, reply_wav: Path) -> None:
        self.pins = MockFactory()
        self.mic, self.speaker, self.events = VirtualInput(rate=22050), WavOutput(reply_wav), Events()
        self.loop = DeviceLoop(settings, self.mic, self.speaker, on_event=self._listen,
                               notifier=Notifier(notify_socket))
        self._hardware = contextlib.ExitStack()
        self._listeners = attach_hardware(settings, self.loop, self._hardware, self.pins)
        self.led_at_listening: list[bool] = []
        self._thread = threading.Thread(target=lambda: asyncio.run(self.loop.run()), daemon=True)

    def _listen(self, event: PipelineEvent) -> None:
        for listener in self._listeners:
            listener(event)
        if event.type == "state" and event.data["state"] == "listening":
            self.led_at_listening.append(bool(self.pins.pin(LED).state))
        self.events(event)

    def start(self) -> None:
        self._thread.start()
        self.events.wait(0, "state", timeout=120, state="idle")

    def stop(self) -> None:
        self.loop.shutdown()
        self._thread.join(60)
        assert not self._thread.is_alive(), "the loop did not stop"
        self._hardware.close()

    def press(self) -> float:
        pressed_at = time.monotonic()
        self.pins.pin(BUTTON).drive_low()  # the button pulls the pin to ground
        return pressed_at

    def release(self) -> None:
        self.pins.pin(BUTTON).drive_high()

    def say(self, wav: Path) -> None:
        """Hold the button, play the recording into the mic, let go a little after the last word."""
        self.press()
        seconds = self.mic.feed_wav(wav)
        time.sleep(seconds + 0.4)
        self.release()


@pytest.fixture(scope="module")
def notify_socket(tmp_path_factory):
    """A socket standing in for systemd's: what the device tells the service manager."""
    path = tmp_path_factory.mktemp("systemd") / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    yield sock
    sock.close()


@pytest.fixture(scope="module")
def handheld(tmp_path_factory, notify_socket):
    device = DeviceSettings(ptt_pin=BUTTON, led_pin=LED, preload_llm=False, min_press_ms=250,
                            max_utterance_seconds=MAX_SECONDS)
    folder = tmp_path_factory.mktemp("handheld")
    settings = Settings(data_dir=folder, models_dir=MODELS, device=device)
    running = Handheld(settings, notify_socket.getsockname(), folder / "replies.wav")
    running.start()
    yield running
    running.stop()


def test_ready_and_watchdog_reach_systemd(handheld: Handheld, notify_socket) -> None:
    told = {notify_socket.recv(256).decode().split("\n")[0] for _ in range(2)}
    assert told == {"READY=1", "WATCHDOG=1"}


def test_press_talk_release_turn(handheld: Handheld, spoken) -> None:
    mark = handheld.events.mark()
    handheld.say(spoken("turn on the kitchen light"))
    handheld.events.wait(mark, "audio-out")
    handheld.events.wait(mark, "state", state="idle")
    assert handheld.events.states(mark) == ["listening", "thinking", "acting", "speaking", "idle"]
    assert handheld.events.of(mark, "transcript")[0]["text"].lower().startswith("turn on the kitchen light")
    action = handheld.events.of(mark, "action")[0]
    assert (action["name"], action["args"], action["status"]) == ("HassTurnOn", {"name": "Kitchen Light"}, "done")
    assert light(handheld.loop) == "on"
    assert handheld.led_at_listening[-1] is True and not handheld.pins.pin(LED).state
    played = handheld.events.of(mark, "audio-out")[0]
    assert played["seconds"] > 1.0 and not played["interrupted"]
    with wave.open(str(handheld.speaker.path)) as reply:
        assert reply.getnframes() / reply.getframerate() == pytest.approx(played["seconds"], abs=0.05)


def test_a_pause_before_letting_go_leaves_nothing_to_transcribe(handheld: Handheld, spoken) -> None:
    mark = handheld.events.mark()
    handheld.say(spoken("turn off the kitchen light"))  # let go 0.4 s after the last word
    handheld.events.wait(mark, "state", state="idle")
    transcript = handheld.events.of(mark, "transcript")[0]
    assert transcript["early"] is True  # transcribed at the pause, before the button came up
    assert transcript["text"].lower().startswith("turn off the kitchen light")
    assert light(handheld.loop) == "off"


def test_speech_after_a_pause_is_heard_too(handheld: Handheld, spoken) -> None:
    mark = handheld.events.mark()
    handheld.press()
    seconds = handheld.mic.feed_wav(spoken("turn on the kitchen light"))
    handheld.mic.feed(bytes(2 * handheld.mic.rate))  # a one-second pause: a draft is taken
    seconds += 1 + handheld.mic.feed_wav(spoken("and set a timer for five minutes"))
    time.sleep(seconds + 0.1)
    handheld.release()
    handheld.events.wait(mark, "state", state="idle")
    transcript = handheld.events.of(mark, "transcript")[0]
    assert transcript["early"] is False
    assert "kitchen light" in transcript["text"].lower() and "timer" in transcript["text"].lower()
    assert [a["name"] for a in handheld.events.of(mark, "action")] == ["HassTurnOn", "HassStartTimer"]


def test_listening_stops_at_the_longest_utterance(handheld: Handheld) -> None:
    mark = handheld.events.mark()
    pressed_at = handheld.press()  # held down, nothing said: a quiet room
    handheld.events.wait(mark, "state", state="thinking", timeout=MAX_SECONDS + 2)
    listened = time.monotonic() - pressed_at
    handheld.release()
    assert MAX_SECONDS - 0.1 <= listened <= MAX_SECONDS + 0.5
    handheld.events.wait(mark, "state", state="idle")
    assert handheld.events.of(mark, "reply")[0]["text"] == "Sorry, I didn't catch that."


def test_barge_in_stops_playback_within_100_ms(handheld: Handheld) -> None:
    mark = handheld.events.mark()
    handheld.loop.type_text("what time is it and set a timer for ten minutes")
    handheld.events.wait(mark, "state", state="speaking")
    time.sleep(0.3)  # the reply is sounding
    pressed_at = handheld.press()
    handheld.events.wait(mark, "state", state="listening")
    stopped_ms = (handheld.speaker.stopped_at - pressed_at) * 1000
    assert 0 <= stopped_ms <= 100
    assert handheld.events.of(mark, "audio-out")[0]["interrupted"] is True
    print(f"barge-in: playback stopped {stopped_ms:.1f} ms after the press")
    after = handheld.events.mark()
    handheld.release()  # a quick tap: too short to be a command, so the device goes back to idle
    idle = handheld.events.wait(after, "state", state="idle")
    assert "too short" in idle.data["note"]


def test_an_error_is_spoken_and_the_loop_goes_on(handheld: Handheld) -> None:
    mark = handheld.events.mark()
    handheld.loop.hear(SpeechInput(samples=np.zeros(STT_RATE, np.float32), source_rate=STT_RATE))
    handheld.events.wait(mark, "audio-out")
    assert "only silence" in handheld.events.of(mark, "error")[0]["message"]
    handheld.events.wait(mark, "state", state="idle")
    after = handheld.events.mark()
    handheld.loop.type_text("turn off the kitchen light")
    handheld.events.wait(after, "audio-out")
    assert handheld.events.of(after, "reply")[0]["text"] == "Kitchen Light is now off."


def test_a_timer_rings_from_the_loop(handheld: Handheld) -> None:
    mark = handheld.events.mark()
    handheld.loop.type_text("set a timer for 1 second")
    alert = handheld.events.wait(mark, "alert", timeout=20)
    assert alert.data["kind"] == "timer" and "done" in alert.data["speech"]
    handheld.events.wait(mark, "state", state="idle")


def test_dry_run_loop_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, models_dir=MODELS, device=DeviceSettings(ptt_pin=None, preload_llm=False))
    events = Events()
    loop = DeviceLoop(settings, VirtualInput(), VirtualOutput(), on_event=events, dry_run=True, max_turns=1)
    thread = threading.Thread(target=lambda: asyncio.run(loop.run()))
    thread.start()
    events.wait(0, "state", timeout=120, state="idle")
    loop.type_text("turn on the kitchen light")
    thread.join(60)
    assert events.of(0, "action")[0]["status"] == "previewed" and loop.turns == 1
    assert light(loop) == "off"
    assert events.states(0)[-1] == "stopped"
