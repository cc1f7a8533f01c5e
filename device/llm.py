"""The local language model (llama-cpp-python over a GGUF file), behind one synchronous method.

llama-cpp-python keeps the evaluated tokens of the last prompt and re-evaluates only what
differs, so a static prompt prefix costs its prompt processing once per process; `warm`
pays it at start-up instead of on the first command.
"""
from __future__ import annotations

from pathlib import Path

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

    def warm(self, prefix: str) -> None:
        """Evaluate a prompt prefix now so that later prompts sharing it start fast."""
        self._llama.create_completion(prefix, max_tokens=1, temperature=0.0)

    def complete(self, prompt: str, grammar_text: str, max_tokens: int) -> str:
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_string(grammar_text, verbose=False)
        out = self._llama.create_completion(prompt, grammar=grammar, max_tokens=max_tokens, temperature=0.0)
        return out["choices"][0]["text"]
