"""`hark emulate` headless, driven by Textual's pilot: typed and spoken turns shown on the screen."""
from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual.widgets import RichLog, Static

from device.config import DeviceSettings, Settings
from device.emulator import Emulator
from device.endpoints import VirtualInput, VirtualOutput
from tests.conftest import MODELS


def text_of(app: Emulator, selector: str) -> str:
    widget = app.query_one(selector)
    if isinstance(widget, RichLog):
        wrapped = " ".join("".join(segment.text for segment in line) for line in widget.lines)
        return " ".join(wrapped.split())  # as read, whatever the panel's width
    assert isinstance(widget, Static)
    return Text.from_markup(str(widget.content)).plain


async def until(pilot, condition, timeout: float = 120) -> None:
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the emulator never got there")


async def type_when_idle(pilot, app: Emulator, command: str) -> None:
    """Wait for the device to be ready, then type a command into its text box."""
    await until(pilot, lambda: app.loop.state == "idle")
    await pilot.click("#type")
    await pilot.press(*command, "enter")


def emulator(tmp_path: Path, mic: VirtualInput | None = None, **options) -> Emulator:
    settings = Settings(data_dir=tmp_path, models_dir=MODELS, device=DeviceSettings(ptt_pin=None, preload_llm=False))
    endpoints = (mic or VirtualInput(), VirtualOutput(), ["No microphone: type."])
    return Emulator(settings, endpoints=endpoints, **options)


def test_typed_command_shows_every_stage(tmp_path: Path) -> None:
    app = emulator(tmp_path)
    states: list[str] = []
    shown = app.show

    def watch(event):
        if event.type == "state":
            states.append(event.data["state"])
        shown(event)

    app.loop._sink = watch

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await type_when_idle(pilot, app, "set a timer for ten minutes")
            await until(pilot, lambda: "Timer set" in text_of(app, "#turns") and app.loop.state == "idle")
            await pilot.pause(1.2)  # the side panel refreshes each second
            assert "HassStartTimer {'minutes': 10" in text_of(app, "#turns")
            assert "→ done" in text_of(app, "#turns") and "No microphone" in text_of(app, "#turns")
            assert "IDLE" in text_of(app, "#state") and "set a timer for ten minutes" in text_of(app, "#transcript")
            assert "9:5" in text_of(app, "#timers")  # 9:59 or 9:58 left
            assert "set a timer for ten minutes → HassStartTimer done" in text_of(app, "#audit")

    asyncio.run(scenario())
    assert states[:6] == ["starting", "idle", "thinking", "acting", "speaking", "idle"]


def test_confirmation_prompt_and_yes(tmp_path: Path) -> None:
    app = emulator(tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await type_when_idle(pilot, app, "unlock the front door")
            await until(pilot, lambda: "Waiting for your yes or no" in text_of(app, "#confirm"))
            await until(pilot, lambda: app.loop.state == "idle")
            await pilot.press(*"yes", "enter")
            await until(pilot, lambda: text_of(app, "#turns").count("→ done") == 1 and app.loop.state == "idle")
            assert text_of(app, "#confirm") == ""

    asyncio.run(scenario())


def test_injected_audio_and_key_push_to_talk(tmp_path: Path, spoken) -> None:
    mic = VirtualInput(rate=22050)  # the rate our TTS speaks at
    app = emulator(tmp_path, mic=mic, audio=spoken("turn on the kitchen light"))

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: "Kitchen Light is now on." in text_of(app, "#turns"))
            assert "heard: turn on the kitchen light" in text_of(app, "#transcript").lower()
            await until(pilot, lambda: app.loop.state == "idle")
            await pilot.press("ctrl+t")
            await until(pilot, lambda: app.loop.state == "listening")
            seconds = mic.feed_wav(spoken("set a timer for five minutes"))
            await pilot.pause(seconds + 0.4)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: "Timer set for 5 minutes." in text_of(app, "#turns"))
            assert "HassStartTimer {'minutes': 5" in text_of(app, "#turns")

    asyncio.run(scenario())


def test_dry_run_title_and_nothing_changes(tmp_path: Path) -> None:
    app = emulator(tmp_path, dry_run=True)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await type_when_idle(pilot, app, "turn on the kitchen light")
            await until(pilot, lambda: "→ previewed" in text_of(app, "#turns"))
            assert "dry run" in app.title

    asyncio.run(scenario())
