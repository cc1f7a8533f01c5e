"""Sound hardware as endpoints (CONVENTIONS 9): a microphone that records, a speaker that plays.

A sound card, a WAV file and a virtual stream fed by code are interchangeable: each input gives
AudioChunks at its own native format (the pipeline resamples at the edge, `audio.to_speech`), each
output plays chunks in small blocks and stops within one block when told to (barge-in).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from device.audio import AudioChunk, SpeechInput, chunk_seconds, to_speech, write_wav
from device.errors import HarkError

_NO_DEVICE_FIX = "plug in a sound card or pick one with --input-device/--output-device (see hark devices)"
CHUNK_MS = 30
"""Microphone chunks: short enough for a responsive VAD and button, long enough to be cheap."""
BLOCK_MS = 20
"""Playback blocks: a stop request is honoured within one block."""


class InputEndpoint(Protocol):
    """Where speech comes from. `read` blocks for about one chunk of audio."""

    name: str

    def open(self) -> None: ...

    def read(self) -> AudioChunk: ...

    def close(self) -> None: ...


class OutputEndpoint(Protocol):
    """Where speech goes. `play` returns the seconds played, fewer when `stop` was set."""

    name: str

    def open(self) -> None: ...

    def play(self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None) -> float: ...


class AudioDevice(BaseModel):
    """One sound card as `hark devices` lists it."""

    index: int
    name: str
    inputs: int
    """Input channels (0 = not a microphone)."""
    outputs: int
    """Output channels (0 = not a speaker)."""
    default_rate: int
    default_input: bool = False
    default_output: bool = False


def _sounddevice():
    try:
        import sounddevice
    except OSError:  # PortAudio itself is missing
        raise HarkError("the PortAudio library is not installed", "run: sudo apt-get install libportaudio2") from None
    return sounddevice


def _device_info(sd, device: int | str | None, kind: str) -> dict:
    try:
        return sd.query_devices(device, kind)
    except (ValueError, sd.PortAudioError) as exc:
        raise HarkError(f"no {kind} audio device available ({exc})", _NO_DEVICE_FIX) from None


def list_devices() -> list[AudioDevice]:
    """Every sound card PortAudio sees, with the system's defaults marked."""
    sd = _sounddevice()
    default_in, default_out = (int(i) if i is not None else -1 for i in sd.default.device)
    return [AudioDevice(index=d["index"], name=d["name"], inputs=d["max_input_channels"],
                        outputs=d["max_output_channels"], default_rate=int(d["default_samplerate"]),
                        default_input=d["index"] == default_in, default_output=d["index"] == default_out)
            for d in sd.query_devices()]


