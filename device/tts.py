"""Text to speech with piper (onnxruntime): one audio chunk per sentence, as piper streams it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from device.audio import AudioChunk


class Speaker:
    """Loads a piper voice once; `synthesize` yields one chunk per sentence."""

    def __init__(self, voice_dir: Path, seed: int | None = None) -> None:
        """`seed`: piper's sampled noise (onnxruntime draws it, seeded as the voice loads) follows
        it, so the same texts in the same order sound the same in every run."""
        from piper import PiperVoice  # heavy import, only when a voice is made

        if seed is not None:
            import onnxruntime

            onnxruntime.set_seed(seed)

        onnx = voice_dir if voice_dir.suffix == ".onnx" else voice_dir / "voice.onnx"
        self._voice = PiperVoice.load(onnx, config_path=f"{onnx}.json")

    @property
    def rate(self) -> int:
        return self._voice.config.sample_rate

    def synthesize(self, text: str, length_scale: float | None = None, steady: bool = False) -> Iterator[AudioChunk]:
        """`steady`: no sampled noise, so the same text always sounds the same. For speech we make
        as input (the demo's sample, test commands): a random rendering sometimes slurs "turn"."""
        from piper import SynthesisConfig

        noise = 0.0 if steady else None
        config = SynthesisConfig(length_scale=length_scale, noise_scale=noise, noise_w_scale=noise)
        elapsed_ms = 0
        for chunk in self._voice.synthesize(text, syn_config=config):
            audio = chunk.audio_int16_bytes
            yield AudioChunk(rate=chunk.sample_rate, width=chunk.sample_width,
                             channels=chunk.sample_channels, timestamp_ms=elapsed_ms, audio=audio)
            elapsed_ms += 1000 * len(audio) // (chunk.sample_rate * chunk.sample_width * chunk.sample_channels)
