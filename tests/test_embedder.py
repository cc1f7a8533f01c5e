"""The sentence encoder the router reads meaning with: the catalog's weights, written as GGUF and
run by llama.cpp."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.embedder import GGUF_NAME, Embedder
from device.pipeline import Pipeline


@pytest.fixture(scope="module")
def embedder(pipeline: Pipeline) -> Embedder:
    return pipeline.embedder


def test_paraphrases_are_near_and_other_requests_far(embedder: Embedder) -> None:
    music, paraphrase, lights = embedder.embed(["put on some jazz", "i feel like hearing jazz music",
                                                "switch off the garage lamp"])
    assert music @ paraphrase > 0.6
    assert music @ lights < 0.3


def test_vectors_are_unit_length_for_any_input(embedder: Embedder) -> None:
    vectors = embedder.embed(["", "hello", "word " * 2000])  # the last is cut at 512 tokens
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_the_gguf_is_written_once_beside_the_catalog_weights(pipeline: Pipeline, tmp_path: Path) -> None:
    installed = pipeline.models.path(None, "embed")
    assert (installed / GGUF_NAME).read_bytes()[:4] == b"GGUF"
    for name in ("model.safetensors", "vocab.txt", "config.json"):
        (tmp_path / name).symlink_to(installed / name)
    fresh = Embedder(tmp_path, threads=1)
    assert (tmp_path / GGUF_NAME).exists() and not list(tmp_path.glob("*.partial"))
    text = ["set a timer for ten minutes"]
    assert np.allclose(fresh.embed(text), pipeline.embedder.embed(text), atol=1e-5)
