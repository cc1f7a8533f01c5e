"""The values of a tool call as the request says them: a small model writes a value's gist well and
its letters, days and signs badly. What the request never said is dropped
(device.planner.grounding), a day or time of day it names replaces the model's reckoning of it
(device.planner.moments); a copied text keeps the request's punctuation and its quoted part, a
text miscopied by a letter or two is the request's own, the one option of a list (or code of a
description's key) the request says replaces one it doesn't, a language code is said by its name
("es-ES": "in Spanish"), a placeholder left in a text takes the call's value of that name, a
latitude or longitude said south or west is below zero, a district's name is said without the word
District, a day, a time, a country code or a city's name in its description's form (a city without a
region where that shows none, with the one said after it where that shows one), a place joined to
another's region is that other's, a text without its parameter's name after it ("the start calc
command"), a command as the request gives it, a name the request marks with a parameter's kind of
place ("Sankampang District") that parameter's,
the one option the request says of a parameter left out, the one option a description lists that a
longer text holds ("snack" of "morning snack"), a time without its UTC offset where the call names
its zone apart, an optional time the model copied from the one moment the request names dropped,
and a yes/no is the one the words before its subject say.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from device.planner.grounding import code_said, flag_as_said, grounded, language_named, stems, unrepeated
from device.planner.moments import as_said, holds_a_clock, moments_said
from skills.when import MONTHS, WEEKDAYS


def written_as_said(arguments: dict[str, Any], schema: dict[str, Any], request: str) -> dict[str, Any]:
    """The model's arguments less what the request never said, each text and number as it says
    it. Whether a value was said is judged on the model's own ("11:00" is said by "11PM"; 23:00 is not)."""
    fields = schema.get("properties") or {}
    chosen = {key: code_said(option_said(value, fields.get(key) or {}, request), fields.get(key) or {}, request)
              for key, value in arguments.items()}
    kept = filled_in(unrepeated(grounded(chosen, schema, request), request))
    written = {key: in_options_listed(in_described_form(key, as_written(key, value, request), fields.get(key) or {},
                                                        request), fields.get(key) or {}) for key, value in kept.items()}
    said = {**with_options_left_out(written, schema, request), **named_by_kind(fields, request)}
    moments = in_its_zone(as_said(said_once(said, schema, request), request, date.today()))
    return {key: in_day_form(value, fields.get(key) or {}) for key, value in moments.items()}


def in_day_form(value: Any, field: dict[str, Any]) -> Any:
    """A day written in the form its description gives where that is another ('MM/DD/YYYY':
    "04/25/2023" of "2023-04-25"); after the request's days are read into it, which are
    reckoned in ISO's form."""
    form = _DAY_FORM.search(str(field.get("description", "")))
    if not isinstance(value, str) or not form or not (day := _ISO_DAY.fullmatch(value)):
        return value
    year, month, dated = day.groups()
    return form.group(1).upper().replace("YYYY", year).replace("MM", month).replace("DD", dated)


def said_once(arguments: dict[str, Any], schema: dict[str, Any], request: str) -> dict[str, Any]:
    """The arguments less the optional ones holding a time of day where the request names one day
    and one time, which a required argument holds: "a departure on the 20th of June 2022 at 5 in
    the afternoon" got a return_time on that day too."""
    days, clocks = moments_said(request, date.today())
    timed = [key for key, value in arguments.items() if holds_a_clock(value)]
    required = set(schema.get("required") or [])
    if len(days) != 1 or len(clocks) != 1 or None in days | clocks or len(timed) < 2 or not required & set(timed):
        return arguments
    return {key: value for key, value in arguments.items() if key in required or key not in timed}


# A time of day with its offset from UTC ("16:00:00Z", "16:00+01:00"), and a zone's names for UTC itself.
_OFFSET_TIME = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}:?\d{2})$")
_UTC = {"utc", "gmt", "z", "etc/utc"}


def in_its_zone(arguments: dict[str, Any]) -> dict[str, Any]:
    """The call's times without an offset where it names their zone apart: 2023-11-01T16:00:00
    with timezone "Europe/London" (the model copied the 'Z' of the format's example, which would
    make it UTC's 16:00). A zone named UTC keeps them as they are."""
    zone = next((value for key, value in arguments.items() if isinstance(value, str) and _names_a_zone(key)), None)
    if zone is None or zone.strip().lower() in _UTC:
        return arguments
    return {key: _OFFSET_TIME.sub(r"\1", value) if isinstance(value, str) and not _names_a_zone(key) else value
            for key, value in arguments.items()}


def _names_a_zone(key: str) -> bool:
    words = set(_words(key))
    return bool(words & {"timezone", "tz"}) or {"time", "zone"} <= words


