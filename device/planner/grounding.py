"""Arguments the request actually said. A small model fills every optional field it is offered
("play miles davis" got media_class "video"; "continue the timer in the kitchen" got start_hours
16; "how much tax on $999 in California" got city "Los Angeles"; a weather request got
include_wind true), so an optional value the request never said is dropped: the skill's default,
or its question, takes its place. A yes/no is said when the request names what it switches (a word of its name).
A value from the field's own list is dropped too, though the grammar chose it: kept, BFCL live_simple
gained 2 rows ("Comic" as Comedy, "Spanish" as es-ES) and lost 14 (a weather request got unit "celsius",
a film search genre "Drama").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from text_to_num import alpha2digit

from skills.when import MONTHS, WEEKDAYS, amounts_in_digits

# How closely an optional text argument must match the request (rapidfuzz partial token set ratio:
# sharing a word, or nearly, is enough).
GROUNDED = 80
# A text of this many words or more is said when most of them are ("This is a sample news article
# for testing purposes" shares a word or two with any request about a news article; "James Gray,
# Donnie Wahlquist" is not said by "a movie directed by James Gray").
LONG_TEXT = 4
MOSTLY_SAID = 2 / 3
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Amounts said without a number: a value the model gives for these is its reading of them.
_AMOUNT_WORDS = re.compile(r"\b(half|quarter|couple|dozen|an? (second|minute|hour|day|week)|min|max|minimum|maximum|"
                           r"full|lowest|highest|loudest|quietest|brightest|dimmest)\b")


# Words that name no subject of a yes/no ("include_wind" is about wind, "is_active" about active).
_FLAG_WORDS = {"is", "has", "include", "enable", "enabled", "whether", "flag", "allow", "use", "should", "do", "show"}
# A flag named "all" is said by any word for every one of them.
_ALL = {"all", "every", "each", "both", "everything"}
_ALL_STEMS = {word[:5] for word in _ALL}  # as stems() keeps them
# A description's key to its codes: "'2' represents ironing", "1 for Bangkok", "'NY' for New York".
_CODE = re.compile(r"""(?<!\w)'([^'\n]{1,40})'(?!\w)|"([^"\n]{1,40})"|"""
                   r"""(?<![\w.])(\d+(?:\.\d+)?)(?!\w|\.\d)|\b([A-Z][A-Z0-9_]+)\b""")
_MEANING = re.compile(r"""[^,;()'"]*?(?=[,;()'"]|\.(?!\d)|\b(?:or|and)\b|$)""")
_STOP = set("""a an the and or of to in on at for with by from into about as is are was were be been am do does did
can could would should will shall may might must please i me my we our you your it its this that these those there
here what which who whom whose when where why how all any some no not just also than then so very too get give tell
show find let make want need like know help have has had using use via""".split())


def grounded(args: dict[str, Any], schema: dict[str, Any], text: str) -> dict[str, Any]:
    """The arguments, less the optional values the request never said (JSON schema `schema`
    says which are required; an object's own optional values are grounded too)."""
    said = spoken(text)
    return _grounded(args, schema, said, stems(said, keep_stop=True))


def _grounded(args: dict[str, Any], schema: dict[str, Any], said: str, said_stems: set[str]) -> dict[str, Any]:
    """An optional text that only copies another argument's ("MetaTitle" and "UrlName" both the
    "Title") says nothing of its own either."""
    properties, required = schema.get("properties") or {}, schema.get("required", [])
    kept = {key: value for key, value in args.items() if key in required}
    for key, value in args.items():
        field = properties.get(key) or {}
        if isinstance(value, dict) and field.get("properties"):
            value = _grounded(value, field, said, said_stems)
        if key in required or (_value_said(key, value, said, said_stems) or _described(value, field, said_stems)) \
                and not _copied(value, kept.values(), args.values()) \
                and not _coded(value, kept, properties):
            kept[key] = value
    return {key: kept[key] for key in args if key in kept}  # in the call's order


def _copied(value: Any, kept: Iterable[Any], given: Iterable[Any]) -> bool:
    """Whether a text is a kept value's, or each text of a list one of the call's texts, before or
    after it: a sensor's network ids ["Q3CC-CRT3-SZ2G"] beside its serial "Q3CC-CRT3-SZ2G"."""
    if isinstance(value, list):
        texts = _processed(given)
        return bool(value) and all(isinstance(item, str) and default_process(item) in texts for item in value)
    return isinstance(value, str) and default_process(value) in _processed(kept)


