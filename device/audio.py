"""Audio at the edges: read and validate WAV input, resample to 16 kHz mono, write WAV output.

Every chunk carries its own format (CONVENTIONS 2); resampling happens only here.
"""
from __future__ import annotations

import wave
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from device.errors import HarkError

STT_RATE = 16_000
SILENCE_DBFS = -55.0
_WAV_FIX = "convert it with: sox INPUT -r 16000 -c 1 -b 16 OUTPUT.wav"


class AudioChunk(BaseModel):
    """A piece of PCM audio that says what it is."""

    model_config = ConfigDict(frozen=True)

    rate: int
    """Samples per second."""
    width: int
    """Bytes per sample (2 = 16-bit)."""
    channels: int
    """Interleaved channels."""
    timestamp_ms: int = 0
    """Start of this chunk from the start of its stream."""
    audio: bytes
    """Raw little-endian signed PCM."""


class SpeechInput(BaseModel):
    """Mono float32 audio at 16 kHz, ready for STT, plus what was done to get it there."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    samples: np.ndarray
    source_rate: int
    notes: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return len(self.samples) / STT_RATE


def pcm_to_float(pcm: bytes, width: int, channels: int) -> np.ndarray:
    """Decode signed PCM (8-bit WAVs are unsigned) to float32 in [-1, 1], mixed down to mono."""
    if width == 1:
        data = (np.frombuffer(pcm, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:
        raw = np.frombuffer(pcm, np.uint8).reshape(-1, 3)
        ints = (raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8 | raw[:, 2].astype(np.int32) << 16)
        data = np.where(ints >= 1 << 23, ints - (1 << 24), ints).astype(np.float32) / float(1 << 23)
    else:
        dtype = {2: np.int16, 4: np.int32}[width]
        data = np.frombuffer(pcm, dtype).astype(np.float32) / float(np.iinfo(dtype).max)
    frames = len(data) // channels
    return data[: frames * channels].reshape(frames, channels).mean(axis=1)


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited resampling through the FFT: exact enough for speech, no extra dependency."""
    if src_rate == dst_rate or len(samples) == 0:
        return samples.astype(np.float32)
    out_len = max(1, round(len(samples) * dst_rate / src_rate))
    spectrum = np.fft.rfft(samples)
    keep = out_len // 2 + 1
    if keep <= len(spectrum):
        spectrum = spectrum[:keep]
    else:
        spectrum = np.pad(spectrum, (0, keep - len(spectrum)))
    return (np.fft.irfft(spectrum, out_len) * (out_len / len(samples))).astype(np.float32)


def loudness_dbfs(samples: np.ndarray) -> float:
    """Loudness of the loudest 100 ms window, so a short command in a long silence still counts."""
    window = STT_RATE // 10
    usable = len(samples) // window * window
    if usable == 0:
        return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12)) if len(samples) else -120.0
    rms = np.sqrt(np.mean(samples[:usable].reshape(-1, window) ** 2, axis=1))
    return float(20 * np.log10(rms.max() + 1e-12))


def read_wav(path: Path, max_seconds: float) -> SpeechInput:
    """Load a WAV file as STT input, or fail with one line that names the fix."""
    if not path.is_file():
        raise HarkError(f"{path}: no such file", "give the path of a WAV recording")
    try:
        with wave.open(str(path), "rb") as wav:
            rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
            frames = min(wav.getnframes(), int(max_seconds * rate) + 1)
            pcm = wav.readframes(frames)
            total_seconds = wav.getnframes() / rate if rate else 0.0
    except (wave.Error, EOFError) as exc:
        raise HarkError(f"{path} is not a 16/24/32-bit PCM WAV file ({exc})", _WAV_FIX) from None
    if not pcm:
        raise HarkError(f"{path} holds no audio (zero length)", "record the command again")
    notes = _input_notes(rate, channels, total_seconds, max_seconds)
    samples = resample(pcm_to_float(pcm, width, channels), rate, STT_RATE)[: int(max_seconds * STT_RATE)]
    return SpeechInput(samples=samples, source_rate=rate, notes=notes)


def require_sound(speech: SpeechInput, source: str) -> None:
    """Refuse silence-only input before any model runs on it."""
    if loudness_dbfs(speech.samples) < SILENCE_DBFS:
        raise HarkError(f"{source} holds only silence", "speak closer to the microphone, or check the recording")


def _input_notes(rate: int, channels: int, seconds: float, max_seconds: float) -> tuple[str, ...]:
    notes = []
    if channels > 1:
        notes.append(f"mixed {channels} channels down to mono")
    if rate != STT_RATE:
        notes.append(f"resampled {rate} Hz to {STT_RATE} Hz")
    if seconds > max_seconds:
        notes.append(f"audio is {seconds:.0f} s long; only the first {max_seconds:.0f} s were used")
    return tuple(notes)


def write_wav(path: Path, chunks: Iterable[AudioChunk]) -> float:
    """Write chunks (all of one format) to a WAV file; returns the seconds written."""
    seconds = 0.0
    with wave.open(str(path), "wb") as wav:
        for index, chunk in enumerate(chunks):
            if index == 0:
                wav.setframerate(chunk.rate)
                wav.setsampwidth(chunk.width)
                wav.setnchannels(chunk.channels)
            wav.writeframes(chunk.audio)
            seconds += chunk_seconds(chunk)
    return seconds


def float_to_chunk(samples: np.ndarray, rate: int) -> AudioChunk:
    """Encode mono float samples as one 16-bit chunk."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    return AudioChunk(rate=rate, width=2, channels=1, audio=pcm)


def to_speech(chunks: Iterable[AudioChunk], notes: tuple[str, ...] = ()) -> SpeechInput:
    """Chunks of one format (a microphone's native rate and channels) as STT input: resampled here, at the edge."""
    chunks = list(chunks)
    if not chunks:
        return SpeechInput(samples=np.zeros(0, np.float32), source_rate=STT_RATE, notes=notes)
    first = chunks[0]
    samples = pcm_to_float(b"".join(c.audio for c in chunks), first.width, first.channels)
    return SpeechInput(samples=resample(samples, first.rate, STT_RATE), source_rate=first.rate, notes=notes)


def chunk_seconds(chunk: AudioChunk) -> float:
    return len(chunk.audio) / (chunk.rate * chunk.width * chunk.channels)


def at_volume(chunks: Iterable[AudioChunk], volume: float) -> Iterable[AudioChunk]:
    """The same 16-bit audio, `volume` times as loud (quiet hours speak softly)."""
    for chunk in chunks:
        samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float32) * volume
        yield chunk.model_copy(update={"audio": samples.astype("<i2").tobytes()})
