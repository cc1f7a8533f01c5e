"""The learned router: which skill a sentence asks for, when no template matches it exactly.

Templates are exact but brittle on natural speech; a small LLM is a poor judge of which skill (if
any) is meant. A linear classifier over word and character n-grams, trained on sentences drawn at
random from every skill's templates (its own examples, and Home Assistant's sentences for skills
that carry an HA intent name), generalises far better at no cost (README, "How it plans"). Beside
it, a second linear classifier reads each sentence's meaning vector (device.embedder), so that a
paraphrase no template has ("i want to hear some jazz") still lands near its skill. Both are
trained for this home and skill set on first use (under a minute) and kept in the data folder.
"""
from __future__ import annotations

import hashlib
import pickle
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
from hassil import Intents
from hassil.expression import Alternative, Expression, Group, ListReference, Permutation, RuleReference, TextChunk
from hassil.intents import RangeSlotList, SlotList, TextSlotList
from pydantic import BaseModel

from device.embedder import Embedder
from device.planner.fast import LEAD_INS, fits, slot_lists
from device.planner.moments import TIME_SLOTS
from skills.home import Home

# Sentences drawn per template, and at most per skill: more sentences, a steadier router (on the
# SLURP dev set 12/1000 gave 79% right skills and 4000 gave 81%, 8000 no more; fitting takes ~8 s).
SENTENCES_PER_TEMPLATE = 48
MAX_PER_SKILL = 4000
# Free-text slots are filled from one shared pool, so no skill's label hangs on its filler words;
# things to do as well as things, so that a reminder's "to pay the rent" reads as free text, not as
# a command of its own (SLURP dev: 7 more of 1041 commands right, 4 more of 718 requests to
# decline acted on; the router alone, trained with seeds 0 and 1: right skills +7 and +5).
FILLERS = ["jazz", "the news", "milk", "my mother", "paris", "a dentist appointment", "bananas",
           "the beatles", "tomorrow", "dinner with sam", "pizza", "the garden", "work", "chess",
           "a red car", "taylor swift", "the meeting", "coffee", "london", "a movie", "eggs and bread",
           "the kids", "football", "my keys", "some rock music", "a podcast", "the train", "john",
           "lunch", "the doctor", "gym", "birthday party", "pasta", "new york", "the weekend",
           "call the dentist", "pick up the kids", "water the plants", "pay the phone bill", "feed the dog",
           "book a table", "send the report", "clean the kitchen", "buy a present", "walk the dog",
           "finish my homework", "bring the charger"]
# A slot that holds a time (TIME_SLOTS) is filled with the ways people say one, so that "at five
# pm on friday" reads like any skill's time, not like a word no template has.
TIME_FILLERS = ["tomorrow", "today", "tonight", "at five pm", "on friday", "tomorrow at nine am", "next tuesday",
                "at noon", "every monday", "this weekend", "in two hours", "at 7:30", "on march third",
                "on the twenty first of june", "at six thirty in the morning", "next week", "on saturday at ten",
                "this evening", "at eight", "in the afternoon", "every day at seven am", "on the fifth",
                "at midnight", "on wednesday morning", "a week from today", "for 9 am", "monday at 2"]
# Share of training sentences that start with a wake word or courtesy (LEAD_INS): seen with every
# skill, they stop counting.
LEAD_IN_SHARE = 0.2
# The meaning classifier learns from this many of each skill's sentences: embedding them is the
# slow part of training (~200 a second on two cores), and on the SLURP dev set 100 to 200 score alike.
MEANING_PER_SKILL = 100
# The meaning classifier's weight beside the word classifier's (SLURP dev, router alone: right
# skills 85.6% with words only, 86.7-87.6% with meaning weighted 0.3-0.7).
MEANING_WEIGHT = 0.5
_NUMBER_WORDS = ["one", "two", "three", "five", "ten", "fifteen", "twenty", "thirty", "half an"]


class Route(BaseModel):
    """The skills a sentence may ask for, best first, with the classifier's scores."""

    skills: list[str]
    scores: list[float]

    @property
    def best(self) -> str:
        return self.skills[0]

    @property
    def margin(self) -> float:
        return self.scores[0] - self.scores[1] if len(self.scores) > 1 else self.scores[0]


class _Draw(NamedTuple):
    """What a sentence is drawn from: the slot lists, the expansion rules, free-text fillers, dice."""

    lists: dict[str, SlotList]
    rules: dict
    fillers: list[str]
    rng: random.Random


def _choose(expression: Expression, draw: _Draw) -> str:
    """One sentence an expression can produce, each alternative and list value chosen at random."""
    if isinstance(expression, TextChunk):
        return expression.original_text
    if isinstance(expression, Alternative):
        return _choose(draw.rng.choice(expression.items), draw)
    if isinstance(expression, Permutation):
        items = list(expression.items)
        draw.rng.shuffle(items)
        return " ".join(_choose(item, draw) for item in items)
    if isinstance(expression, Group):
        return "".join(_choose(item, draw) for item in expression.items)
    if isinstance(expression, RuleReference):
        return _choose(draw.rules[expression.rule_name].expression, draw)
    if isinstance(expression, ListReference):
        return _list_value(expression.list_name, draw)
    raise TypeError(f"unexpected template part {expression!r}")