def _processed(values: Iterable[Any]) -> set[str]:
    return {default_process(value) for value in values if isinstance(value, str)}


def _coded(value: Any, kept: dict[str, Any], properties: dict[str, Any]) -> bool:
    """Whether an optional text only names what a kept argument's code stands for: a district
    "Bangkok" beside province_id 1, where the description says "1 for Bangkok"."""
    words = stems(value) if isinstance(value, str) else set()
    return bool(words) and any(
        _same_code(code, code_value) and words <= meaning
        for key, code_value in kept.items() if isinstance(code_value, (str, int, float)) and not isinstance(code_value, bool)
        and isinstance(description := (properties.get(key) or {}).get("description"), str)
        for code, meaning in _key(description))


# A word said again and again in a row: "tomorrow tomorrow tomorrow" (not numbers: "555 555 5555").
_STUTTER = re.compile(r"\b([^\W\d_]+)(?:\s+\1\b)+", re.IGNORECASE)


def unrepeated(args: dict[str, Any], text: str) -> dict[str, Any]:
    """The arguments with each word a text value repeats in a row said once, unless the request
    repeats it too ("play rebel rebel"): greedy decoding loops on a word ("when": "tomorrow
    tomorrow tomorrow tomorrow") until the loop guard ends the string."""
    repeated = {m.group(1).lower() for m in _STUTTER.finditer(text)}
    return {k: _STUTTER.sub(lambda m: m.group(0) if m.group(1).lower() in repeated else m.group(1), v)
            if isinstance(v, str) else v for k, v in args.items()}


def said_for(value: Any, field: dict[str, Any], text: str) -> bool:
    """Whether the request says this value (a word of it, nearly, or one of its numbers), or says
    what the field's description pairs with it."""
    said = spoken(text)
    return _said(value, said) or _described(value, field, stems(said, keep_stop=True))


def _described(value: Any, field: dict[str, Any], said_stems: set[str]) -> bool:
    """Whether the field's description gives this value as the code for words the request says:
    a schema's own key ("'2' represents an ironing service", "1 for Bangkok", "'NY' for New
    York"), its shared words aside ("1 for cleaning service, 2 for big cleaning service")."""
    description = field.get("description")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not isinstance(description, str):
        return False
    return any(_same_code(code, value) for code in _said_codes(_key(description), said_stems))


def code_said(value: Any, field: dict[str, Any], text: str) -> Any:
    """The one number code of the field's description whose words the request says, where the
    model gave a number the request says nowhere: province_id 1 ("1 corresponds to Bangkok, 2 to
    Chiang Mai") for a housekeeper "in Chiang Mai", where the field lists its codes too if it is
    one of them. Not a text: a description's capitals are codes and words alike ("sends a GET
    request" gave the url "GET")."""
    description, said = field.get("description"), spoken(text)
    said_stems = stems(said, keep_stop=True)
    options = field.get("enum")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not isinstance(description, str) \
            or _said(value, said) or _described(value, field, said_stems):
        return value
    numbers = [(code, words) for code, words in _key(description) if _NUMBER.fullmatch(code)]
    codes = {type(value)(float(code)) for code in _said_codes(numbers, said_stems)}
    return codes.pop() if len(codes) == 1 and (options is None or codes <= set(options)) else value


def _said_codes(key: list[tuple[str, set[str]]], said_stems: set[str]) -> list[str]:
    """The codes of a key whose words the request says. Words every code of the key shares
    ("service") tell none apart and need not be said, unless they are all a code has."""
    shared = set.intersection(*(words for _, words in key)) if len(key) > 1 else set()
    return [code for code, words in key if (words - shared or words) <= said_stems]


def _key(description: str) -> list[tuple[str, set[str]]]:
    """The codes a description explains (quoted, numbers, capitals) and the words that follow each."""
    pairs = []
    for match in _CODE.finditer(description):
        code = next(group for group in match.groups() if group is not None)
        words = stems(_MEANING.match(description, match.end()).group()) - _JOINERS
        if words:
            pairs.append((code, words))
    return pairs


def _same_code(code: str, value: Any) -> bool:
    if isinstance(value, str):
        return code.strip().lower() == value.strip().lower()
    return _NUMBER.fullmatch(code) is not None and float(code) == float(value)