def option_said(value: Any, field: dict[str, Any], request: str) -> Any:
    """The one option of the field's list that the request says, where the model chose one it
    doesn't: "mark it as completed on my to-do list" got type "add" of add, delete, complete."""
    asked, chosen = stems(request), stems(f"{value} {language_named(value)}") if isinstance(value, str) else set()
    said = [o for o in field.get("enum") or [] if isinstance(o, str) and (words := stems(f"{o} {language_named(o)}"))
            and words <= asked]
    return said[0] if chosen and not chosen <= asked and len(said) == 1 else value


def with_options_left_out(arguments: dict[str, Any], schema: dict[str, Any], request: str) -> dict[str, Any]:
    """The arguments with the one option of an optional parameter's list that the request says,
    where the model left the parameter out (an object's own too): portion_unit "ounces" of grams,
    ounces, cups for "16 ounces of chai tea"; interfaceType "ethernet" of a query's params."""
    asked, given = stems(request), {v for v in arguments.values() if isinstance(v, str)}
    fields = {key: field for key, field in (schema.get("properties") or {}).items() if isinstance(field, dict)}
    added = {}
    for key, field in fields.items():
        if isinstance(arguments.get(key), dict) and field.get("properties"):
            added[key] = with_options_left_out(arguments[key], field, request)
        elif key not in arguments and key not in (schema.get("required") or []):
            said = [o for o in field.get("enum") or [] if isinstance(o, str) and (words := stems(o)) and words <= asked]
            added.update({key: said[0]} if len(said) == 1 and said[0] not in given else {})
    return {**arguments, **added}


def in_options_listed(value: Any, field: dict[str, Any]) -> Any:
    """The one option a text's description lists ("Options include 'breakfast', 'lunch', 'dinner',
    or 'snack'") that a longer text holds: "snack" of "morning snack"."""
    description = field.get("description")
    listed = _LISTED_OPTIONS.search(description) if isinstance(description, str) else None
    if not isinstance(value, str) or not listed:
        return value
    options = _quoted(listed.group(1))
    held = [o for o in options if re.search(rf"\b{re.escape(o)}\b", value, re.IGNORECASE)]
    return held[0] if len(held) == 1 and value.lower() != held[0].lower() else value


# Where a description lists a text's options: "Options include 'a', 'b' or 'c'", "Possible values are ...".
_LISTED_OPTIONS = re.compile(r"\b(?:options (?:include|are)|possible values are|one of)\b([^.]*)", re.IGNORECASE)


def filled_in(arguments: dict[str, Any]) -> dict[str, Any]:
    """Each text with its placeholders of the call's other values filled in: the model copies a
    URL template from the description ("...nodes?fabricName={fabricName}") and gives the value
    beside it (fabricName "PEK-ACI")."""
    values = {key: str(value) for key, value in arguments.items() if isinstance(value, (str, int, float))
              and not isinstance(value, bool)}
    fill = re.compile(r"\{(" + "|".join(map(re.escape, values)) + r")\}") if values else None
    return {key: fill.sub(lambda m: values[m.group(1)], value) if fill and isinstance(value, str) else value
            for key, value in arguments.items()}


_LATITUDE, _LONGITUDE = stems("lat latitude"), stems("lon lng longitude")
# A part of the request in quotes (an apostrophe inside a word opens or closes none: "I've").
_QUOTED = re.compile(r"""(?<!\w)'([^'\n]+?)'(?!\w)|"([^"\n]+)"|‘([^’\n]+)’|“([^”\n]+)”""")


