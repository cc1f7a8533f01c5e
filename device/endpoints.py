"""Sound hardware as endpoints (CONVENTIONS 9): a microphone that records, a speaker that plays.

A WAV file is the other kind of endpoint (device.audio); the pipeline takes audio from either.
"""
from __future__ import annotations

from collections.abc import Iterable

from device.audio import STT_RATE, AudioChunk, SpeechInput, pcm_to_float, resample
from device.errors import HarkError

_NO_DEVICE_FIX = "plug in a sound card or pick one with --audio-device (see python -m sounddevice)"


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


def record(seconds: float, device: int | str | None = None) -> SpeechInput:
    """Record from a microphone at its native rate; mix down and resample to 16 kHz here, at the edge."""
    sd = _sounddevice()
    info = _device_info(sd, device, "input")
    rate, channels = int(info["default_samplerate"]), min(2, int(info["max_input_channels"]))
    try:
        frames = sd.rec(int(seconds * rate), samplerate=rate, channels=channels, dtype="int16", device=device)
        sd.wait()
    except sd.PortAudioError as exc:
        raise HarkError(f"recording failed: {exc}", _NO_DEVICE_FIX) from None
    samples = pcm_to_float(frames.tobytes(), 2, channels)
    notes = (f"recorded {seconds:.0f} s at {rate} Hz",)
    return SpeechInput(samples=resample(samples, rate, STT_RATE), source_rate=rate, notes=notes)


def play(chunks: Iterable[AudioChunk], device: int | str | None = None) -> None:
    """Play chunks on a speaker as they arrive, so the first sentence sounds before the last is made."""
    sd = _sounddevice()
    _device_info(sd, device, "output")
    stream = None
    try:
        for chunk in chunks:
            if stream is None:
                stream = sd.RawOutputStream(samplerate=chunk.rate, channels=chunk.channels,
                                            dtype="int16", device=device)
                stream.start()
            stream.write(chunk.audio)
    except sd.PortAudioError as exc:
        raise HarkError(f"playback failed: {exc}", _NO_DEVICE_FIX) from None
    finally:
        if stream is not None:
            stream.stop()
            stream.close()

