"""The device loop: idle → listening → thinking → acting → speaking → idle, until stopped.

One asyncio task owns the state; everything else reaches it as a message in its inbox: the
microphone's chunks (a reader thread), the button and the keyboard (their own threads, through
`call_soon_threadsafe`), finished turns and finished replies (worker threads). STT, planning,
synthesis and playback run in worker threads (CONVENTIONS 5), so the loop always hears the
button: a press while the device speaks stops playback within one 20 ms block (barge-in).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from device.audio import AudioChunk, SpeechInput, chunk_seconds
from device.config import Settings
from device.endpoints import InputEndpoint, OutputEndpoint
from device.errors import HarkError
from device.messages import PipelineEvent, Turn
from device.pipeline import NOTHING_HEARD, EventSink, Pipeline
from device.service import Notifier

log = logging.getLogger(__name__)
State = Literal["starting", "idle", "listening", "thinking", "acting", "speaking", "stopped"]
SOMETHING_WRONG = "Sorry, something went wrong. I've logged it."
TICK_SECONDS = 1.0
"""How often the loop looks for due timers, alarms and routines, and tells the watchdog it lives."""


@dataclass(frozen=True)
class Message:
    """What reaches the loop's inbox."""

    kind: Literal["audio", "press", "release", "hush", "text", "speech", "tick", "reply", "spoken", "fatal", "stop"]
    chunk: AudioChunk | None = None
    text: str = ""
    speech: SpeechInput | None = None
    audio: Callable[[], Iterable[AudioChunk]] | None = None
    """reply: makes the audio to play (synthesis runs in the playback thread, sentence by sentence)."""