def numbers_said(args: dict[str, Any], text: str) -> bool:
    """Whether every number among these values (numbers, and texts with digits in them) has one
    of its numbers said in the request."""
    said = spoken(text)
    return all(_said(v, said) for v in args.values()
               if isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, str) and _NUMBER.search(v))


def _value_said(key: str, value: Any, said: str, said_stems: set[str]) -> bool:
    if isinstance(value, str) and not _hours_said(value, said):
        return False
    if isinstance(value, str) and not _NUMBER.search(said_value := spoken(value)) \
            and len(words := stems(said_value)) >= LONG_TEXT:  # one with numbers is a date, time or code
        return len(words & said_stems) >= MOSTLY_SAID * len(words)
    if isinstance(value, bool):
        return bool(_flag_words(key) & said_stems)
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, (dict, list)) or _said(item, said) for item in value)
    if isinstance(value, dict):  # an object with no properties of its own: each of its values is said
        return bool(value) and all(_value_said(k, v, said, said_stems) for k, v in value.items())
    return _said(value, said)


# A time of day in a value: "14:00", "2023-11-01T16:00:00" (not the seconds after it).
_HOUR = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):[0-5]\d")


def _hours_said(value: str, said: str) -> bool:
    """Whether each time of day in an optional value has its hour said (in 24 or 12 hours): a
    flight's made-up return at 14:00 is said by none of "March 12th 2023 at 3 in the afternoon"'s
    numbers, though its date is."""
    numbers = _said_numbers(said)
    return all({hour, hour % 12 or 12} & numbers for hour in map(int, _HOUR.findall(value)))


def said_part(value: str, text: str) -> str:
    """The words of a day or time the request says, up to the value's first comma: a small model
    starts one with the words said and goes on with its own ("friday at 12:00 AM, FSU, USA" for
    "...at fsu on friday", "tomorrow at 10 am tonight" for "...tonight"). A number stays when it
    is said, a time of day when its hour is; "" when the request says none of it."""
    said = _apart(amounts_in_digits(spoken(text)))  # "in an hour" says the model's "in 1 hour"
    said_words = set(default_process(said).split())
    kept = [word for word in _apart(amounts_in_digits(spoken(value.split(",")[0]))).split()
            if _word_said(word, said, said_words)]
    doing = next((i for i, word in enumerate(kept) if word == "to" and not _time_word(kept[i + 1:i + 2])), len(kept))
    kept = kept[:doing]
    while kept and kept[-1] in _JOINING | _ARTICLES:
        kept.pop()
    while kept and kept[0] in _JOINING and not (kept[0] == "in" and kept[1:] and _NUMBER.search(kept[1])):
        kept.pop(0)  # "in 1 hour" is a time from now; "1 hour" alone read as one o'clock
    return " ".join(kept)


# Words that join the parts of a day or time ("friday at"), nothing of it alone ("this" and "am" are).
_JOINING = set("at on in by for to of and or from with as".split())
_ARTICLES = {"the", "a", "an", "my"}  # "6 pm at the" of "...the sprinkler at 6 pm"


def _time_word(words: list[str]) -> bool:
    """Whether a word after "to" goes on with a time ("ten to 6", "monday to friday"); else "to"
    starts what to do ("tomorrow at 9 to email the landlord")."""
    return bool(words) and (bool(_NUMBER.search(words[0])) or words[0] in WEEKDAYS or words[0] in MONTHS)


def _word_said(word: str, said: str, said_words: set[str]) -> bool:
    if _NUMBER.search(word):
        return bool(_numbers(word) & _numbers(said)) and _hours_said(word, said)
    return bool(parts := default_process(word).split()) and set(parts) <= said_words  # "today's": today, s


def _apart(text: str) -> str:
    """A clock and its am or pm apart: "4pm" says the "pm" of "4 pm"."""
    return re.sub(r"(?<=\d)(?=[ap]\.?m\b)", " ", text)


def _flag_words(key: str) -> set[str]:
    """The words that say a yes/no field: its name's own (not its description's, which names the
    topic too: an "all" flag's "every alarm that matches" is said by any request about an alarm)."""
    named = stems(key, keep_stop=True) - stems(" ".join(_FLAG_WORDS), keep_stop=True)
    return named | _ALL_STEMS if "all" in named else named


