"""The local language model (llama-cpp-python over a GGUF file), behind one synchronous method.

llama-cpp-python keeps the evaluated tokens of the last prompt and re-evaluates only what
differs, so a static prompt prefix costs its prompt processing once. `warm` pays that at
start-up, and keeps the prefix's KV state on disk so the next process restores it instead.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
from pathlib import Path

import numpy as np

from device.errors import HarkError


class LanguageModel:
    """A GGUF model loaded once; `complete` returns text constrained by a GBNF grammar."""

    def __init__(self, gguf: Path, threads: int, context: int = 4096, gpu_layers: int = 0) -> None:
        from llama_cpp import Llama  # heavy import, only when a model is made

        try:
            self._llama = Llama(str(gguf), n_ctx=context, n_threads=threads, n_threads_batch=threads,
                                n_gpu_layers=gpu_layers, n_batch=512, verbose=False)
        except ValueError as exc:
            raise HarkError(f"could not load {gguf}: {exc}", "reinstall it with: hark models install") from None

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode(), special=True))

    def warm(self, prefix: str, cache_dir: Path | None = None) -> str:
        """Evaluate a prompt prefix now, so later prompts sharing it start fast: restored from
        cache_dir when an earlier process saved it ("disk"), else computed and saved ("computed")."""
        cached = cache_dir / f"llm-prefix-{self._key(prefix)}.npz" if cache_dir else None
        if cached is not None and cached.exists() and self._restore(cached):
            return "disk"
        self._llama.create_completion(prefix, max_tokens=1, temperature=0.0)
        if cached is not None:
            self._save(cached)
        return "computed"

    def _key(self, prefix: str) -> str:
        """Changes with the model file, the context size and every byte of the prefix."""
        model = Path(self._llama.model_path)
        identity = f"{model.resolve()}|{model.stat().st_size}|{self._llama.n_ctx()}|{prefix}"
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    def _save(self, path: Path) -> None:
        from llama_cpp import llama_cpp as api

        ctx = self._llama._ctx.ctx
        size = api.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = api.llama_state_get_data(ctx, buffer, size)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("llm-prefix-*.npz"):  # one prefix is live at a time
            old.unlink()
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, ids=np.asarray(self._llama.input_ids[: self._llama.n_tokens], dtype=np.int32),
                 state=np.frombuffer(bytes(buffer)[:written], dtype=np.uint8))
        partial.replace(path)

    def _restore(self, path: Path) -> bool:
        from llama_cpp import llama_cpp as api

        try:
            saved = np.load(path)
            ids, state = saved["ids"], saved["state"]
        except (OSError, ValueError, KeyError):
            return False  # a damaged cache is recomputed, never trusted
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state.tobytes())
        if api.llama_state_set_data(self._llama._ctx.ctx, buffer, len(state)) != len(state):
            return False
        self._llama.input_ids[: len(ids)] = ids
        self._llama.n_tokens = len(ids)
        return True

    def complete(self, prompt: str, grammar_text: str, max_tokens: int) -> str:
        out = self._llama.create_completion(prompt, grammar=self._grammar(grammar_text), max_tokens=max_tokens,
                                            temperature=0.0)
        return out["choices"][0]["text"]

    @functools.lru_cache(maxsize=64)  # compiling a catalog's grammar costs more than using it
    def _grammar(self, text: str):
        from llama_cpp import LlamaGrammar

        return LlamaGrammar.from_string(text, verbose=False)
