"""Speech to text with faster-whisper (CTranslate2, int8 on CPU)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio import STT_RATE, SpeechInput
from device.messages import Transcript

# Whisper mishears a first word that starts at sample zero (a late push-to-talk press, or our
# own TTS in tests: 1 in 12 "turn on ..." became "caron on ..."); a short lead-in of silence fixes it.
LEAD_IN = np.zeros(int(0.3 * STT_RATE), dtype=np.float32)


class Transcriber:
    """Loads a Whisper model once; `transcribe` turns 16 kHz mono audio into a Transcript."""

    def __init__(self, model_dir: Path, threads: int, hotwords: str | None = None) -> None:
        from faster_whisper import WhisperModel  # heavy import, only when a transcriber is made

        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads)
        self._english_only = "en" in Path(model_dir).name or not self._model.model.is_multilingual
        self._hotwords = hotwords

    def transcribe(self, speech: SpeechInput) -> Transcript:
        segments, info = self._model.transcribe(
            np.concatenate([LEAD_IN, speech.samples]),
            language="en" if self._english_only else None,
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
            hotwords=self._hotwords,
        )
        text = " ".join(s.text.strip() for s in segments).strip()  # consumes the lazy generator here
        return Transcript(text=text, language=info.language, audio_seconds=speech.seconds)
