"""Dates and times in a call as the request says them. A small model copies a date's format well
and its value badly: "November 1, 2023 at 8pm" became 2023-11-01T18:00:00, "the 4th march 2023"
2023-04-04, "the upcoming Wednesday, today is Monday April 25th 2023" 2023-04-25. Calendar
arithmetic is ours to do: where the request names one day (or one time of day) and the call holds
one date (or one time), the call's takes the said one, in its own format. A request naming two
days ("from April 3rd to April 5th"), or a day we can't read ("12/03/2024": March or December?),
and a call holding two dates (a stay's check-in and check-out) are left as they are.
A length of time is the same: "timer for 5 minutes, call it pizza" became hours 5. Where the
call's hours, minutes and seconds hold the numbers the request says, each takes the unit it is said with;
a number written in a unit besides the one it is said in ("for 12 minutes": hours 12, minutes 12) is dropped.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Any

from device.planner.grounding import spoken
from skills.when import MONTHS, WEEKDAYS, next_date

# The skills' slots that hold a day or time of day, as said ("friday at 3 pm").
TIME_SLOTS = {"when", "time", "date", "day"}
_MONTH = r"\b(?:" + "|".join(sorted(MONTHS + [m[:3] for m in MONTHS] + ["sept"], key=len, reverse=True)) + r")\b\.?"
_CALENDAR_DAYS = [
    re.compile(rf"(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<month>{_MONTH})(?:,? (?P<year>\d{{4}})\b)?"),
    re.compile(rf"\b(?P<year>\d{{4}}),? (?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    re.compile(r"\b(?P<year>\d{4})[-.](?P<number>\d{1,2})[-.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<year>20\d{2})(?P<number>[01]\d)(?P<day>[0-3]\d)\b"),
]
_UNREADABLE_DAY = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")  # day/month or month/day: not ours to guess
_RELATIVE_DAY = re.compile(rf"\b(day after tomorrow|tomorrow|(?:(?:upcoming|next|this|coming) )?(?:{'|'.join(WEEKDAYS)}))\b")
_TODAY_IS = re.compile(r"\b(?:today|today's date|the date today|current date)(?: is|'s)\b(?:[^.?!;]|\.(?=\d))*")
_CLOCKS = [
    re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))? ?(?P<half>[ap])\.? ?m\b\.?"),
    re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?: o'?clock)? "
               r"(?:in the (?P<part>morning|afternoon|evening)|(?P<night>at night|tonight))"),
    re.compile(r"(?<![\d:.])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:]| ?[ap]\.? ?m\b)"),
]
# "at 10": morning or evening, not ours to guess
_UNREADABLE_CLOCK = re.compile(r"\bat (?:\d{1,2})\b(?![:.]\d| ?[ap]\.? ?m\b| o'?clock (?:in|at)| (?:in the|at night|tonight))")
_LENGTH = re.compile(r"\b(?P<number>\d+(?:\.\d+)?) ?(?P<unit>hour|hr|minute|min|second|sec)s?\b")
_UNITS = {"hour": "hours", "hr": "hours", "minute": "minutes", "min": "minutes", "second": "seconds", "sec": "seconds"}
_VALUE_DAY = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_VALUE_CLOCK = re.compile(r"(?<![\d:])(?:[01]\d|2[0-3]):[0-5]\d(?!:?\d* ?[ap]\.? ?m\b)", re.IGNORECASE)  # 24-hour only


def as_said(args: dict[str, Any], request: str, today: date) -> dict[str, Any]:
    """The arguments with the day and time of day the request names; `today` is the day a
    relative one ("tomorrow", "next friday") counts from, unless the request says which it is."""
    days, clocks = moments_said(request, today)
    values = " ".join(texts_in(args))
    day = days.pop() if len(days) == 1 and None not in days and len(_VALUE_DAY.findall(values)) == 1 else None
    clock = clocks.pop() if len(clocks) == 1 and None not in clocks and len(_VALUE_CLOCK.findall(values)) == 1 else None
    return _fixed(args, day, clock) if day or clock else args


def moments_said(request: str, today: date) -> tuple[set[date | None], set[time | None]]:
    """The days and the times of day the request names (None for one in a form we can't read)."""
    anchor, weekday, said = _today(spoken(request), today)
    return set(_days(said, anchor, weekday)), set(_clocks(said))


def holds_a_clock(value: Any) -> bool:
    """Whether a text holds a time of day in 24 hours ("20/06/2022 15:00")."""
    return isinstance(value, str) and _VALUE_CLOCK.search(value) is not None


def durations_as_said(args: dict[str, Any], fields: dict[str, Any], request: str) -> dict[str, Any]:
    """The arguments with each number of a length of time in the unit the request says it in.
    `fields` are the call's properties; a unit's field is named for it ("minutes", "start_minutes")."""
    found = [(_UNITS[m["unit"]], float(m["number"])) for m in _LENGTH.finditer(spoken(request))]
    lengths = dict(found)
    args = _without_units_unsaid(args, found, request)
    written = _lengths(args)
    prefixes = {name.removesuffix(name.rpartition("_")[2]) for name in written}
    if len(lengths) < len(found) or len(prefixes) != 1 or sorted(written.values()) != sorted(lengths.values()):
        return args  # a unit said twice, or the model's numbers aren't the said ones: no unit to put right
    prefix = prefixes.pop()
    said = {prefix + unit: int(number) if number.is_integer() else number for unit, number in lengths.items()}
    if said == written or not set(said) <= set(fields):
        return args
    return {**{k: v for k, v in args.items() if k not in written}, **said}


def _lengths(args: dict[str, Any]) -> dict[str, int | float]:
    """The call's numbers in fields named for a unit of time ("minutes", "start_minutes")."""
    return {name: value for name, value in args.items() if name.rpartition("_")[2] in _UNITS.values()
            and isinstance(value, int | float) and not isinstance(value, bool)}


def _without_units_unsaid(args: dict[str, Any], found: list[tuple[str, float]], request: str) -> dict[str, Any]:
    """The arguments less a unit's number the request says only as another unit's length, where
    every length said is written in its own unit: "a timer for pasta for 12 minutes" got hours 12
    and minutes 12. A number said on its own stays the next unit's ("1 hour 30")."""
    units = {name: (name.rpartition("_")[2], float(value)) for name, value in _lengths(args).items()}
    if not found or not set(found) <= set(units.values()):
        return args
    loose = Counter(float(n) for n in re.findall(r"\d+(?:\.\d+)?", spoken(request))) - Counter(n for _, n in found)
    return {k: v for k, v in args.items() if k not in units or units[k] in found or loose[units[k][1]] > 0}


def in_whole_units(args: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A length of time in whole units, each fraction carried to the next smaller unit the call
    takes: "1.5 hours" is 1 hour and 30 minutes, as Home Assistant and a timer's read-back say it."""
    out = dict(args)
    for unit, next_unit in (("hours", "minutes"), ("minutes", "seconds")):
        for name in [n for n in out if n.endswith(unit)]:
            out = _carried(out, name, name.removesuffix(unit) + next_unit, fields)
    return out


def _carried(args: dict[str, Any], name: str, smaller: str, fields: dict[str, Any]) -> dict[str, Any]:
    value = args[name]
    if not isinstance(value, float) or value.is_integer() or smaller not in fields:
        return args
    carried = round(args.get(smaller, 0) + (value - int(value)) * 60, 6)
    return {**{k: v for k, v in args.items() if k != name}, **({name: int(value)} if int(value) else {}),
            smaller: int(carried) if carried.is_integer() else carried}


def texts_in(value: Any) -> Iterator[str]:
    """Every text in a value, nested dicts' and lists' too."""
    if isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from texts_in(item)
    elif isinstance(value, str):
        yield value


def _fixed(value: Any, day: date | None, clock: time | None) -> Any:
    if isinstance(value, dict):
        return {key: _fixed(item, day, clock) for key, item in value.items()}
    if isinstance(value, list):
        return [_fixed(item, day, clock) for item in value]
    if isinstance(value, str) and day:
        value = _VALUE_DAY.sub(day.isoformat(), value)
    if isinstance(value, str) and clock:
        value = _VALUE_CLOCK.sub(clock.strftime("%H:%M"), value)
    return value


def _today(said: str, today: date) -> tuple[date, int, str]:
    """The day the request says today is ("today is tuesday 2023.10.10"), the weekday it gives
    it (a relative day counts from the weekday said, right or not), and the request less that
    phrase: it names no day the call is about."""
    found = _TODAY_IS.search(said)
    named = [d for d in _days(found.group(), today, None) if d] if found else []
    if not named:
        return today, today.weekday(), said
    weekday = next((i for i, name in enumerate(WEEKDAYS) if re.search(rf"\b{name}\b", found.group())), None)
    return named[0], named[0].weekday() if weekday is None else weekday, said[:found.start()] + said[found.end():]


def _days(said: str, today: date, weekday: int | None) -> list[date | None]:
    """Every day the text names (None for one in a form we can't read); a relative one counts
    from `today`, which is a `weekday` (None: the text's relative days are not read)."""
    found, taken = [], []
    for pattern in _CALENDAR_DAYS:
        for match in pattern.finditer(said):
            if not any(a < match.end() and match.start() < b for a, b in taken):
                taken.append(match.span())
                found.append(_calendar_day(match.groupdict(), today))
    found += [None for _ in _UNREADABLE_DAY.finditer(said)]
    # A weekday just before a date names that date ("on friday, march 3rd")
    return found + [_relative_day(m.group(), today, weekday) for m in _RELATIVE_DAY.finditer(said)
                    if weekday is not None and not any(0 <= a - m.end() <= 6 for a, _ in taken)]


def _calendar_day(parts: dict[str, str | None], today: date) -> date | None:
    month = int(parts["number"]) if parts.get("number") else \
        next(i for i, name in enumerate(MONTHS, 1) if name.startswith(parts["month"][:3]))
    try:  # a date without its year is the next one from today ("on march 3rd" said in December)
        return date(int(parts["year"]), month, int(parts["day"])) if parts["year"] else \
            next_date(today, month, int(parts["day"]))
    except ValueError:
        return None


def _relative_day(phrase: str, today: date, weekday: int) -> date:
    if phrase in ("tomorrow", "day after tomorrow"):
        return today + timedelta(days=1 if phrase == "tomorrow" else 2)
    return today + timedelta(days=(WEEKDAYS.index(phrase.split()[-1]) - weekday) % 7 or 7)


def _clocks(said: str) -> list[time | None]:
    """Every time of day the text names: with am/pm or a part of the day, or as 24-hour hh:mm
    (None for an hour alone)."""
    found = [time(12, 0) if m.group() in ("noon", "midday") else time(0, 0)
             for m in re.finditer(r"\b(?:noon|midday|midnight)\b", said)]
    found += [c for pattern in _CLOCKS for m in pattern.finditer(said) if (c := _clock(m.groupdict()))]
    return found + [None for _ in _UNREADABLE_CLOCK.finditer(said)]


def _clock(parts: dict[str, str | None]) -> time | None:
    hour, minute = int(parts["hour"]), int(parts.get("minute") or 0)
    later = parts.get("half") == "p" or parts.get("part") in ("afternoon", "evening") or bool(parts.get("night"))
    earlier = parts.get("half") == "a" or parts.get("part") == "morning"
    if hour > 23 or minute > 59 or (hour > 12 and (later or earlier)):
        return None
    return time(hour + 12 if later and hour < 12 else 0 if earlier and hour == 12 else hour, minute)