class DeviceLoop:
    """The device's life: a microphone, a speaker, a button (press/release) and a text box in; events out."""

    def __init__(self, settings: Settings, mic: InputEndpoint, speaker: OutputEndpoint,
                 on_event: EventSink | None = None, dry_run: bool = False,
                 clock: Callable[[], datetime] = datetime.now, notifier: Notifier | None = None,
                 max_turns: int | None = None, remote: str | None = None, token: str | None = None) -> None:
        """`max_turns`: stop after that many replies (scripted checks); None = run until stopped.
        `remote`: HOST:PORT of a `hark serve` box for STT, turns and TTS (satellite mode), `token` its secret."""
        self.config, self.mic, self.speaker = settings.device, mic, speaker
        self.pipeline = Pipeline(settings, on_event=self._from_worker, dry_run=dry_run, clock=clock)
        self.stages = self.pipeline if remote is None else self._satellite(remote, token)
        self.state: State = "starting"
        self.turns = 0
        self._sink = on_event or (lambda event: None)
        self._notifier = notifier or Notifier(None)
        self._max_turns = max_turns
        self._endpointer = self._make_endpointer() if self.config.hands_free else None
        self._utterance = self._make_utterance(local_stt=remote is None)
        self._preroll: deque[AudioChunk] = deque()
        self._pressed_at: float | None = None
        self._stop_playback = threading.Event()
        self._worker: asyncio.Task | None = None
        self._aio: asyncio.AbstractEventLoop | None = None

    def _satellite(self, remote: str, token: str | None):
        from device.satellite import RemoteStages

        return RemoteStages(self.pipeline, remote, token, self._from_worker)

    def _make_endpointer(self):
        from device.vad import Endpointer, SpeechDetector

        return Endpointer(SpeechDetector(), self.config.vad_silence_ms, self.config.vad_threshold)

    def _make_utterance(self, local_stt: bool):
        """The utterance being heard, trimmed, with transcripts started at the speaker's pauses
        when the STT is ours (a satellite's server hears the whole utterance)."""
        from device.drafts import Utterance
        from device.vad import SpeechDetector

        transcribe = (lambda speech: self.pipeline.transcriber.transcribe(speech)) if local_stt else None
        return Utterance(SpeechDetector(), transcribe, self.config.vad_threshold)

    # What the button, the keyboard and the emulator call; safe from any thread.
    def press(self) -> None:
        self._post(Message("press"))

    def release(self) -> None:
        self._post(Message("release"))

    def hush(self) -> None:
        """Stop speaking, without starting to listen."""
        self._post(Message("hush"))

    def type_text(self, text: str) -> None:
        self._post(Message("text", text=text))

    def hear(self, speech: SpeechInput) -> None:
        self._post(Message("speech", speech=speech))

    def shutdown(self) -> None:
        self._post(Message("stop"))

    def _post(self, message: Message) -> None:
        if self._aio is not None and not self._aio.is_closed():
            self._aio.call_soon_threadsafe(self._inbox.put_nowait, message)

    async def run(self) -> int:
        """Load the models, then serve until `shutdown` (or `max_turns`); returns the turns completed."""
        self._aio, self._inbox = asyncio.get_running_loop(), asyncio.Queue()
        self._set_state("starting")
        self.mic.open()  # a missing sound card fails now, not after the models load
        self.speaker.open()
        await asyncio.to_thread(self.stages.warm, self.config.preload_llm)
        reading = threading.Event()
        reading.set()
        reader = threading.Thread(target=self._read_mic, args=(reading,), name="hark-mic", daemon=True)
        reader.start()
        ticker = asyncio.create_task(self._tick())
        self._set_state("idle")
        self._notifier.ready()
        try:
            while (message := await self._inbox.get()).kind != "stop":
                await self._handle(message)
        finally:
            await self._close(reading, reader, ticker)
        return self.turns

    async def _close(self, reading: threading.Event, reader: threading.Thread, ticker: asyncio.Task) -> None:
        self._notifier.stopping()
        reading.clear()
        ticker.cancel()
        self._stop_playback.set()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
        await asyncio.to_thread(reader.join, 1.0)
        await asyncio.to_thread(self._utterance.close)
        self.mic.close()
        self._set_state("stopped")

    def _read_mic(self, reading: threading.Event) -> None:
        while reading.is_set():
            try:
                chunk = self.mic.read()
            except Exception as exc:  # a microphone unplugged: stop, so the service restarts cleanly
                self._post(Message("fatal", text=f"{self.mic.name} failed: {exc}"))
                return
            self._post(Message("audio", chunk=chunk))

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self._post(Message("tick"))

    async def _handle(self, message: Message) -> None:
        handler = getattr(self, f"_on_{message.kind}")
        result = handler(message)
        if asyncio.iscoroutine(result):
            await result

    def _set_state(self, state: State, **details: Any) -> None:
        self.state = state
        self._sink(PipelineEvent(type="state", data={"state": state, **details}))

    def _from_worker(self, event: PipelineEvent) -> None:
        """Pipeline events arrive on worker threads; the loop's listeners get them on the loop."""
        if self._aio is not None:
            self._aio.call_soon_threadsafe(self._forward, event)

    def _forward(self, event: PipelineEvent) -> None:
        if event.type == "plan" and self.state == "thinking":
            self._set_state("acting")
        self._sink(event)

    # Listening
    def _on_audio(self, message: Message) -> None:
        chunk = message.chunk
        if self.state == "idle":
            self._keep_preroll(chunk)
            if self._endpointer is not None and self._endpointer.update(chunk) == "start":
                self._listen(by_button=False)
        elif self.state == "listening":
            self._utterance.add(chunk)
            ended = self._endpointer is not None and self._endpointer.update(chunk) == "end"
            if ended or self._heard_seconds() >= self.config.max_utterance_seconds:
                self._think_heard()

    def _keep_preroll(self, chunk: AudioChunk) -> None:
        self._preroll.append(chunk)
        while sum(chunk_seconds(c) for c in self._preroll) * 1000 > self.config.preroll_ms + 1:
            self._preroll.popleft()

    def _heard_seconds(self) -> float:
        return self._utterance.seconds

    def _listen(self, by_button: bool) -> None:
        self._utterance.start(list(self._preroll))
        self._pressed_at = time.monotonic() if by_button else None
        self._preroll.clear()
        if self._endpointer is not None and by_button:
            self._endpointer.reset()
        self._set_state("listening", by="button" if by_button else "voice")

    async def _on_press(self, message: Message) -> None:
        if self.state == "speaking":
            await self._stop_speaking()
        if self.state == "idle":
            self._listen(by_button=True)

    def _on_release(self, message: Message) -> None:
        if self.state != "listening" or self._pressed_at is None:
            return
        held_ms = (time.monotonic() - self._pressed_at) * 1000
        if held_ms >= self.config.min_press_ms:
            self._think_heard()
        elif self._endpointer is None:  # hands-free: a tap starts listening and the VAD ends it
            self._utterance.start([])
            self._set_state("idle", note=f"a {held_ms:.0f} ms press is too short; hold the button while you talk")

    def _think_heard(self) -> None:
        notes = ()
        if self._heard_seconds() >= self.config.max_utterance_seconds:
            notes = (f"stopped listening after {self.config.max_utterance_seconds:.0f} s",)
        if self._endpointer is not None:
            self._endpointer.reset()
        speech, draft = self._utterance.finish(notes)
        if draft is None:
            self._think(lambda: self.stages.hear(speech, "the microphone"))
        else:
            self._think(lambda: self.pipeline.hear(speech, "the microphone", heard=draft))

    # Thinking and acting
    async def _on_text(self, message: Message) -> None:
        await self._interrupt()
        if self.state == "idle":
            self._think(lambda: self.stages.say(message.text))

    async def _on_speech(self, message: Message) -> None:
        await self._interrupt()
        if self.state == "idle":
            self._think(lambda: self.stages.hear(message.speech, "the injected audio"))

    async def _interrupt(self) -> None:
        if self.state == "speaking":
            await self._stop_speaking()

    async def _on_hush(self, message: Message) -> None:
        await self._interrupt()

    def _think(self, turn: Callable[[], Turn]) -> None:
        self._set_state("thinking")
        self._worker = asyncio.create_task(self._take_turn(turn))

    async def _take_turn(self, turn: Callable[[], Turn]) -> None:
        try:
            reply = (await asyncio.to_thread(turn)).reply
        except Exception as exc:  # a failed turn must not end the device's life: say so, go on
            reply = self._apologise(exc)
        self._post(Message("reply", audio=lambda: self.stages.speak(reply)))

    def _apologise(self, exc: Exception) -> str:
        """The short spoken line for a failed turn; the whole story goes to the log and the error event."""
        if isinstance(exc, HarkError):
            log.error("%s", exc)
            reply = NOTHING_HEARD if "silence" in str(exc) else SOMETHING_WRONG
        else:
            log.exception("the turn failed")
            reply = SOMETHING_WRONG
        self._report_error(exc)
        self._sink(PipelineEvent(type="reply", data={"text": reply}))
        return reply

    def _report_error(self, exc: Exception) -> None:
        self._sink(PipelineEvent(type="error", data={"message": str(exc), "kind": type(exc).__name__}))

    # Speaking
    def _on_reply(self, message: Message) -> None:
        self._speak(message.audio)

    def _speak(self, audio: Callable[[], Iterable[AudioChunk]]) -> None:
        self._stop_playback.clear()
        self._set_state("speaking")
        self._worker = asyncio.create_task(self._play(audio))

    async def _play(self, audio: Callable[[], Iterable[AudioChunk]]) -> None:
        try:
            seconds = await asyncio.to_thread(self.speaker.play, audio(), self._stop_playback)
            self._sink(PipelineEvent(type="audio-out", data={"seconds": round(seconds, 3), "endpoint": self.speaker.name,
                                                             "interrupted": self._stop_playback.is_set()}))
        except Exception as exc:  # the speaker failed: the turn is still done and logged
            log.error("playback failed: %s", exc)
            self._report_error(exc)
        self.turns += 1
        self._post(Message("spoken"))

    async def _stop_speaking(self) -> None:
        """Barge-in: playback stops within one block, then the loop is idle again."""
        self._stop_playback.set()
        await self._worker
        self._set_state("idle", note="stopped speaking")

    def _on_spoken(self, message: Message) -> None:
        if self.state == "speaking":
            self._set_state("idle")
        if self._max_turns is not None and self.turns >= self._max_turns and self.state == "idle":
            self.shutdown()

    # Housekeeping
    async def _on_tick(self, message: Message) -> None:
        self._notifier.alive()
        if self.state != "idle":
            return
        alerts = await asyncio.to_thread(self.stages.take_alerts)
        if alerts and self.state == "idle":
            self._speak(lambda: self.stages.ring(alerts))

    def _on_fatal(self, message: Message) -> None:
        raise HarkError(message.text, "check the sound card (hark devices) and restart")