# Words before a yes/no's subject that say which it is ("disable the power-saving mode", "with monitoring").
_SAID_OFF = {"disable", "disabled", "off", "without", "no", "not", "don't", "dont", "stop", "deactivate", "never"}
_SAID_ON = {"enable", "enabled", "on", "with", "activate", "start"}
_BEFORE_SUBJECT = 3


def flag_as_said(key: str, value: bool, text: str) -> bool:
    """A yes/no as the words just before its subject say it: the model wrote powerSaveEnabled
    true for "disable the power-saving mode"; one its subject isn't said of keeps its value."""
    subject, words = _flag_words(key) - _ALL_STEMS, re.findall(r"[\w']+", text.lower())
    for at, word in enumerate(words):
        if word[:5] in subject:
            before = set(words[max(0, at - _BEFORE_SUBJECT):at])
            return False if before & _SAID_OFF else True if before & _SAID_ON else value
    return value


def stems(text: str, keep_stop: bool = False) -> set[str]:
    """A text's words by their first five letters ("booking" ~ "book"), snake_case, camelCase and
    dotted names split; short words and, unless kept, common ones left out."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return {w[:5] for w in re.findall(r"[a-z]+", spaced.lower()) if (keep_stop or len(w) > 2 and w not in _STOP)}


# Words that join a code to what it means ("1 represents Bangkok"), as stems.
_JOINERS = stems("represents represent means stands denotes indicates refers corresponds equals value code")


def spoken(text: str) -> str:
    """The words in lower case with every number in digits: "two pm" too, "1,000,000" as 1000000."""
    return alpha2digit(re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower()), "en", threshold=0)


def _said(value: Any, said: str) -> bool:
    if isinstance(value, str) and (language := language_named(value)) and re.search(rf"\b{language}\b", said):
        return True  # "es-ES" is said by "in Spanish"
    if isinstance(value, str):
        value = spoken(value)  # in the request's own form: "item three" says "three"
    if isinstance(value, str) and _NUMBER.search(value):
        # "2023-04-05" for "april 5th, 2023": a date, time or code is said when one of its numbers is
        return bool(_numbers(value) & _said_numbers(said))
    if isinstance(value, str):  # words compared without punctuation: "'bohemian rhapsody'" says it
        content = " ".join(w for w in default_process(value).split() if w not in _FUNCTION_WORDS) or value
        return fuzz.partial_token_set_ratio(content, said, processor=default_process) >= GROUNDED
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    # A number is said as itself (or as a percentage of it), or is an amount said in words.
    return bool({value, round(value * 100, 6)} & _numbers(said)) or (value != 0 and _AMOUNT_WORDS.search(said) is not None)


# Words that say nothing of a value: a text sharing only these with the request was never said
# ("The Matrix" isn't said by "the 9th of march", "my_username" by "my account"); "on" and "off"
# are kept, they say a mode ("POWER_ON").
_FUNCTION_WORDS = set("a an the is are was were be been am this that these those it its i my me you your we our "
                      "of to and or for with as at by from".split())


# Languages by their ISO 639-1 codes, as a locale ("es-ES", "pt_BR") or alone ("de") names them.
_LANGUAGES = {"ar": "arabic", "bn": "bengali", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
              "en": "english", "es": "spanish", "fi": "finnish", "fr": "french", "he": "hebrew", "hi": "hindi",
              "hu": "hungarian", "id": "indonesian", "it": "italian", "ja": "japanese", "ko": "korean", "nl": "dutch",
              "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
              "sv": "swedish", "th": "thai", "tr": "turkish", "uk": "ukrainian", "vi": "vietnamese", "zh": "chinese"}
_LOCALE = re.compile(r"([a-z]{2})(?:[-_][A-Za-z]{2,4})?")


def language_named(code: str) -> str:
    """The language a locale code names ("es-ES": "spanish"), "" for any other text."""
    match = _LOCALE.fullmatch(code.strip())
    return _LANGUAGES.get(match.group(1), "") if match else ""


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text)}


def _said_numbers(said: str) -> set[float]:
    """The request's numbers, with the hours it says in words (noon: the 12 of 12:00)."""
    return _numbers(said).union(*(hours for word, hours in _HOUR_WORDS.items() if re.search(rf"\b{word}\b", said)))


_HOUR_WORDS = {"noon": {12.0}, "midday": {12.0}, "midnight": {0.0, 12.0}}
