"""The local language model (llama-cpp-python over a GGUF file), behind one synchronous method.

llama-cpp-python keeps the evaluated tokens of the last prompt and re-evaluates only what
differs, so a static prompt prefix costs its prompt processing once. `warm` pays that at
start-up, and keeps the prefix's KV state on disk so the next process restores it instead.
Whatever follows the warmed prefix is evaluated afresh for every prompt: llama.cpp's numbers
depend on how tokens are batched, so reusing the tail of the last request made the answer to a
request depend on the one before it (the same "remind me about my biology test at fsu on
friday" planned a CalendarAdd, then, asked again, ran to the token limit).
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import re
from pathlib import Path

import numpy as np

from device.errors import HarkError

# Tokens evaluated per step. Prompts here are a cached prefix plus a sentence, so a small batch
# costs no speed, and it keeps llama.cpp's compute buffers ~90 MB smaller than the default 512.
BATCH = 128


class LanguageModel:
    """A GGUF model loaded once; `complete` returns text constrained by a GBNF grammar."""

    def __init__(self, gguf: Path, threads: int, context: int = 4096, gpu_layers: int = 0) -> None:
        from llama_cpp import Llama  # heavy import, only when a model is made

        try:
            self._llama = Llama(str(gguf), n_ctx=context, n_threads=threads, n_threads_batch=threads,
                                n_gpu_layers=gpu_layers, n_batch=BATCH, n_ubatch=BATCH, verbose=False)
        except ValueError as exc:
            raise HarkError(f"could not load {gguf}: {exc}", "reinstall it with: hark models install") from None
        self._prefix: list[int] = []  # the warmed prefix's tokens: what a prompt may reuse

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode(), special=True))

    def warm(self, prefix: str, cache_dir: Path | None = None) -> str:
        """Evaluate a prompt prefix now, so later prompts sharing it start fast: restored from
        cache_dir when an earlier process saved it ("disk"), else computed and saved ("computed")."""
        tokens = self._llama.tokenize(prefix.encode(), special=True)
        cached = cache_dir / f"llm-prefix-{self._key(prefix)}.npz" if cache_dir else None
        if cached is not None and cached.exists() and self._restore(cached):
            source = "disk"
        else:
            self._feed(tokens, logits=False)
            if cached is not None:
                self._save(cached)
            source = "computed"
        self._prefix = tokens
        return source

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
                 state=np.frombuffer(buffer, dtype=np.uint8, count=written))
        partial.replace(path)

    def _restore(self, path: Path) -> bool:
        from llama_cpp import llama_cpp as api

        try:
            saved = np.load(path)
            ids, state = saved["ids"], saved["state"]
        except (OSError, ValueError, KeyError):
            return False  # a damaged cache is recomputed, never trusted
        buffer = np.ascontiguousarray(state).ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))  # no copy: it is 30+ MB
        if api.llama_state_set_data(self._llama._ctx.ctx, buffer, len(state)) != len(state):
            return False
        self._llama.input_ids[: len(ids)] = ids
        self._llama.n_tokens = len(ids)
        return True

    def complete(self, prompt: str, grammar_text: str, max_tokens: int, avoid: frozenset[int] = frozenset()) -> str:
        """The greedy completion that the grammar admits, never writing an `avoid` token. The
        model's own best token is checked against the grammar first and only a refused one makes
        the grammar filter the whole vocabulary (llama.cpp's own order, which llama-cpp-python
        doesn't follow): filtering 150k tokens at every step cost a third of the planning time."""
        from llama_cpp import llama_cpp as api

        tokens = self._prompt_tokens(prompt, max_tokens)
        self._feed(tokens)
        vocab = self._llama._model.vocab
        grammar = api.llama_sampler_init_grammar(vocab, grammar_text.encode(), b"root")
        written = _Written(self._llama, said=self._llama.detokenize(tokens[self._warmed(tokens):]).decode(errors="replace"))
        try:
            for _ in range(max_tokens):
                logits = self._logits()
                if avoid:  # on a copy: the view is the model's own, wanted again below
                    logits = logits.copy()
                    logits[list(avoid)] = -np.inf
                token = int(logits.argmax())
                if token in written.repeats() and not written.copies(token) and _admits(grammar, self._quote, 0.0):
                    token = self._quote  # a loop: the string is done
                elif not _admits(grammar, token, float(logits[token])):
                    token = self._best_admitted(grammar, logits)
                    if token is None:  # the grammar admits only tokens to avoid: one must be written
                        token = self._best_admitted(grammar, self._logits())
                if api.llama_vocab_is_eog(vocab, token):
                    break
                api.llama_sampler_accept(grammar, token)
                written.add(token)
                self._llama.eval([token])
        finally:
            api.llama_sampler_free(grammar)
        return written.text()

    def next_logprobs(self, prompt: str, then: str = "") -> np.ndarray:
        """Each vocabulary token's log-probability of coming next after the prompt and `then`
        (tokenized on its own: "[" after the prompt's last newline stays a token of its own)."""
        self._feed(self._prompt_tokens(prompt, 1) + self._llama.tokenize(then.encode(), add_bos=False, special=False))
        return _log_softmax(self._logits())

    def endings_logprobs(self, prompt: str, endings: list[str]) -> list[float]:
        """Each ending's log-probability of following the prompt, less a term they all share:
        scored from where their tokenizations part, so each is split as the model saw it written
        ('"Answer",' is three tokens after the quote's ' "', '"HassTurnOn",' six)."""
        whole = [self._prompt_tokens(prompt + ending, 1) for ending in endings]
        shared = next((i for i, ids in enumerate(zip(*whole)) if len(set(ids)) > 1), min(map(len, whole)))
        self._feed(whole[0][:shared])
        first, scores = _log_softmax(self._logits()), []
        for tokens in whole:
            total, logprobs = 0.0, first
            for at, token in enumerate(tokens[shared:]):
                total += float(logprobs[token])
                if at < len(tokens) - shared - 1:
                    self._llama.eval([token])
                    logprobs = _log_softmax(self._logits())
            self._llama.n_tokens = shared  # the next ending starts from the shared tokens again
            scores.append(total)
        return scores

    def token_id(self, piece: str) -> int | None:
        """The vocabulary's token for this piece of text, if it is one token."""
        ids = self._llama.tokenize(piece.encode(), add_bos=False, special=False)
        return ids[0] if len(ids) == 1 else None

    def first_token(self, text: str) -> int | None:
        """The token this text starts with, as the model writes it after a JSON string's quote."""
        ids = self._llama.tokenize(text.encode(), add_bos=False, special=False)
        return ids[0] if ids else None

    def _prompt_tokens(self, prompt: str, room: int) -> list[int]:
        """The prompt's tokens, when they leave `room` tokens of the context for the answer."""
        tokens = self._llama.tokenize(prompt.encode(), special=True)
        if len(tokens) + room > self._llama.n_ctx():
            raise HarkError(f"the prompt is too long for the model ({len(tokens)} tokens)",
                            "shorten the request, or offer fewer or shorter tools")
        return tokens

    def _logits(self) -> np.ndarray:
        """The model's scores for the token after those evaluated (a view, valid until the next eval)."""
        from llama_cpp import llama_cpp as api

        return np.ctypeslib.as_array(api.llama_get_logits_ith(self._llama._ctx.ctx, -1), shape=(self._llama.n_vocab(),))

    def _feed(self, tokens: list[int], logits: bool = True) -> None:
        """Evaluate the prompt, reusing the evaluated tokens it starts with, up to the end of the
        warmed prefix; for `logits`, the last token is evaluated again. A prefix warmed again is
        not: evaluated alone, its last token's state would differ from the batch's it came in."""
        kept = 0
        for old, new in zip(self._llama.input_ids[: self._llama.n_tokens], tokens[:-1] if logits else tokens):
            if old != new:
                break
            kept += 1
        if warmed := self._warmed(tokens):
            kept = min(kept, warmed)
        self._llama.n_tokens = kept  # eval() drops the KV cache past this point
        self._llama.eval(tokens[kept:])

    def _warmed(self, tokens: list[int]) -> int:
        """How many of the prompt's first tokens are the warmed prefix (0: it doesn't start with it)."""
        return len(self._prefix) if self._prefix and tokens[: len(self._prefix)] == self._prefix else 0

    @functools.cached_property
    def _candidates(self):
        """One vocabulary-sized candidate array, refilled at each refused step (not reallocated)."""
        from llama_cpp._internals import LlamaTokenDataArray

        return LlamaTokenDataArray(n_vocab=self._llama.n_vocab())

    @functools.cached_property
    def _quote(self) -> int:
        return self._llama.tokenize(b'"', add_bos=False, special=False)[0]

    def _best_admitted(self, grammar, logits: np.ndarray) -> int | None:
        """The likeliest token the grammar admits; None where every one it admits is kept out
        (its score -inf: taking the first token then wrote "!" where the grammar allowed none)."""
        from llama_cpp import llama_cpp as api

        candidates = self._candidates
        candidates.copy_logits(logits)
        api.llama_sampler_apply(grammar, ctypes.byref(candidates.candidates))
        best = int(candidates.candidates_data.logit.argmax())
        return None if candidates.candidates_data.logit[best] == -np.inf else int(candidates.candidates_data.id[best])


class _Written:
    """The tokens written so far, and which of them are inside the JSON string being written.

    Greedy decoding of a small model falls into loops inside a string ("2 pm tomorrow at two pm
    tomorrow at two pm ...", "channel 12345678901234567890...") until the token budget cuts the
    JSON off. A token that would repeat a run already in the same string ends the string instead:
    a run of REPEAT tokens with a word in it, or of PLAIN_REPEAT tokens of any kind (digits and
    punctuation repeat short runs in any date or phone number: "2023-03-03", "555-555-5555").
    A run the request itself repeats is copied, not looped."""

    REPEAT = 3
    PLAIN_REPEAT = 8

    def __init__(self, llama, said: str = "") -> None:
        self._llama = llama
        self._said = said  # the request (the prompt after its warmed prefix): what may repeat itself
        self._tokens: list[int] = []
        self._wordy: list[bool] = []  # whether each token has a letter in it
        self._quotes = 0
        self._string_start: int | None = None

    def add(self, token: int) -> None:
        piece = self._llama.detokenize([token]).decode(errors="replace")
        self._tokens.append(token)
        self._wordy.append(any(c.isalpha() for c in piece))
        quotes = len(re.findall(r'(?<!\\)"', piece))
        if quotes:
            self._quotes += quotes
            self._string_start = len(self._tokens) if self._quotes % 2 else None

    def repeats(self) -> set[int]:
        """Tokens that would repeat a looping run earlier in the current string."""
        if self._string_start is None:
            return set()
        string, wordy = self._tokens[self._string_start:], self._wordy[self._string_start:]
        wordy_loops = {string[i + self.REPEAT - 1] for i in _run_starts(string, self.REPEAT)
                       if any(wordy[i:i + self.REPEAT])}
        return wordy_loops | {string[i + self.PLAIN_REPEAT - 1] for i in _run_starts(string, self.PLAIN_REPEAT)}

    def copies(self, token: int) -> bool:
        """Whether this token and the REPEAT written before it are words of the request, which
        may say a thing twice ("ShishirPatil/gorilla and gorilla-llm/gorilla-cli")."""
        return self._llama.detokenize(self._tokens[-self.REPEAT:] + [token]).decode(errors="replace") in self._said

    def text(self) -> str:
        return self._llama.detokenize(self._tokens).decode(errors="replace")


def _run_starts(tokens: list[int], run: int) -> list[int]:
    """Where earlier runs of `run` tokens start whose first run-1 tokens are the last run-1 written."""
    lead = tokens[-(run - 1):]
    return [i for i in range(len(tokens) - run + 1) if tokens[i:i + run - 1] == lead] if len(tokens) >= run else []


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    top = logits.max()
    return logits - (top + np.log(np.exp(logits - top).sum()))


def _admits(grammar, token: int, logit: float) -> bool:
    """Whether the grammar, in its present state, allows this one token next."""
    from llama_cpp import llama_cpp as api

    data = (api.llama_token_data * 1)(api.llama_token_data(token, logit, 0.0))
    one = api.llama_token_data_array(data=data, size=1, selected=-1, sorted=False)
    api.llama_sampler_apply(grammar, ctypes.byref(one))
    return data[0].logit != -np.inf