def blocks(chunk: AudioChunk, block_ms: int = BLOCK_MS) -> Iterator[AudioChunk]:
    """A chunk cut into blocks of `block_ms`, so playback can stop between any two."""
    frame = chunk.width * chunk.channels
    size = max(frame, chunk.rate * block_ms // 1000 * frame)
    for start in range(0, len(chunk.audio), size):
        yield chunk.model_copy(update={"audio": chunk.audio[start:start + size]})


class Microphone:
    """A sound card's input at its native rate, mono or stereo as the card gives it."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device, self.name = device, f"microphone {device if device is not None else '(default)'}"
        self._stream = None

    def open(self) -> None:
        sd = _sounddevice()
        info = _device_info(sd, self.device, "input")
        self.rate, self.channels = int(info["default_samplerate"]), min(2, int(info["max_input_channels"]))
        self._frames = self.rate * CHUNK_MS // 1000
        try:
            self._stream = sd.RawInputStream(samplerate=self.rate, channels=self.channels, dtype="int16",
                                             device=self.device, blocksize=self._frames)
            self._stream.start()
        except sd.PortAudioError as exc:
            raise HarkError(f"cannot open {self.name}: {exc}", _NO_DEVICE_FIX) from None
        self._started = time.monotonic()

    def read(self) -> AudioChunk:
        data, _overflowed = self._stream.read(self._frames)
        elapsed_ms = int((time.monotonic() - self._started) * 1000)
        return AudioChunk(rate=self.rate, width=2, channels=self.channels, timestamp_ms=elapsed_ms, audio=bytes(data))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class VirtualInput:
    """A microphone fed by code or a WAV file: what is fed comes out in real time, then silence
    (a quiet room), in chunks of the format it was made with."""

    def __init__(self, rate: int = 16_000, channels: int = 1, name: str = "virtual input",
                 realtime: bool = True) -> None:
        self.rate, self.channels, self.name, self.realtime = rate, channels, name, realtime
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._bytes = self.rate * CHUNK_MS // 1000 * 2 * channels
        self._sent_ms = 0

    @classmethod
    def from_wav(cls, path: Path) -> VirtualInput:
        """A microphone that hears this WAV file as soon as it opens (at the file's rate and channels)."""
        rate, channels, pcm = _read_pcm16(path)
        endpoint = cls(rate, channels, name=f"WAV file {path}")
        endpoint.feed(pcm)
        return endpoint

    def feed_wav(self, path: Path) -> float:
        """Play a WAV file (of this endpoint's format) into the microphone; returns its seconds."""
        rate, channels, pcm = _read_pcm16(path)
        if (rate, channels) != (self.rate, self.channels):
            raise HarkError(f"{path} is {rate} Hz x{channels}, the input is {self.rate} Hz x{self.channels}",
                            "make the input endpoint with the file's format (VirtualInput.from_wav)")
        self.feed(pcm)
        return len(pcm) / (2 * rate * channels)

    def feed(self, pcm: bytes) -> None:
        """Queue 16-bit PCM (of this endpoint's rate and channels) to be 'heard' next."""
        with self._lock:
            self._pending += pcm

    def open(self) -> None:
        self._next: float | None = None  # the stream's clock starts at the first read

    def read(self) -> AudioChunk:
        if self.realtime:
            self._next = (self._next or time.monotonic()) + CHUNK_MS / 1000
            time.sleep(max(0.0, self._next - time.monotonic()))
        with self._lock:
            audio = bytes(self._pending[:self._bytes])
            del self._pending[:self._bytes]
        chunk = AudioChunk(rate=self.rate, width=2, channels=self.channels, timestamp_ms=self._sent_ms,
                           audio=audio.ljust(self._bytes, b"\0"))
        self._sent_ms += CHUNK_MS
        return chunk

    def close(self) -> None:
        return None


def _read_pcm16(path: Path) -> tuple[int, int, bytes]:
    import wave

    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            pcm = wav.readframes(wav.getnframes())
    except (OSError, wave.Error, EOFError) as exc:
        raise HarkError(f"{path} is not a readable PCM WAV file ({exc})", "give a 16-bit PCM WAV") from None
    if width != 2:
        raise HarkError(f"{path} is {8 * width}-bit audio", "convert it: sox IN -b 16 OUT.wav")
    return rate, channels, pcm


class SoundCard:
    """A sound card's output, opened for each reply at the reply's own rate."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device, self.name = device, f"speaker {device if device is not None else '(default)'}"

    def open(self) -> None:
        """Fail now, not at the first reply, if there is no such speaker."""
        _device_info(_sounddevice(), self.device, "output")

    def play(self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None) -> float:
        sd = _sounddevice()
        _device_info(sd, self.device, "output")
        stream, played = None, 0.0
        try:
            for block in (b for chunk in chunks for b in blocks(chunk)):
                if stop is not None and stop.is_set():
                    if stream is not None:
                        stream.abort()  # drops what the card still holds: silence at once
                    break
                if stream is None:
                    stream = sd.RawOutputStream(samplerate=block.rate, channels=block.channels,
                                                dtype="int16", device=self.device)
                    stream.start()
                stream.write(block.audio)
                played += chunk_seconds(block)
        except sd.PortAudioError as exc:
            raise HarkError(f"playback failed: {exc}", _NO_DEVICE_FIX) from None
        finally:
            if stream is not None:
                stream.close()
        return played


class VirtualOutput:
    """A speaker that keeps what it plays, paced in real time like a sound card (so stopping it
    mid-sentence means something); `save` writes it to a WAV file."""

    def __init__(self, name: str = "virtual output", realtime: bool = True) -> None:
        self.name, self.realtime = name, realtime
        self.played: list[AudioChunk] = []
        self.started_at: float | None = None
        """When the first sample of the latest reply sounded (time.monotonic)."""
        self.stopped_at: float | None = None
        """When the latest reply was cut short (time.monotonic), None if it played to the end."""

    def open(self) -> None:
        return None

    def play(self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None) -> float:
        played, self.started_at, self.stopped_at = 0.0, None, None
        for block in (b for chunk in chunks for b in blocks(chunk)):
            if stop is not None and stop.is_set():
                self.stopped_at = time.monotonic()
                break
            if self.started_at is None:
                self.started_at = time.monotonic()
            self.played.append(block)
            played += chunk_seconds(block)
            if self.realtime:
                time.sleep(max(0.0, self.started_at + played - time.monotonic()))
        return played

    def save(self, path: Path) -> float:
        return write_wav(path, self.played) if self.played else 0.0


class WavOutput(VirtualOutput):
    """A speaker that writes everything it plays to a WAV file (rewritten after each reply)."""

    def __init__(self, path: Path) -> None:
        super().__init__(name=f"WAV file {path}")
        self.path = path

    def play(self, chunks: Iterable[AudioChunk], stop: threading.Event | None = None) -> float:
        played = super().play(chunks, stop)
        self.save(self.path)
        return played


def record(seconds: float, mic: InputEndpoint) -> SpeechInput:
    """A fixed-length recording from any input endpoint, ready for STT."""
    mic.open()
    try:
        chunks = [mic.read() for _ in range(max(1, round(seconds * 1000 / CHUNK_MS)))]
    finally:
        mic.close()
    return to_speech(chunks, (f"recorded {seconds:.0f} s at {chunks[0].rate} Hz",))
