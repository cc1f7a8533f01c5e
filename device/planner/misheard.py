"""Words the STT misheard, mended by sound from the words the templates know.

Whisper's small models often hear a command word as one that sounds alike: "twitch off the
lights", "which whites are on", "continue timer and kitchen", "turn first four lights off". The
templates match exactly, so such a transcript would go to the slower and less exact LLM. Here each
word is compared by its sound (espeak-ng phonemes, as piper speaks them) with the words of the
templates and the home, and the transcript is read again with one or two words replaced by ones
that sound alike, or two words heard for one ("continue time or in kitchen", "up stairs"). The
planner keeps a mended reading only when it matches a template exactly, every slot from a list, as
Home Assistant's speech-to-phrase keeps hearing to the phrases it knows. Numbers are kept as heard,
and no number is made up from a word that says none ("to low" is no "to two").
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import combinations, product
from typing import NamedTuple

from hassil import Intents
from hassil.expression import Alternative, Expression, Group, Permutation, RuleReference, TextChunk
from hassil.intents import Intent, IntentData, SlotList, TextSlotList
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MAX_WORDS = 12  # longer transcripts are not commands a word or two away from a template
MAX_CHANGES = 2  # and never more than half the words: "indie" is no misheard "undo"
# A word longer than a short function word ("our" for "are", "and" for "in") changes only into one
# whose sounds are at most this far apart: "coffee" sounds nothing like "TV", coarse as both are.
SHORT_WORD = 3
MAX_APART = 0.5
MAX_READINGS = 40  # mended readings matched, nearest first: each costs a template match
# Short words that say which way a command goes, or how far, are taken as said, never mended (alone
# or with a neighbour): "turn off lighting" is no misheard "turn up lighting", nor "set the kitchen
# light to low" a misheard "set the kitchen light yellow", whatever the sounds.
TAKEN_AS_SAID = {"on", "off", "up", "down", "low", "high"}
NUMBER_WORDS = set("""zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    half quarter""".split())
_WORD = re.compile(r"[a-z0-9']+")
_VOWELS = set("aeiouyæɑɒɔəɛɜɪʊʌɐɚɝøœɵɘɤɯʏᵻ")
# Sounds the STT confuses most (voiced/unvoiced pairs, r-coloured vowels) are one sound here.
_COARSE = str.maketrans({"z": "s", "d": "t", "ɡ": "k", "g": "k", "b": "p", "v": "f", "ð": "θ", "ʒ": "ʃ",
                         "ɹ": "r", "ɾ": "t", "ɫ": "l", "ʔ": None})


def phonemes(words: list[str]) -> list[str]:
    """Each word's espeak-ng phonemes (American English), without stress marks. espeakbridge
    holds the GIL through each call, so a call can't interleave with the TTS's."""
    espeakbridge = _espeak()
    espeakbridge.set_voice("en-us")
    clauses = espeakbridge.get_phonemes(", ".join(words))
    if len(clauses) != len(words):  # a word espeak split in two clauses: read them one by one
        clauses = [("".join(c[0] for c in espeakbridge.get_phonemes(w)), "", True) for w in words]
    return [_plain(c[0]) for c in clauses]


@cache
def _espeak():
    from piper import espeakbridge
    from piper.phonemize_espeak import EspeakPhonemizer

    EspeakPhonemizer()  # loads espeak-ng's data, once
    return espeakbridge


def _plain(ipa: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ipa) if c not in "ˈˌː ̩" and not unicodedata.combining(c))


def coarse(ipa: str) -> str:
    """The sound as the STT confuses it: every vowel run one vowel, voicing ignored."""
    ipa = ipa.replace("ɚ", "əɹ").replace("ɝ", "ɜɹ").translate(_COARSE)
    return re.sub(r"a+", "a", "".join("a" if c in _VOWELS else c for c in ipa))


Span = tuple[int, int]  # words[start:end] of a transcript


class Spans(NamedTuple):
    """The words a template part can say, split by how they meet their neighbours: a template
    writes "light[s]", so "light" and "s" are one word when said."""

    words: frozenset[str]  # whole words, spaces on both sides
    left: frozenset[str]  # what it starts with, glued to what comes before
    right: frozenset[str]  # what it ends with, glued to what comes after
    solid: frozenset[str]  # the whole of it, when it has no space at all

    @classmethod
    def of(cls, text: str) -> Spans:
        tokens = re.sub(r"[^a-z0-9']+", " ", text).split(" ")
        if len(tokens) == 1:
            return cls(frozenset(), frozenset(), frozenset(), frozenset(tokens))
        return cls(frozenset(tokens[1:-1]), frozenset(tokens[:1]), frozenset(tokens[-1:]), frozenset())

    @classmethod
    def union(cls, spans: Iterable[Spans]) -> Spans:
        spans = list(spans)
        return cls(*(frozenset().union(*parts) for parts in zip(*spans, strict=True))) if spans else cls.of(" ")

    @classmethod
    def joined(cls, spans: Iterable[Spans]) -> Spans:
        out = cls.of("")
        for b in spans:
            a = out
            out = cls(a.words | b.words | _glue(a.right, b.left), a.left | _glue(a.solid, b.left),
                      b.right | _glue(a.right, b.solid), _glue(a.solid, b.solid))
        return out

    def closed(self) -> Spans:
        """Said apart from its neighbours (a list value, a permutation's item)."""
        return Spans(self.words | self.left | self.right | self.solid, frozenset({""}), frozenset({""}), frozenset())


def _glue(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    return frozenset(x + y for x in a for y in b)


class Mender:
    """Readings of a transcript with misheard words replaced by template words that sound alike,
    each with the intents whose templates have every word of it (all the others can't match)."""

    def __init__(self, intents: Intents, lists: dict[str, SlotList]) -> None:
        self._intents, self._lists = intents, {**intents.slot_lists, **lists}
        self._rules: dict[str, Spans] = {}
        always = {w for skip in intents.skip_words for w in _WORD.findall(skip.lower())} | NUMBER_WORDS
        self._vocabularies = {name: self._intent_words(intent) | always for name, intent in intents.intents.items()}
        self._words = sorted(set().union(*self._vocabularies.values()))
        self._sounds = dict(zip(self._words, phonemes(self._words)))
        self._coarse = [coarse(self._sounds[w]) for w in self._words]
        self._subsets: dict[tuple[str, ...], Intents] = {}

    def readings(self, text: str) -> Iterator[tuple[str, Intents]]:
        """Mended readings, nearest first, each with the intents whose words it keeps to."""
        words = _WORD.findall(text.lower().replace("-", " "))
        if not words or len(words) > MAX_WORDS:
            return
        options = self._options(words)
        found: dict[tuple[str, ...], tuple[float, list[str]]] = {}
        for name, vocabulary in self._vocabularies.items():
            for cost, reading in _changes(words, options, vocabulary):
                best, names = found.get(reading, (cost, []))
                found[reading] = min(best, cost), [*names, name]
        for reading, (_, names) in sorted(found.items(), key=lambda item: item[1][0])[:MAX_READINGS]:
            yield " ".join(reading), self._subset(tuple(names))

    def _intent_words(self, intent: Intent) -> set[str]:
        spans = [self._spans(sentence.expression, data) for data in intent.data for sentence in data.sentences]
        return {w for span in spans for part in span for w in part if w}

    def _spans(self, expression: Expression, data: IntentData) -> Spans:
        """The words an expression can say, through its rules and lists (numbers aside)."""
        if isinstance(expression, TextChunk):
            return Spans.of(expression.original_text.lower())
        if isinstance(expression, Alternative):
            return Spans.union(self._spans(item, data) for item in expression.items)
        if isinstance(expression, Permutation):  # its items are said apart, in any order
            return Spans.union(self._spans(item, data).closed() for item in expression.items)
        if isinstance(expression, Group):
            return Spans.joined(self._spans(item, data) for item in expression.items)
        if isinstance(expression, RuleReference):
            if expression.rule_name in data.expansion_rules:
                return self._spans(data.expansion_rules[expression.rule_name].expression, data)
            if expression.rule_name not in self._rules:
                rule = self._intents.expansion_rules[expression.rule_name]
                self._rules[expression.rule_name] = self._spans(rule.expression, data)
            return self._rules[expression.rule_name]
        slot_list = data.slot_lists.get(expression.list_name) or self._lists.get(expression.list_name)
        if isinstance(slot_list, TextSlotList):
            return Spans.union(self._spans(v.text_in, data).closed() for v in slot_list.values)
        return Spans.of(" ")  # numbers and free text

    def _subset(self, names: tuple[str, ...]) -> Intents:
        if names not in self._subsets:
            whole = self._intents
            self._subsets[names] = Intents(language=whole.language, intents={n: whole.intents[n] for n in names},
                                           slot_lists=whole.slot_lists, expansion_rules=whole.expansion_rules,
                                           skip_words=whole.skip_words, settings=whole.settings)
        return self._subsets[names]

    def _options(self, words: list[str]) -> dict[Span, list[tuple[float, str]]]:
        """For each word, and each two words said as one ("time or" for "timer", "up stairs" for
        "upstairs"), the template words at most one coarse sound away, with how far: the coarse
        distance, then the exact sounds' (normalised) as a tie-break."""
        spans = [(i, i + n) for n in (1, 2) for i in range(len(words) - n + 1)
                 if not any(w.isdigit() for w in words[i:i + n])]  # a number heard is the number said
        heard = [" ".join(words[i:j]) for i, j in spans]
        sounds = dict(zip(heard, phonemes(heard)))
        return {span: self._alike(said, sounds[said]) for span, said in zip(spans, heard)}

    def _alike(self, said: str, sound: str) -> list[tuple[float, str]]:
        near = process.extract(coarse(sound), self._coarse, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        exact = [(Levenshtein.normalized_distance(sound, self._sounds[self._words[j]]), apart, self._words[j])
                 for _, apart, j in near if self._words[j] != said]
        # The same coarse sounds are alike however the vowels differ ("boss" is a misheard "pause").
        return [(apart + far, alike) for far, apart, alike in exact
                if len(said) <= SHORT_WORD or far <= MAX_APART or apart == 0]


def _changes(words: list[str], options: dict[Span, list[tuple[float, str]]],
             vocabulary: set[str]) -> Iterator[tuple[float, tuple[str, ...]]]:
    """(cost, reading) for each reading in the words of `vocabulary` with at most MAX_CHANGES
    spans of words (and half the words) replaced: every word it lacks, and perhaps a short or
    number word it has but misheard."""
    lacking = {i for i, w in enumerate(words) if w not in vocabulary and not w.isdigit()}
    most = min(MAX_CHANGES, len(words) // 2)
    near = {span: [(cost, w) for cost, w in alike if w in vocabulary and not _made_up_number(heard, w)
                   and not _unsaid(heard, w)]
            for span, alike in options.items() if _mendable(heard := words[span[0]:span[1]], vocabulary)}
    candidates = [span for span, alike in near.items() if alike]
    if len(lacking) > 2 * most or not lacking <= {i for start, end in candidates for i in range(start, end)}:
        return
    for size in range(1, most + 1):
        for spans in combinations(candidates, size):
            covered = [i for start, end in spans for i in range(start, end)]
            if lacking <= set(covered) and len(covered) == len(set(covered)):
                for picks in product(*(near[span] for span in spans)):
                    yield sum(cost for cost, _ in picks), _replaced(words, spans, [w for _, w in picks])


def _mendable(heard: list[str], vocabulary: set[str]) -> bool:
    """Whether these words may be a mishearing: a word the templates have is taken as said unless
    it is a short function word ("and" for "in") or a number word ("four" for "floor"); "lower the
    lights in the kitchen" is no misheard "lower the gates in the kitchen"."""
    if len(heard) > 1:
        return True
    word = heard[0]
    return word not in vocabulary or len(word) <= SHORT_WORD or word in NUMBER_WORDS


def _unsaid(heard: list[str], word: str) -> bool:
    """A reading that changes a word that says which way or how far: it may lose a neighbour or be
    written together with it ("on e flight" is "on light", "up stairs" "upstairs"), no more ("to
    low" is no "yellow")."""
    taken = TAKEN_AS_SAID & set(heard)
    return bool(taken) and word not in taken and word != "".join(heard)


def _made_up_number(heard: list[str], word: str) -> bool:
    """A number word mended from words that say no number: "set the volume to low" is no misheard
    "to two" (it set the volume to 2%)."""
    return word in NUMBER_WORDS and not NUMBER_WORDS & set(heard)


def _replaced(words: list[str], spans: tuple[Span, ...], picks: list[str]) -> tuple[str, ...]:
    out = list(words)
    for (start, end), word in sorted(zip(spans, picks), reverse=True):
        out[start:end] = [word]
    return tuple(out)
