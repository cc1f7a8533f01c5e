"""The utterance as the loop hears it: Silero VAD over 30 ms chunks of our own TTS, silence
trimmed, and a transcript drafted at a pause by the real Whisper model."""
from __future__ import annotations

import numpy as np

from device.audio import STT_RATE, AudioChunk, read_wav
from device.drafts import Utterance
from device.pipeline import Pipeline
from device.vad import SpeechDetector


def _chunks(samples: np.ndarray) -> list[AudioChunk]:
    """16 kHz float samples as the 30 ms 16-bit chunks a microphone gives."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    size = STT_RATE * 30 // 1000
    return [AudioChunk(rate=STT_RATE, width=2, channels=1, audio=pcm[i:i + size].tobytes())
            for i in range(0, len(pcm), size)]


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(STT_RATE * seconds), np.float32)


def test_silence_around_the_words_is_trimmed_and_nothing_drafted_without_an_stt(spoken) -> None:
    words = read_wav(spoken("turn on the kitchen light"), 30).samples
    utterance = Utterance(SpeechDetector(), transcribe=None)
    for chunk in _chunks(np.concatenate([_silence(1.5), words, _silence(2.0)])):
        utterance.add(chunk)
    assert utterance.seconds > 3.5 + len(words) / STT_RATE - 0.1
    speech, draft = utterance.finish()
    assert draft is None
    assert len(words) / STT_RATE - 0.2 < speech.seconds < len(words) / STT_RATE + 0.6
    utterance.close()


def test_a_draft_at_the_pause_is_the_transcript_only_if_no_speech_follows(pipeline: Pipeline, spoken) -> None:
    words = read_wav(spoken("what time is it"), 30).samples
    utterance = Utterance(SpeechDetector(), pipeline.transcriber.transcribe)
    for chunk in _chunks(np.concatenate([words, _silence(0.6)])):
        utterance.add(chunk)
    speech, draft = utterance.finish()
    assert draft is not None and draft.result().text.lower().startswith("what time is it")
    for chunk in _chunks(np.concatenate([words, _silence(0.6), words])):  # spoke again after the pause
        utterance.add(chunk)
    speech, draft = utterance.finish()
    assert draft is None and speech.seconds > 2 * len(words) / STT_RATE
    utterance.close()