def _list_value(name: str, draw: _Draw) -> str:
    slot_list, rng = draw.lists.get(name), draw.rng
    if isinstance(slot_list, TextSlotList) and slot_list.values:
        return _choose(rng.choice(slot_list.values).text_in, draw)
    if isinstance(slot_list, RangeSlotList):
        number = rng.randrange(slot_list.start, slot_list.stop + 1)
        return rng.choice([str(number), rng.choice(_NUMBER_WORDS)])
    return rng.choice(TIME_FILLERS if name in TIME_SLOTS else draw.fillers)


def home_fillers(home: Home) -> list[str]:
    """The free-text fillers that share no word with this home's devices, areas or floors: a
    filler "coffee" in every skill's free text would teach the router that "make coffee" is a
    note or a search, not the Coffee Machine."""
    taken = {w for name in [e.name for e in home.entities] + home.area_names() + home.floor_names()
             for w in _normal(name).split()}
    return [f for f in FILLERS if not taken & set(f.split())]


def _fitting(lists: dict[str, SlotList], requires: dict) -> dict[str, SlotList]:
    """The lists with only the device names a template's `requires_context` admits."""
    names = [v for v in lists["name"].values if fits(v.context or {}, requires)] or lists["name"].values
    return {**lists, "name": TextSlotList(name="name", values=names)}


def training_sentences(intents: Intents, home: Home, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(sentence, skill) pairs drawn at random from every template, a few per template. Each skill
    draws from its own seeded stream, so one skill's new templates leave every other skill's
    sentences as they were (with one stream for all, a skill's new templates moved the router's
    SLURP dev score by a point, as much as a change of seed)."""
    base, fillers = {**intents.slot_lists, **slot_lists(home)}, home_fillers(home)
    for name, intent in intents.intents.items():
        rng = _dice(seed, name)
        # Each template gets its share, so a skill's own phrasings weigh as much as any of the
        # hundreds of Home Assistant sentences the same skill may carry.
        share = min(SENTENCES_PER_TEMPLATE, max(3, MAX_PER_SKILL // sum(len(d.sentences) for d in intent.data)))
        drawn: set[str] = set()
        for data in intent.data:
            draw = _Draw(_fitting(base, data.requires_context), {**intents.expansion_rules, **data.expansion_rules},
                         fillers, rng)
            for sentence in data.sentences:
                drawn.update(_normal(_lead_in(rng) + _choose(sentence.expression, draw)) for _ in range(share))
        for text in sorted(drawn):
            yield text, name


def _dice(seed: int, skill: str) -> random.Random:
    """A skill's own random stream: what is drawn for it never depends on the other skills."""
    return random.Random(f"{seed}|{skill}")


def _lead_in(rng: random.Random) -> str:
    return rng.choice(LEAD_INS) + " " if rng.random() < LEAD_IN_SHARE else ""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class Router:
    """Word features (TF-IDF, word 1-2-grams and char 2-4-grams) and meaning vectors, each read
    by a linear SVM; a skill's score is the word score plus the weighted meaning score."""

    def __init__(self, models: tuple, embedder: Embedder) -> None:
        self._words, self._meaning = models
        self._embedder = embedder

    @property
    def models(self) -> tuple:
        """The two fitted classifiers (what the cache keeps; the embedder is a loaded model)."""
        return self._words, self._meaning

    def route(self, text: str, keep: int | None = 4) -> Route:
        """The `keep` likeliest skills (None: all of them), best first."""
        text = _normal(text)
        scores = self._words.decision_function([text])[0] \
            + MEANING_WEIGHT * self._meaning.decision_function(self._embedder.embed([text]))[0]
        best = np.argsort(scores)[::-1][:keep]
        return Route(skills=[self._words.classes_[i] for i in best], scores=[round(float(scores[i]), 3) for i in best])


def train_router(pairs: list[tuple[str, str]], embedder: Embedder, seed: int = 0) -> Router:
    """Fit both classifiers: words on every sentence, meaning on a share of each skill's."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    texts, labels = zip(*pairs)
    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True))
    words = make_pipeline(features, LinearSVC(C=0.5, class_weight="balanced", dual=True)).fit(texts, labels)
    shared = _share(pairs, MEANING_PER_SKILL, seed)
    meaning = LinearSVC(C=0.5, class_weight="balanced").fit(
        embedder.embed([text for text, _ in shared]), [label for _, label in shared])
    return Router((words, meaning), embedder)


def _share(pairs: list[tuple[str, str]], per_label: int, seed: int) -> list[tuple[str, str]]:
    """`per_label` pairs of each label, each label's drawn with its own dice (as its sentences are)."""
    by_label: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        by_label.setdefault(pair[1], []).append(pair)
    return [pair for label, group in by_label.items()
            for pair in _dice(seed, label).sample(group, min(per_label, len(group)))]


def load_router(intents: Intents, home: Home, embedder: Embedder, cache_dir: Path | None) -> Router:
    """The router for these templates and this home: from the cache when it was trained before."""
    import sklearn

    pairs = sorted(training_sentences(intents, home))
    # This file's own text is in the key: a router trained by an older way of training is retrained.
    method = Path(__file__).read_text()
    key = hashlib.sha256(f"{sklearn.__version__}|{method}|{pairs!r}".encode()).hexdigest()[:16]
    cached = cache_dir / f"router-{key}.pickle" if cache_dir else None
    if cached is not None and cached.exists():
        try:
            return Router(pickle.loads(cached.read_bytes()), embedder)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            pass  # a damaged or outdated cache is retrained, never trusted
    router = train_router(pairs, embedder)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for old in cached.parent.glob("router-*.pickle"):
            old.unlink()
        cached.write_bytes(pickle.dumps(router.models))
    return router
