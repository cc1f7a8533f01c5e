"""Speech to text with faster-whisper (CTranslate2, int8 on CPU).

Whisper reads audio in 30 s windows and faster-whisper always pads a command to one, but
CTranslate2's encoder takes shorter windows and its cost grows with their length (tiny.en, two
cores: 414 ms for 30 s, about 150 ms for 15 s). So an utterance that fits is encoded in a window
just long enough for it (whisper.cpp's `audio_ctx` does the same), and decoded with faster-whisper's
prompt, tokenizer and suppressed tokens. Shorter than 15 s, tiny.en starts saying a command again
and again instead of ending (measured); a decode that still looks like that is redone on the full
window, so the shortcut can cost time but never a transcript.

No prompt (faster-whisper's `hotwords`) is given: the home's device names as one made the
first word a list item ("which lights..." → "Switch lights...", "are any..." → "Our any...").
On 200 spoken HA intent tests, first-word errors fell from 30 to 13 and WER from 8.5% to 7.6%
without it; the planner's fuzzy name matching spells the names.

The decode is a beam search that keeps its best few readings: the planner tries the others when
the best one matches no template ("Play the serial POC S." beside "Play the Serial podcast."),
as Rhasspy and Home Assistant's speech-to-phrase keep hearing to the phrases they know. On all
1089 spoken HA intent tests (tiny.en, two cores) the exact sentence was the greedy reading in 765,
the best of five in 783 and one of the five in 970; it costs ~80 ms a command (p50 158 -> 238 ms).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from device.audio import STT_RATE, SpeechInput
from device.messages import Transcript

# Whisper mishears a first word that starts at sample zero (a late push-to-talk press, or our
# own TTS in tests: 1 in 12 "turn on ..." became "caron on ..."); a short lead-in of silence fixes it.
LEAD_IN = np.zeros(int(0.3 * STT_RATE), dtype=np.float32)
FULL_WINDOW = 3000
"""Mel frames (10 ms each) in Whisper's own 30 s window."""
SHORTEST_WINDOW = 1500
TAIL_FRAMES = 100
"""Silence after the audio in a short window, so the model hears the utterance end."""
READINGS = 5
"""Beam width, and how many of its readings the transcript keeps."""
UNSURE_LOGPROB = -1.0
"""faster-whisper's threshold: a decode less sure than this is tried again (ours: on the full window)."""


class Transcriber:
    """Loads a Whisper model once; `transcribe` turns 16 kHz mono audio into a Transcript."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        from faster_whisper import WhisperModel  # heavy import, only when a transcriber is made
        from faster_whisper.tokenizer import Tokenizer

        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads)
        self._english_only = "en" in Path(model_dir).name or not self._model.model.is_multilingual
        self._english = Tokenizer(self._model.hf_tokenizer, self._model.model.is_multilingual,
                                  task="transcribe", language="en")

    def transcribe(self, speech: SpeechInput) -> Transcript:
        audio = np.concatenate([LEAD_IN, speech.samples])
        features = self._model.feature_extractor(audio)[:, :-1]  # the last frame is padding (as faster-whisper)
        if features.shape[1] + TAIL_FRAMES <= FULL_WINDOW:
            heard = self._short_window(features)
            if heard is not None:
                readings, language = heard
                return Transcript(text=readings[0], alternatives=readings[1:], language=language,
                                  audio_seconds=speech.seconds)
        return self._full_windows(audio, speech.seconds)

    def _short_window(self, features: np.ndarray) -> tuple[list[str], str] | None:
        """The readings (best first, each once) and language from one window fitted to the audio;
        None when the best decode repeats itself or is unsure (noise, silence): the full window,
        with faster-whisper's fallbacks and no-speech check, then decides."""
        from faster_whisper.transcribe import get_suppressed_tokens

        frames = max(SHORTEST_WINDOW, features.shape[1] + TAIL_FRAMES)
        encoded = self._model.encode(np.pad(features, ((0, 0), (0, frames - features.shape[1]))))
        tokenizer = self._tokenizer_for(encoded)
        prompt = self._model.get_prompt(tokenizer, [], without_timestamps=True)
        budget = 16 + int(6 * features.shape[1] / 100)  # tokens: far more than anyone says a second
        result = self._model.model.generate(
            encoded, [prompt], beam_size=READINGS, num_hypotheses=READINGS, max_length=len(prompt) + budget,
            return_scores=True, suppress_blank=True, suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = tokenizer.decode(tokens).strip()
        average_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)  # as faster-whisper counts it
        if len(tokens) >= budget or average_logprob < UNSURE_LOGPROB or _repeats(text):
            return None
        readings = {_words(text): text}  # the best first, each once: "Turn it off." and "turn it off" are one
        for ids in result.sequences_ids[1:]:
            if reading := tokenizer.decode([t for t in ids if t < tokenizer.eot]).strip():
                readings.setdefault(_words(reading), reading)
        return list(readings.values()), tokenizer.language_code

    def _tokenizer_for(self, encoded):
        """English for an English model; a multilingual one says which language it hears."""
        if self._english_only:
            return self._english
        from faster_whisper.tokenizer import Tokenizer

        language = self._model.model.detect_language(encoded)[0][0][0][2:-2]  # "<|de|>" → "de"
        return Tokenizer(self._model.hf_tokenizer, True, task="transcribe", language=language)

    def _full_windows(self, audio: np.ndarray, seconds: float) -> Transcript:
        segments, info = self._model.transcribe(
            audio,
            language="en" if self._english_only else None,
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
        )
        text = " ".join(s.text.strip() for s in segments).strip()  # consumes the lazy generator here
        return Transcript(text=text, language=info.language, audio_seconds=seconds)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _repeats(text: str) -> bool:
    """A phrase said twice or more, or text that compresses like a loop (faster-whisper's own 2.4)."""
    from faster_whisper.transcribe import get_compression_ratio

    words = "".join(c for c in text.lower() if c.isalnum() or c.isspace()).split()
    half = len(words) // 2
    return (half > 1 and words[:half] == words[half:2 * half]) or get_compression_ratio(text) > 2.4
