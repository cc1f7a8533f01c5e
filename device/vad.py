"""Hands-free end-pointing: Silero VAD (the ONNX model faster-whisper ships) over a live stream.

faster-whisper runs Silero over a whole file; a device needs it window by window as the audio
arrives, keeping the model's recurrent state between calls. That is all `SpeechDetector` adds.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from device.audio import STT_RATE, AudioChunk, pcm_to_float, resample

WINDOW = 512
"""Samples per Silero window at 16 kHz (32 ms)."""
CONTEXT = 64
"""Samples of the previous window Silero sees before each window."""
WINDOW_MS = 1000 * WINDOW // STT_RATE

Boundary = Literal["start", "end"]


class SpeechDetector:
    """Speech probability of each 32 ms window of a 16 kHz stream, state carried across calls."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model  # loads onnxruntime: only when hands-free is used

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((1, 1, 128), np.float32), np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)
        self._pending = np.zeros(0, np.float32)

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        """One probability per whole window completed by these samples (carries the remainder)."""
        audio = np.concatenate([self._pending, samples.astype(np.float32)])
        count = len(audio) // WINDOW
        self._pending = audio[count * WINDOW:]
        if count == 0:
            return np.zeros(0, np.float32)
        windows = audio[: count * WINDOW].reshape(count, WINDOW)
        contexts = np.vstack([self._context, windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        h, c = self._state
        output, h, c = self._session.run(None, {"input": np.hstack([contexts, windows]), "h": h, "c": c})
        self._state = h, c
        return output.reshape(-1)


class Endpointer:
    """Says when an utterance starts (enough speech) and ends (enough silence after it)."""

    def __init__(self, detector: SpeechDetector, silence_ms: int = 700, threshold: float = 0.5,
                 min_speech_ms: int = 150) -> None:
        self._detector, self._threshold = detector, threshold
        self._silence_windows = max(1, silence_ms // WINDOW_MS)
        self._speech_windows = max(1, min_speech_ms // WINDOW_MS)
        self.reset()

    def reset(self) -> None:
        self._detector.reset()
        self._speech, self._silence, self.started = 0, 0, False

    def update(self, chunk: AudioChunk) -> Boundary | None:
        """Feed a chunk of any format; 'start' once speech began, 'end' once it stopped."""
        samples = resample(pcm_to_float(chunk.audio, chunk.width, chunk.channels), chunk.rate, STT_RATE)
        for probability in self._detector.probabilities(samples):
            boundary = self._step(probability >= self._threshold, probability < self._threshold - 0.15)
            if boundary is not None:
                return boundary
        return None

    def _step(self, speech: bool, silence: bool) -> Boundary | None:
        """Speech windows in a row start an utterance; silent windows in a row end it (the band
        between the two thresholds counts as neither, so a soft syllable doesn't end it)."""
        self._speech = self._speech + 1 if speech else 0
        self._silence = self._silence + 1 if silence else 0
        if not self.started and self._speech >= self._speech_windows:
            self.started = True
            return "start"
        if self.started and self._silence >= self._silence_windows:
            self.started = False
            return "end"
        return None