def _quoted(text: str) -> list[str]:
    """The parts of a text in quotes, in order."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]
# Where a sentence of a request ends.
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")


def _quoted_part(value: str, request: str) -> str:
    """The quoted part of a sentence of the request that a text copied whole: the model gave
    "Remove the 'todo random' item from my todo list" as the item to remove (a text that copies
    less of the sentence, "echo 'hi'" of "run echo 'hi'", is as the model wrote it)."""
    sentence = next((s for s in _SENTENCE.split(request) if default_process(s) == default_process(value)), None)
    quoted = _quoted(sentence or "")
    return quoted[0] if len(quoted) == 1 else value


# How like a stretch of the request, as long as itself, a text the request doesn't hold must be
# to be that stretch miscopied: a letter or two ("221 Baker Street" of "221B Baker Street").
MISCOPIED = 95
MISCOPIED_COMMAND = 85  # a command copied with its backslashes miswritten as escapes, and its quotes
_CONTROL = re.compile(r"[\x00-\x1f]")
MIN_COPIED = 8
# A day or time in a text: rewritten on purpose ("March 1, 2023" of "March 1st, 2023"), not miscopied.
_DATED = re.compile(rf"\d:\d|\b({'|'.join(MONTHS)}|{'|'.join(WEEKDAYS)})\b", re.IGNORECASE)


def _copy_mended(value: str, request: str) -> str:
    """The stretch of the request, whole words, that a text copied with a letter or two wrong."""
    lowered = request.lower()
    if len(value) < MIN_COPIED or len(value) > len(request) or len(lowered) != len(request) \
            or value.lower() in lowered or _DATED.search(value):
        return value
    found = fuzz.partial_ratio_alignment(value.lower(), lowered)
    if found is None or found.score < MISCOPIED:
        return value
    start, end = found.dest_start, found.dest_end
    while start > 0 and request[start - 1].isalnum():
        start -= 1
    while end < len(request) and request[end].isalnum():
        end += 1
    while start < end and not request[start].isalnum() and request[start] != value[0]:
        start += 1  # a quote or space the alignment took in, which the value doesn't start with
    while end > start and not request[end - 1].isalnum() and request[end - 1] != value[-1]:
        end -= 1
    stretch = request[start:end]
    return stretch if fuzz.ratio(value.lower(), stretch.lower()) >= MISCOPIED else value


# A name in capitals, of one or more words ("Chatuchak", "Tamil Nadu", "O'Hare").
_PROPER_NAME = r"(?:[A-Z][\w'-]*\s)*[A-Z][\w'-]*"
# The kinds of a country's parts that are said after a name and are no part of it (a city's is:
# "Kansas City"; a street's: "Baker Street").
_DIVISIONS = {"district", "subdistrict", "county", "province", "prefecture", "region"}
_KIND_WORDS = {"subdistrict": "sub-?district"}


def _unkinded(key: str, value: str) -> str:
    """A name without the kind of place its parameter names already: district_name "Khlong Sam
    Wa" of "Khlong Sam Wa District", sub_district_name "Sai Kong" of "Sai Kong Subdistrict"."""
    words = _words(key)
    named = set(words) | {"".join(word for word in words if word != "name")}
    *name, kind = value.split() or [""]
    return " ".join(name) if name and kind.lower() in _DIVISIONS & named else value


def named_by_kind(fields: dict[str, Any], request: str) -> dict[str, str]:
    """The names the request marks with the kind of place a text parameter names: district_name
    "Sankampang" and sub_district_name "Ton Pao" of "in Chiang Mai, Sankampang District, Ton Pao
    Subdistrict", where the model put the province in the district and left the subdistrict out."""
    named = {}
    for key, field in fields.items():
        kind = "".join(word for word in _words(key) if word != "name")
        if kind not in _DIVISIONS or not isinstance(field, dict) or field.get("type") != "string":
            continue
        marked = set(re.findall(rf"({_PROPER_NAME})\s+(?i:{_KIND_WORDS.get(kind, kind)})\b", request))
        if len(marked) == 1:
            named[key] = marked.pop()
    return named


def _unspliced(value: str, request: str) -> str:
    """The request's own "Place, Region" where the model put another place it names before that
    region: "Bengaluru, Tamil Nadu" of "I'm at Bengaluru. The weather in Chennai, Tamil Nadu"."""
    head, comma, tail = value.partition(",")
    if not comma or not tail.strip() or value.lower() in request.lower() \
            or not re.search(rf"\b{re.escape(head.strip())}\b", request, re.IGNORECASE):
        return value
    named = re.findall(rf"({_PROPER_NAME}),\s*{re.escape(tail.strip())}\b", request)
    return f"{named[0]},{tail}" if len(set(named)) == 1 and named[0].lower() != head.strip().lower() else value


def _unlabelled(key: str, value: str, request: str) -> str:
    """A text without its parameter's name after it, where the request says "the <text> <name>":
    command "start microsoft.windows.camera:" of "using the start microsoft.windows.camera: command"."""
    label = key.replace("_", " ").strip().lower()
    if not value.lower().endswith(f" {label}"):
        return value
    text = value[:-len(label)].rstrip()
    return text if re.search(rf"\bthe {re.escape(text)}\s+{re.escape(label)}\b", request, re.IGNORECASE) else value


