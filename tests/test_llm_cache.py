"""The LLM: its prompt prefix is evaluated once and restored from disk by the next process; its
output keeps to the grammar."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from device.errors import HarkError
from device.llm import LanguageModel
from device.modelstore import ModelStore
from tests.conftest import MODELS

pytestmark = pytest.mark.e2e
PREFIX = "<|im_start|>system\nYou answer with one JSON list of colour names.<|im_end|>\n" * 8
GRAMMAR = 'root ::= "[" colour ("," colour)* "]"\ncolour ::= "\\"red\\"" | "\\"green\\"" | "\\"blue\\""'
PROMPT = PREFIX + "<|im_start|>user\nname two colours<|im_end|>\n<|im_start|>assistant\n"


def _model() -> LanguageModel:
    return LanguageModel(ModelStore(MODELS).path(None, "llm"), threads=2, context=1024)


def test_prefix_is_saved_then_restored_with_the_same_result(tmp_path: Path) -> None:
    first = _model()
    assert first.warm(PREFIX, tmp_path) == "computed"
    expected = first.complete(PROMPT, GRAMMAR, 12)
    second = _model()  # as a new process would
    assert second.warm(PREFIX, tmp_path) == "disk"
    assert second.complete(PROMPT, GRAMMAR, 12) == expected
    assert len(list(tmp_path.glob("llm-prefix-*.npz"))) == 1


def test_a_changed_prefix_or_a_damaged_cache_is_recomputed(tmp_path: Path) -> None:
    model = _model()
    model.warm(PREFIX, tmp_path)
    assert model.warm(PREFIX + "more\n", tmp_path) == "computed"  # new catalog, new key
    (cached,) = tmp_path.glob("llm-prefix-*.npz")
    cached.write_bytes(b"not a cache")
    assert _model().warm(PREFIX + "more\n", tmp_path) == "computed"


def test_a_prompt_is_read_the_same_whatever_was_asked_before() -> None:
    """What follows the warmed prefix is evaluated afresh: reusing the last request's tokens
    changed the model's scores by up to 0.36 (llama.cpp's numbers depend on the batching), and
    the same request planned one call, then, asked again, ran to the token limit."""
    model = _model()
    model.warm(PREFIX)
    first = model.next_logprobs(PROMPT).copy()
    model.complete(PROMPT.replace("two", "three"), GRAMMAR, 12)  # shares all but the end of the user's words
    after_another = model.next_logprobs(PROMPT).copy()
    assert np.array_equal(first, after_another)
    assert np.array_equal(first, model.next_logprobs(PROMPT))  # asked again at once
    model.warm(PREFIX)  # as the tool planner does before each request
    assert np.array_equal(first, model.next_logprobs(PROMPT))


def test_output_keeps_to_the_grammar_even_against_the_models_wish() -> None:
    """The model would rather write prose; every step the grammar refuses its best token, and
    the result is still the grammar's language."""
    model = _model()
    prose = "<|im_start|>user\nwrite a poem about the sea<|im_end|>\n<|im_start|>assistant\n"
    written = json.loads(model.complete(prose, GRAMMAR, 24))
    assert written and set(written) <= {"red", "green", "blue"}


def test_a_prompt_longer_than_the_context_is_one_clear_error() -> None:
    with pytest.raises(HarkError, match="too long"):
        _model().complete(PREFIX * 20, GRAMMAR, 12)


def test_a_loop_inside_a_string_ends_the_string() -> None:
    """Greedy decoding of a small model repeats itself inside a string until the token budget
    cuts the JSON off; a repeat of three tokens closes the string instead."""
    grammar = 'root ::= "{\\"words\\": \\"" [^"]* "\\"}"'
    prompt = "<|im_start|>user\nWrite 'ha' thirty times.<|im_end|>\n<|im_start|>assistant\n"
    words = json.loads(_model().complete(prompt, grammar, 60))["words"]
    assert 0 < len(words) < 40


def test_repeated_digits_of_a_date_or_a_phone_number_are_not_a_loop_but_a_runaway_number_is() -> None:
    from device.llm import _Written

    llama = _model()._llama
    for text, then, loops in (('{"date": "2023-03-0', "3", False), ('{"phone": "555-555-555', "5", False),
                              ('{"when": "2 pm tomorrow at two pm tomorrow at', " two", True),
                              ('{"query": "radio channel 12345678901234567', "8", True)):
        written = _Written(llama)
        for token in llama.tokenize(text.encode(), add_bos=False, special=False):
            written.add(token)
        (following,) = llama.tokenize(then.encode(), add_bos=False, special=False)
        assert (following in written.repeats()) is loops, text


def test_a_run_the_request_repeats_is_copied_not_taken_for_a_loop() -> None:
    from device.llm import _Written

    llama = _model()._llama
    text = '{"repos": "ShishirPatil/gorilla,gorilla-llm/gor'
    (following,) = llama.tokenize(b"illa", add_bos=False, special=False)
    for said, copied in (("star ShishirPatil/gorilla and gorilla-llm/gorilla-cli", True), ("star my repos", False)):
        written = _Written(llama, said=said)
        for token in llama.tokenize(text.encode(), add_bos=False, special=False):
            written.add(token)
        assert following in written.repeats()
        assert written.copies(following) is copied


def test_avoided_tokens_are_not_written_unless_the_grammar_admits_nothing_else() -> None:
    """An avoided token is one the model would rather write; where the grammar admits no other,
    it is written all the same (llama.cpp aborted the process on the token the filter left)."""
    model = _model()
    assert "red" in json.loads(model.complete(PROMPT, GRAMMAR, 12))
    written = json.loads(model.complete(PROMPT, GRAMMAR, 12, avoid=frozenset({model.first_token("red")})))
    assert written and "red" not in written
    for only in "!#":  # "!" is the vocabulary's first token, which an empty choice fell back to
        assert model.complete(PROMPT, f'root ::= "{only}"', 4, avoid=frozenset({model.first_token(only)})) == only


def test_endings_are_scored_from_where_their_tokens_part_as_the_next_tokens_are() -> None:
    """'["red' and '["green' share '["': each is scored from there, as next_logprobs scores a
    token; a longer ending adds its further tokens' scores; the prompt is read the same afterwards."""
    model = _model()
    model.warm(PREFIX)
    before = model.next_logprobs(PROMPT).copy()
    red, green, red_green = model.endings_logprobs(PROMPT, ['["red', '["green', '["red","green'])
    after_open = model.next_logprobs(PROMPT, then='["')
    assert (red, green) == pytest.approx((after_open[model.token_id("red")], after_open[model.token_id("green")]), abs=1e-3)
    assert red_green < red
    assert np.array_equal(before, model.next_logprobs(PROMPT))
