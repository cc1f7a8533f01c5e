"""Audio edges: decoding, mixdown, resampling, bounds and the one-line errors for bad files."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from device.audio import STT_RATE, AudioChunk, loudness_dbfs, pcm_to_float, read_wav, resample, write_wav
from device.errors import HarkError


def _tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _write(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    pcm = np.repeat((samples * 32767).astype("<i2")[:, None], channels, axis=1).tobytes()
    write_wav(path, [AudioChunk(rate=rate, width=2, channels=channels, audio=pcm)])
    return path


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
def test_any_rate_is_resampled_to_16k_keeping_pitch(tmp_path: Path, rate: int) -> None:
    speech = read_wav(_write(tmp_path / "a.wav", _tone(rate, 1.0), rate), max_seconds=30)
    assert len(speech.samples) == STT_RATE
    peak_hz = np.argmax(np.abs(np.fft.rfft(speech.samples))) * STT_RATE / len(speech.samples)
    assert abs(peak_hz - 440) < 2
    assert (rate != STT_RATE) == any("resampled" in n for n in speech.notes)


def test_stereo_is_mixed_down(tmp_path: Path) -> None:
    speech = read_wav(_write(tmp_path / "s.wav", _tone(16000, 0.5), 16000, channels=2), max_seconds=30)
    assert speech.samples.ndim == 1 and len(speech.samples) == 8000
    assert "mixed 2 channels down to mono" in speech.notes


def test_long_audio_is_cut_with_a_note(tmp_path: Path) -> None:
    speech = read_wav(_write(tmp_path / "long.wav", _tone(16000, 12.0), 16000), max_seconds=5)
    assert speech.seconds == pytest.approx(5.0)
    assert any("only the first 5 s" in n for n in speech.notes)


def test_pcm_widths_decode_to_the_same_signal() -> None:
    signal = np.array([0.0, 0.5, -0.5, 0.25], dtype=np.float32)
    as16 = (signal * 32767).astype("<i2").tobytes()
    as32 = (signal * 2147483647).astype("<i4").tobytes()
    as24 = b"".join(int(v * 8388607).to_bytes(3, "little", signed=True) for v in signal)
    as8 = ((signal * 127) + 128).astype(np.uint8).tobytes()
    for pcm, width in ((as16, 2), (as32, 4), (as24, 3), (as8, 1)):
        assert np.allclose(pcm_to_float(pcm, width, 1), signal, atol=0.01)


def test_resample_round_trip_keeps_length() -> None:
    x = _tone(48000, 0.3)
    assert len(resample(resample(x, 48000, 16000), 16000, 48000)) == len(x)


def test_loudness_separates_silence_from_a_short_word() -> None:
    quiet = np.zeros(STT_RATE * 3, dtype=np.float32)
    word = quiet.copy()
    word[STT_RATE : STT_RATE + 3200] = _tone(STT_RATE, 0.2)
    assert loudness_dbfs(quiet) < -100
    assert loudness_dbfs(word) > -10


@pytest.mark.parametrize(
    "content, expected",
    [(b"this is plain text, not audio", "is not a 16/24/32-bit PCM WAV"), (b"", "is not a 16/24/32-bit PCM WAV")],
)
def test_non_wav_input_is_one_clear_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(HarkError, match=expected) as caught:
        read_wav(path, 30)
    assert "\n" not in str(caught.value) and "sox" in str(caught.value)


def test_zero_length_wav_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
    with pytest.raises(HarkError, match="holds no audio"):
        read_wav(path, 30)


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(HarkError, match="no such file"):
        read_wav(tmp_path / "nope.wav", 30)
