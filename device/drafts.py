"""Transcribing while the user still talks, so that little or nothing is left at the end of speech.

Whisper reads a whole utterance at once (its encoder looks both ways), so a transcript can't
grow word by word. What can be done early is transcribing up to a pause: each time the VAD
hears the speaker pause, the audio so far goes to the STT in a worker thread (a "draft"). When
the utterance ends, a draft taken after the last speech already holds every word and is the
transcript; otherwise only then is the utterance transcribed. Hands-free, the end-pointer waits
longer than a pause, so the transcript is ready or nearly ready when the utterance ends; with the
button, when it is let go a moment after the last word. Leading and trailing silence (as the VAD
hears it) is trimmed from what is transcribed.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from device.audio import STT_RATE, AudioChunk, SpeechInput, chunk_seconds, pcm_to_float, resample, to_speech
from device.messages import Transcript
from device.vad import SpeechDetector

PAUSE_MS = 240
"""Silence after speech that starts a draft: a breath between words is shorter."""
MARGIN_MS = 250
"""Audio kept before the first and after the last speech when trimming (soft consonants, breath)."""


class Utterance:
    """The utterance being heard, chunk by chunk: which chunks hold speech, and a draft at each pause."""

    def __init__(self, detector: SpeechDetector, transcribe: Callable[[SpeechInput], Transcript] | None,
                 threshold: float = 0.5) -> None:
        """`transcribe`: the STT drafts go to; None = no drafts, only the trimming."""
        self._detector, self._transcribe, self._threshold = detector, transcribe, threshold
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hark-draft")
        self.start([])

    def start(self, chunks: list[AudioChunk]) -> None:
        """A new utterance, beginning with these chunks (the pre-roll)."""
        self._detector.reset()
        self._chunks: list[AudioChunk] = []
        self.seconds = 0.0
        self._speech: list[int] = []  # indices of the chunks the VAD heard speech in
        self._draft: tuple[int, Future[Transcript]] | None = None  # (chunks it covers, its transcript)
        for chunk in chunks:
            self.add(chunk)

    def add(self, chunk: AudioChunk) -> None:
        samples = resample(pcm_to_float(chunk.audio, chunk.width, chunk.channels), chunk.rate, STT_RATE)
        if (self._detector.probabilities(samples) >= self._threshold).any():
            self._speech.append(len(self._chunks))
        self._chunks.append(chunk)
        self.seconds += chunk_seconds(chunk)
        if self._transcribe is not None and self._paused() and (self._draft is None or self._draft[1].done()):
            self._draft = len(self._chunks), self._worker.submit(self._transcribe, self._trimmed())

    def _covered(self) -> bool:
        """A draft was taken after the last speech: it holds every word."""
        return self._draft is not None and bool(self._speech) and self._draft[0] > self._speech[-1]

    def _paused(self) -> bool:
        """Speech, then at least a pause's worth of silence, not yet covered by a draft."""
        if not self._speech or self._covered():
            return False
        silent = self._chunks[self._speech[-1] + 1:]
        return sum(chunk_seconds(c) for c in silent) * 1000 >= PAUSE_MS

    def finish(self, notes: tuple[str, ...] = ()) -> tuple[SpeechInput, Future[Transcript] | None]:
        """The utterance as STT input, trimmed, and the draft that holds all its speech, if any."""
        speech, draft = self._trimmed(notes), self._draft[1] if self._covered() else None
        self.start([])
        return speech, draft

    def _trimmed(self, notes: tuple[str, ...] = ()) -> SpeechInput:
        """The chunks so far as 16 kHz audio, less the silence before the first and after the last
        speech (all of it when the VAD heard none: Whisper may still hear a soft word)."""
        chunks = self._chunks
        if self._speech:
            first, last = self._speech[0], self._speech[-1]
            chunks = chunks[max(0, first - self._margin(first, -1)): last + 1 + self._margin(last, +1)]
        return to_speech(chunks, notes)

    def _margin(self, index: int, step: int) -> int:
        """How many chunks from `index` (towards `step`) make up MARGIN_MS."""
        count, ms = 0, 0.0
        while ms < MARGIN_MS and 0 <= index + step * (count + 1) < len(self._chunks):
            count += 1
            ms += chunk_seconds(self._chunks[index + step * count]) * 1000
        return count

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