def in_described_form(key: str, value: Any, field: dict[str, Any], request: str) -> Any:
    """A value in the form its description gives: a day 'YYYY-MM-DD' ("2023-09-29" of the model's
    "20230929"), an ISO 3166 country code (GB, not the UK it reserves), a time with its seconds
    where the form has them ("2024-03-12 16:00:00" for 'YYYY-MM-DD HH:mm:ss'), a city's name without the
    region after it where the description shows none ("The name of the city", 'Los Angeles'):
    "Washington" of "Washington, DC". One whose description's form has a region ('City, State',
    'New York, NY') keeps it, and gets the one the request says after it ("Vancouver" of
    "weather for Vancouver, BC")."""
    description = field.get("description")
    if not isinstance(value, str) or not isinstance(description, str):
        return value
    if "YYYY-MM-DD" in description and (day := _COMPACT_DAY.fullmatch(value)):
        return "-".join(day.groups())
    if "ISO 3166" in description and value.upper() in _RESERVED_COUNTRY_CODES:
        return _RESERVED_COUNTRY_CODES[value.upper()]
    if _SECONDS_FORM.search(description) and (clock := _CLOCK_WITHOUT_SECONDS.fullmatch(value)):
        return f"{clock['day'] or ''}{int(clock['hour']):02d}:{clock['minute']}:00{clock['offset'] or ''}"
    has_region = any("," in quoted for quoted in _quoted(description))
    if "," not in value and has_region and (said := _with_region(value).search(request)):
        return said.group(0)
    if "," not in value or "city" not in _words(key) or has_region:
        return value
    return value.partition(",")[0].strip()


def _with_region(place: str) -> re.Pattern[str]:
    """The place as said with its region after a comma: "Vancouver, BC", "Paris, France"."""
    return re.compile(rf"\b{re.escape(place)}, (?:[A-Z][\w.]*)(?: [A-Z][\w.]*)*")


# Codes ISO 3166 reserves for a country that has another as its own: the United Kingdom's is GB.
_RESERVED_COUNTRY_CODES = {"UK": "GB", "EL": "GR"}
# A day written without its dashes (20230929) or with them, and a description's form of a day alone ('MM/DD/YYYY').
_COMPACT_DAY = re.compile(r"(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_ISO_DAY = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_DAY_FORM = re.compile(r"'((?:YYYY|MM|DD)([/.-])(?:YYYY|MM|DD)\2(?:YYYY|MM|DD))'", re.IGNORECASE)
# A form of a time of day with its seconds ('YYYY-MM-DD HH:mm:ss'), and a day's time written without them.
_SECONDS_FORM = re.compile(r"\bHH:MM:SS", re.IGNORECASE)
_CLOCK_WITHOUT_SECONDS = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2}[ T])?(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)"
                                    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?")


def _words(key: str) -> list[str]:
    """A parameter's name as words: "district_name", "subDistrictName"."""
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", key).lower().replace("_", " ").split()


# The parameters that hold a command to run, and a command a request gives to the end of its
# sentence: "is docker running? use docker ps", "using the command netsh wlan disconnect".
COMMAND_NAMES = {"command", "cmd"}
_GIVEN_COMMAND = re.compile(r"\b(?:using|use)\s+(?:the\s+)?(?:exact\s+)?(?:(?:command|instruction)\s+)?"
                            r"(?P<command>[^\n]+?)\s*(?:[.?!](?=\s|$)|$)", re.IGNORECASE)


def _as_given(key: str, value: str, request: str) -> str:
    """The command the request gives, where the model added to it ("docker ps -a | grep docker"
    for "using docker ps") or wrote a backslash of its path as a JSON escape ("\\Desktop\\putty"
    as "\\Desktop" and a carriage return). Not one it only names ("the echo command"): the model
    writes that one's arguments ("echo hi")."""
    if key.lower() not in COMMAND_NAMES:
        return value
    given = [m["command"] for m in _GIVEN_COMMAND.finditer(request) if not re.search(r"\bcommand$", m["command"], re.I)]
    if len(given) != 1:
        return value
    command, escaped = given[0], _CONTROL.search(value) and not _CONTROL.search(request)
    return command if value.startswith(f"{command} ") or escaped and \
        fuzz.ratio(value.lower(), command.lower()) >= MISCOPIED_COMMAND else value


def as_written(key: str, value: Any, request: str) -> Any:
    """A copied text without the spaces around it (" VX8812") or the end mark the model put after
    it ("Hey bunny, How are you doing?"), the request's quoted part where it copied the words
    around it too; a latitude or longitude said south or west ("119.5383 W") below zero; a
    yes/no as the words before its subject say it; a name without the kind of place its
    parameter names."""
    if isinstance(value, bool):
        return flag_as_said(key, value, request)
    if isinstance(value, str):
        value = _unkinded(key, _copy_mended(_quoted_part(value.strip(), request), request))
        value = _as_given(key, _unlabelled(key, _unspliced(value, request), request), request)
    if isinstance(value, str) and value.endswith(("?", "!", ".")) and value[:-1].lower() in request.lower() \
            and value.lower() not in request.lower():
        return value[:-1]
    words = stems(key, keep_stop=True)
    compass = "s|south" if words & _LATITUDE else "w|west" if words & _LONGITUDE else None
    if compass and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 and \
            re.search(rf"(?<![\d.]){re.escape(str(value))}\s*°?\s*(?:{compass})\b", request, re.I):
        return -value
    return value
