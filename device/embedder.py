"""Sentence meaning as a vector: all-MiniLM-L6-v2, run by llama.cpp like the planner's LLM.

The router's word features only know the words its templates use; "i want to hear some jazz"
shares few of them with "play {query}". A small sentence encoder places paraphrases near each
other, so the router can learn which skill a meaning belongs to (README, "How it plans"). The
catalog carries the encoder's Hugging Face weights; they are written once into the GGUF that
llama.cpp reads, beside them in the model folder.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

GGUF_NAME = "model.gguf"
# WordPiece vocabulary entries that are no words: llama.cpp's BERT tokenizer marks them control.
_SPECIAL = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}


class Embedder:
    """Unit-length meaning vectors for sentences (cosine similarity is their dot product)."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        from llama_cpp import Llama

        gguf = folder / GGUF_NAME
        if not gguf.exists():
            write_gguf(folder, gguf)
        self._model = Llama(str(gguf), embedding=True, n_ctx=512, n_batch=512, n_ubatch=512,
                            n_threads=threads, verbose=False)
        self._lock = threading.Lock()  # one llama.cpp context serves one call at a time

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text; an over-long text is cut at the encoder's 512 tokens."""
        with self._lock:
            return np.array(self._model.embed([t or " " for t in texts], normalize=True, truncate=True),
                            dtype=np.float32).reshape(len(texts), -1)


def write_gguf(folder: Path, target: Path) -> None:
    """The BERT weights (safetensors), vocabulary and configuration, as llama.cpp's GGUF."""
    import gguf
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text())
    writer = gguf.GGUFWriter(str(target.with_suffix(".partial")), "bert")
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_layer_norm_eps(config["layer_norm_eps"])
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.MEAN)  # sentence-transformers' pooling for this model
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    _add_vocabulary(writer, (folder / "vocab.txt").read_text(encoding="utf-8").splitlines(), config)
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, config["num_hidden_layers"])
    for name, data in load_file(folder / "model.safetensors").items():
        if name.startswith("pooler.") or name.endswith("position_ids"):
            continue  # sentence embeddings pool the last layer; llama.cpp computes positions
        # Matrices in half precision (llama.cpp's own converter does the same); the tiny token
        # type table, norms and biases stay float32.
        half = data.ndim == 2 and "token_type" not in name
        writer.add_tensor(names.get_name(name, try_suffixes=(".weight", ".bias")),
                          data.astype(np.float16 if half else np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    target.with_suffix(".partial").replace(target)


def _add_vocabulary(writer, vocabulary: list[str], config: dict) -> None:
    """WordPiece in llama.cpp's spelling: a word start carries "▁", a continuation loses "##"."""
    import gguf

    def spelled(token: str) -> str:
        if token.startswith("[") and token.endswith("]"):
            return token
        return token[2:] if token.startswith("##") else "\u2581" + token

    index = {token: i for i, token in enumerate(vocabulary)}
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("default")
    writer.add_token_list([spelled(t) for t in vocabulary])
    writer.add_token_types([gguf.TokenType.CONTROL if t in _SPECIAL else gguf.TokenType.NORMAL for t in vocabulary])
    writer.add_token_type_count(config["type_vocab_size"])
    writer.add_bos_token_id(index["[CLS]"])
    writer.add_eos_token_id(index["[SEP]"])
    writer.add_sep_token_id(index["[SEP]"])
    writer.add_unk_token_id(index["[UNK]"])
    writer.add_pad_token_id(index["[PAD]"])
    writer.add_mask_token_id(index["[MASK]"])
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
