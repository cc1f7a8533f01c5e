"""`hark serve`: our STT (asr), TTS (tts) and turn handling (handle) as Wyoming services, so Home
Assistant can add them as they are and our satellites can send the heavy stages to a bigger box.

One Pipeline serves every connection; its stages run one at a time in a worker thread (the models
are not made for concurrent calls). A handled transcript is a turn like any other: the same
planner, policy, confirmation and audit log, whoever sent it.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from functools import partial

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk as WyomingChunk
from wyoming.audio import AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    Describe,
    HandleModel,
    HandleProgram,
    Info,
    TtsProgram,
    TtsVoice,
)
from wyoming.server import AsyncEventHandler, AsyncServer
from wyoming.tts import Synthesize

from device.audio import AudioChunk, to_speech
from device.errors import HarkError
from device.messages import Turn
from device.pipeline import Pipeline

log = logging.getLogger(__name__)
ATTRIBUTION = Attribution(name="Hark", url="https://github.com/hark-voice/hark")
FAILURES = {"failed", "invalid", "denied"}


SERVICES = ("asr", "tts", "handle")


def describe(pipeline: Pipeline, services: tuple[str, ...] = SERVICES) -> Info:
    """What this box offers, in the words Home Assistant's Wyoming integration reads."""
    stt = pipeline.models.entry(pipeline.settings.stt_model, "stt")
    tts = pipeline.models.entry(pipeline.settings.tts_model, "tts")
    languages = ["en"]

    def artifact(name: str, description: str) -> dict:
        return {"name": name, "attribution": ATTRIBUTION, "installed": True, "description": description,
                "version": "0.1.0"}

    offered = dict(
        asr=[AsrProgram(**artifact("hark-stt", "faster-whisper, int8 on CPU"),
                        models=[AsrModel(**artifact(stt.id, f"Whisper {stt.id}"), languages=languages)])],
        tts=[TtsProgram(**artifact("hark-tts", "piper"),
                        voices=[TtsVoice(**artifact(tts.id, f"piper {tts.id}"), languages=languages)])],
        handle=[HandleProgram(**artifact("hark-handle", "Hark: plans, checks and runs actions"),
                              models=[HandleModel(**artifact("hark-planner", "templates, then a local LLM"),
                                                  languages=languages)],
                              supports_home_control=True)])
    return Info(**{service: programs for service, programs in offered.items() if service in services})


def handled(turn: Turn) -> Event:
    """Handled with the reply, or NotHandled when every action failed; the turn record rides along."""
    context = {"turn": turn.model_dump(mode="json")}
    failed = turn.actions and all(a.status in FAILURES for a in turn.actions)
    return (NotHandled if failed else Handled)(text=turn.reply, context=context).event()


class Connection(AsyncEventHandler):
    """One client: describe, transcribe (audio in), synthesize (audio out) or handle (a transcript)."""

    def __init__(self, pipeline: Pipeline, lock: asyncio.Lock, token: str | None, services: tuple[str, ...],
                 *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pipeline, self.lock, self.token, self.services = pipeline, lock, token, services
        self._audio: list[AudioChunk] | None = None

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(describe(self.pipeline, self.services).event())
            return True
        if not self._allowed(event):
            await self.write_event(Error(text="this Hark server wants its token", code="unauthorized").event())
            return False
        try:
            await self._serve(event)
        except HarkError as exc:
            await self.write_event(Error(text=str(exc), code="hark").event())
        return True

    def _allowed(self, event: Event) -> bool:
        """With a token set, every request carries it in its context (our satellites do)."""
        if self.token is None or _is_audio(event):
            return True
        given = str((event.data or {}).get("context", {}).get("token", ""))
        return hmac.compare_digest(given, self.token)

    async def _serve(self, event: Event) -> None:
        asked = next((service for service, kind in (("asr", Transcribe), ("tts", Synthesize), ("handle", Transcript))
                      if kind.is_type(event.type)), None)
        if asked is not None and asked not in self.services:
            await self.write_event(Error(text=f"this server doesn't offer {asked}", code="not-offered").event())
        elif Transcribe.is_type(event.type):
            self._audio = []
        elif AudioStart.is_type(event.type) and self._audio is not None:
            self._audio = []
        elif WyomingChunk.is_type(event.type) and self._audio is not None:
            self._audio.append(from_wyoming(event))
        elif AudioStop.is_type(event.type) and self._audio is not None:
            await self._transcribe(self._audio)
            self._audio = None
        elif Synthesize.is_type(event.type):
            await self._synthesize(Synthesize.from_event(event).text)
        elif Transcript.is_type(event.type):
            turn = await self._run(self.pipeline.say, Transcript.from_event(event).text)
            await self.write_event(handled(turn))

    async def _run(self, stage, *args):
        async with self.lock:
            return await asyncio.to_thread(stage, *args)

    async def _transcribe(self, chunks: list[AudioChunk]) -> None:
        speech = to_speech(chunks)
        transcript = await self._run(self.pipeline.transcriber.transcribe, speech)
        await self.write_event(Transcript(text=transcript.text, language=transcript.language).event())

    async def _synthesize(self, text: str) -> None:
        chunks = await self._run(lambda: list(self.pipeline.speak(text)))
        for event in audio_events(chunks):
            await self.write_event(event)


def audio_events(chunks: list[AudioChunk]) -> list[Event]:
    """Our chunks (all of one format) as a Wyoming audio stream: start, chunks, stop."""
    first = chunks[0]
    return [AudioStart(rate=first.rate, width=first.width, channels=first.channels).event(),
            *(WyomingChunk(rate=c.rate, width=c.width, channels=c.channels, audio=c.audio,
                           timestamp=c.timestamp_ms).event() for c in chunks),
            AudioStop().event()]


def from_wyoming(event: Event) -> AudioChunk:
    """A Wyoming audio-chunk event as our chunk, format and all."""
    chunk = WyomingChunk.from_event(event)
    return AudioChunk(rate=chunk.rate, width=chunk.width, channels=chunk.channels, audio=chunk.audio,
                      timestamp_ms=chunk.timestamp or 0)


def _is_audio(event: Event) -> bool:
    """Audio belongs to a request already checked (its Transcribe carried the token)."""
    return any(kind.is_type(event.type) for kind in (AudioStart, WyomingChunk, AudioStop))


async def serve(pipeline: Pipeline, host: str, port: int, token: str | None, services: tuple[str, ...] = SERVICES,
                ready=None) -> None:
    """Serve until cancelled; `ready()` is called once the port is open."""
    await asyncio.to_thread(pipeline.warm, pipeline.settings.device.preload_llm)
    server = AsyncServer.from_uri(f"tcp://{host}:{port}")
    lock = asyncio.Lock()
    await server.start(partial(Connection, pipeline, lock, token, services))
    log.info("serving on %s:%s", host, port)
    if ready is not None:
        ready()
    await asyncio.Event().wait()
