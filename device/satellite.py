"""Satellite mode: the handheld keeps its mic, button, VAD, speaker and questions, and sends the
heavy stages (STT, the turn, TTS) to a `hark serve` box over Wyoming. When the box can't be
reached, the same audio or text runs on the device's own models, and the reply says so once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk as WyomingChunk
from wyoming.audio import AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize

from device.alerts import Alert
from device.audio import STT_RATE, AudioChunk, SpeechInput, float_to_chunk, require_sound
from device.endpoints import blocks
from device.errors import HarkError
from device.messages import PipelineEvent, Plan, Turn
from device.pipeline import EventSink, Pipeline
from device.wyoming_service import audio_events, from_wyoming

log = logging.getLogger(__name__)
CONNECT_SECONDS, REPLY_SECONDS = 2.0, 60.0
SEND_MS = 256
"""Audio goes to the box in pieces of this length."""


class RemoteDown(Exception):
    """The box didn't answer (refused, gone mid-request, too slow) or refused us."""


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise HarkError(f"--remote {address!r} is not HOST:PORT", "e.g. --remote 192.168.1.20:10700")
    return host, int(port)


class RemoteStages:
    """The stages the device loop calls, served by a Wyoming box, with the local pipeline behind them."""

    def __init__(self, local: Pipeline, address: str, token: str | None, emit: EventSink) -> None:
        self.local, self.address, self._token, self._emit = local, address, token, emit
        self._host, self._port = parse_address(address)
        self._was_up = True
        self._offers: set[str] | None = None
        """What the box serves (asr, tts, handle), asked once per connection streak: a plain
        Wyoming STT or TTS server does only part of the work, the device does the rest."""

    # Work that stays on the device
    def warm(self, llm: bool = False) -> None:
        self.local.warm(llm)

    def take_alerts(self) -> list[Alert]:
        return self.local.take_alerts()

    def ring(self, alerts: list[Alert]) -> Iterator[AudioChunk]:
        return self.local.ring(alerts)

    # Work for the box
    def hear(self, speech: SpeechInput, source: str) -> Turn:
        require_sound(speech, source)
        try:
            if not self._offered("asr"):
                return self.local.hear(speech, source)
            text = self._ask(self._transcribe(speech))
        except RemoteDown as exc:
            return self._fall_back(exc, lambda note: self.local.hear(speech, source, notes=(note,)))
        self._emit(PipelineEvent(type="transcript", data={"text": text, "by": self.address}))
        return self.say(text)

    def say(self, text: str) -> Turn:
        try:
            if not self._offered("handle"):
                return self.local.say(text)
            turn = self._ask(self._handle(text))
        except RemoteDown as exc:
            return self._fall_back(exc, lambda note: self.local.say(text, notes=(note,)))
        self._was_up = True
        self._report(turn)
        return turn

    def speak(self, text: str, steady: bool = False) -> Iterator[AudioChunk]:
        try:
            if not self._offered("tts"):
                raise RemoteDown("no tts")
            chunks = self._ask(self._synthesize(text))
        except RemoteDown:
            chunks = list(self.local.speak(text, steady))
            yield from chunks
            return
        yield from self.local.at_hour_volume(chunks)  # quiet hours are the device's

    def _offered(self, service: str) -> bool:
        if self._offers is None:
            self._offers = self._ask(self._describe())
        return service in self._offers

    def _fall_back(self, exc: RemoteDown, local_turn) -> Turn:
        self._offers = None  # ask again next time: the box may be back, or another one
        log.warning("%s unreachable (%s): using this device's models", self.address, exc)
        self._emit(PipelineEvent(type="error", data={"message": f"the server {self.address} can't be reached "
                                                                f"({exc}); using this device's models",
                                                     "kind": "RemoteDown"}))
        turn = local_turn(f"The server {self.address} couldn't be reached ({exc}), so this ran on the device.")
        if self._was_up:  # said once, when the box goes away; the audit log notes every such turn
            turn.reply = f"I can't reach the server, so I used my own models. {turn.reply}"
            self._was_up = False
        return turn

    def _report(self, turn: Turn) -> None:
        """The box's turn, told to the device's listeners as if it had run here."""
        if turn.source is not None:
            plan = Plan(calls=[{"name": a.name, "args": a.args} for a in turn.actions], source=turn.source)
            self._emit(PipelineEvent(type="plan", data=plan.model_dump()))
        for action in turn.actions:
            self._emit(PipelineEvent(type="action", data=action.model_dump()))
        self._emit(PipelineEvent(type="reply", data={"text": turn.reply}))

    # The Wyoming conversations
    def _ask(self, conversation):
        """Run one request to the box on this (worker) thread; any failure is RemoteDown."""
        try:
            return asyncio.run(asyncio.wait_for(conversation, REPLY_SECONDS))
        except (OSError, asyncio.TimeoutError, EOFError) as exc:
            raise RemoteDown(str(exc) or type(exc).__name__) from None

    @property
    def _context(self) -> dict:
        return {"token": self._token} if self._token else {}

    async def _describe(self) -> set[str]:
        async with self._client() as client:
            await client.write_event(Describe().event())
            info = Info.from_event(await _answer(client, Info))
        return {service for service in ("asr", "tts", "handle") if getattr(info, service)}

    async def _transcribe(self, speech: SpeechInput) -> str:
        pieces = list(blocks(float_to_chunk(speech.samples, STT_RATE), SEND_MS))
        async with self._client() as client:
            await client.write_event(Transcribe(context=self._context).event())
            for event in audio_events(pieces):
                await client.write_event(event)
            return Transcript.from_event(await _answer(client, Transcript)).text

    async def _handle(self, text: str) -> Turn:
        async with self._client() as client:
            await client.write_event(Transcript(text=text, context=self._context).event())
            event = await _answer(client, Handled, NotHandled)
        return Turn.model_validate((event.data.get("context") or {}).get("turn") or
                                   {"transcript": text, "reply": event.data.get("text", "")})

    async def _synthesize(self, text: str) -> list[AudioChunk]:
        chunks = []
        async with self._client() as client:
            await client.write_event(Synthesize(text=text, context=self._context).event())
            while not AudioStop.is_type((event := await _answer(client, WyomingChunk, AudioStart, AudioStop)).type):
                if WyomingChunk.is_type(event.type):
                    chunks.append(from_wyoming(event))
        return chunks

    def _client(self) -> AsyncTcpClient:
        return AsyncTcpClient(self._host, self._port, connect_timeout=CONNECT_SECONDS)


async def _answer(client: AsyncTcpClient, *kinds) -> Event:
    """The next event of one of these kinds; an Error or a closed connection is RemoteDown."""
    while True:
        event = await client.read_event()
        if event is None:
            raise RemoteDown("the server closed the connection")
        if Error.is_type(event.type):
            raise RemoteDown(Error.from_event(event).text)
        if any(kind.is_type(event.type) for kind in kinds):
            return event
