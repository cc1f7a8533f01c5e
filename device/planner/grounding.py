"""Arguments the request actually said. A small model fills every optional field it is offered
("play miles davis" got media_class "video"; "continue the timer in the kitchen" got start_hours
16; "how much tax on $999 in California" got city "Los Angeles"; a weather request got
include_wind true), so an optional value the request never said is dropped: the skill's default,
or its question, takes its place. A yes/no is said when the request names what it switches (a word of its name).
"""
from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from text_to_num import alpha2digit

# How closely an optional text argument must match the request (rapidfuzz partial token set ratio:
# sharing a word, or nearly, is enough).
GROUNDED = 80
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Amounts said without a number: a value the model gives for these is its reading of them.
_AMOUNT_WORDS = re.compile(r"\b(half|quarter|couple|dozen|an? (second|minute|hour|day|week)|min|max|minimum|maximum|"
                           r"full|lowest|highest)\b")


# Words that name no subject of a yes/no ("include_wind" is about wind, "is_active" about active).
_FLAG_WORDS = {"is", "has", "include", "enable", "enabled", "whether", "flag", "allow", "use", "should", "do", "show"}
# A flag named "all" is said by any word for every one of them.
_ALL = {"all", "every", "each", "both", "everything"}
_STOP = set("""a an the and or of to in on at for with by from into about as is are was were be been am do does did
can could would should will shall may might must please i me my we our you your it its this that these those there
here what which who whom whose when where why how all any some no not just also than then so very too get give tell
show find let make want need like know help have has had using use via""".split())


def grounded(args: dict[str, Any], schema: dict[str, Any], text: str) -> dict[str, Any]:
    """The arguments, less the optional values the request never said (JSON schema `schema`
    says which are required; an object's own optional values are grounded too)."""
    said = _spoken(text)
    return _grounded(args, schema, said, stems(said, keep_stop=True))


def _grounded(args: dict[str, Any], schema: dict[str, Any], said: str, said_stems: set[str]) -> dict[str, Any]:
    properties, required = schema.get("properties") or {}, schema.get("required", [])
    kept = {}
    for key, value in args.items():
        field = properties.get(key) or {}
        if isinstance(value, dict) and field.get("properties"):
            value = _grounded(value, field, said, said_stems)
        if key in required or _value_said(key, value, said, said_stems):
            kept[key] = value
    return kept


def _value_said(key: str, value: Any, said: str, said_stems: set[str]) -> bool:
    if isinstance(value, bool):
        return bool(_flag_words(key) & said_stems)
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, (dict, list)) or _said(item, said) for item in value)
    if isinstance(value, dict):
        return bool(value)
    return _said(value, said)


def _flag_words(key: str) -> set[str]:
    """The words that say a yes/no field: its name's own (not its description's, which names the
    topic too: an "all" flag's "every alarm that matches" is said by any request about an alarm)."""
    named = stems(key, keep_stop=True) - stems(" ".join(_FLAG_WORDS), keep_stop=True)
    return named | stems(" ".join(_ALL), keep_stop=True) if "all" in named else named


def stems(text: str, keep_stop: bool = False) -> set[str]:
    """A text's words by their first five letters ("booking" ~ "book"), snake_case, camelCase and
    dotted names split; short words and, unless kept, common ones left out."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return {w[:5] for w in re.findall(r"[a-z]+", spaced.lower()) if (keep_stop or len(w) > 2 and w not in _STOP)}


def without_restated(args: dict[str, Any], required: list[str], skill: str) -> dict[str, Any]:
    """The arguments, less the optional text values made only of the call's own words: the
    skill's name, the other arguments' names and numbers ("timer 10 minutes" as the name of a
    timer whose "minutes" are 10 says nothing, and would be read back as "timer 10 minutes timer
    set"). Two texts alike are left to the target's own checks."""
    return {k: v for k, v in args.items() if k in required or not _restates(k, v, args, skill)}


def _restates(key: str, value: Any, args: dict[str, Any], skill: str) -> bool:
    if not isinstance(value, str):
        return False
    others = " ".join(k if isinstance(v, str) else f"{k} {v}" for k, v in args.items() if k != key)
    words = _words(value)
    return bool(words) and words <= _words(f"{re.sub(r'(?<=[a-z])(?=[A-Z])', ' ', skill)} {others}")


def _words(text: str) -> set[str]:
    """Lower-case words, numbers as numbers ("10" and "10.0" are one word)."""
    return {str(float(w)) if w[0].isdigit() else w for w in re.findall(r"[a-z]+|\d+(?:\.\d+)?", _spoken(text))}


def said_in(value: Any, text: str) -> bool:
    """Whether the request says this value (a word of it, nearly, or one of its numbers)."""
    return _said(value, _spoken(text))


def _spoken(text: str) -> str:
    return alpha2digit(text.lower(), "en", threshold=0)  # every number, "two pm" too


def _said(value: Any, said: str) -> bool:
    if isinstance(value, str) and _NUMBER.search(value):
        # "2023-04-05" for "april 5th, 2023": a date, time or code is said when one of its numbers is
        return bool(_numbers(value) & _numbers(said))
    if isinstance(value, str):  # words compared without punctuation: "'bohemian rhapsody'" says it
        return fuzz.partial_token_set_ratio(value, said, processor=default_process) >= GROUNDED
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    # A number is said as itself (or as a percentage of it), or is an amount said in words.
    return bool({value, round(value * 100, 6)} & _numbers(said)) or (value != 0 and _AMOUNT_WORDS.search(said) is not None)


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text)}
