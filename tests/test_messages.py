"""Every message type round-trips through JSON unchanged (CONVENTIONS 1)."""
from __future__ import annotations

import inspect

import pydantic
import pytest

import device.messages as messages
from device.audio import AudioChunk

SAMPLES = {
    "Transcript": {"text": "turn on the light", "language": "en", "audio_seconds": 1.5},
    "ActionCall": {"name": "HassTurnOn", "args": {"name": "Kitchen Light"}},
    "Plan": {"calls": [{"name": "HassStartTimer", "args": {"minutes": 5}}], "source": "fast"},
    "ActionResult": {"name": "HassTurnOn", "args": {}, "status": "failed", "result": {"speech": "No."}},
    "Turn": {"transcript": "hi", "actions": [], "reply": "Hello.", "source": "llm",
             "timings_ms": {"plan": 3.5}, "notes": ["resampled"]},
    "PipelineEvent": {"type": "plan", "data": {"source": "fast"}},
}


def _message_classes():
    return [c for _, c in inspect.getmembers(messages, inspect.isclass)
            if issubclass(c, pydantic.BaseModel) and c.__module__ == messages.__name__]


def test_every_message_class_has_a_sample() -> None:
    assert sorted(c.__name__ for c in _message_classes()) == sorted(SAMPLES)


@pytest.mark.parametrize("cls", _message_classes(), ids=lambda c: c.__name__)
def test_round_trip(cls) -> None:
    original = cls.model_validate(SAMPLES[cls.__name__])
    assert cls.model_validate_json(original.model_dump_json()) == original


def test_audio_chunk_round_trips_its_format() -> None:
    chunk = AudioChunk(rate=22050, width=2, channels=1, timestamp_ms=40, audio=b"\x01\x02")
    assert AudioChunk.model_validate_json(chunk.model_dump_json()) == chunk
