"""Spoken dates and times ("six thirty pm tomorrow", "next friday at noon", "in 20 minutes").

Number words become digits with text2num; the rest is a small grammar of the phrases people use
for alarms and appointments. General date libraries guess wrong on these ("monday at 8" gave a
date months away), and a wrong alarm is worse than a question, so what we can't read is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from text_to_num import alpha2digit

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_PM_WORDS = ("pm", "p m", "tonight", "evening", "afternoon", "night")
_AM_WORDS = ("am", "a m", "morning")
# "in 20 minutes", "2 hours and 5 minutes from now", or a bare "1 hour" (not 1 o'clock); "5 minutes
# past 6" is a clock
_RELATIVE = re.compile(r"\b(?:in )?(\d+(?:\.\d+)?) (second|minute|hour|day|week)s?\b(?: from now\b)?"
                       r"(?! (?:past|after|to|before|ago)\b)")
# Amounts said in words, as numbers: "an hour and a half" is 1.5 hours, "half an hour" 30 minutes.
_AMOUNTS = [(r"\bhalf an hour\b", "30 minutes"), (r"\ba quarter of an hour\b", "15 minutes"),
            (r"\ba couple of\b", "2"), (r"\ba few\b", "3"), (r"\ban? (?=(?:second|minute|hour|day|week)\b)", "1 "),
            (r"\b(\d+) (second|minute|hour|day|week)s? and a half\b", r"\1.5 \2s"),
            (r"\b(\d+) and a half (second|minute|hour|day|week)s\b", r"\1.5 \2s")]
_MONTH_DAY = re.compile(rf"\b({'|'.join(MONTHS)}) (\d{{1,2}})(?:st|nd|rd|th)?\b"
                        rf"|\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({'|'.join(MONTHS)})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Holidays on the same date every year, wherever they are kept.
HOLIDAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "boxing day": (12, 26), "new year's eve": (12, 31),
            "new year's day": (1, 1), "new year": (1, 1), "halloween": (10, 31), "valentine's day": (2, 14)}
_HOLIDAY = re.compile(r"\b(" + "|".join(re.escape(name) for name in HOLIDAYS) + r")\b")
_DAY_OF_MONTH = re.compile(r"\bthe (\d{1,2})(?:st|nd|rd|th)\b")  # "on the 5th": a day, not 5 o'clock
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d{2})| (\d{2})\b| o'?clock\b)?")
_PAST_TO = re.compile(r"\b(half|quarter|\d{1,2}) (?:minutes? )?(past|after|to|before) (\d{1,2})\b")


@dataclass(frozen=True)
class When:
    """What a phrase said: a day, a time of day, or both (None where it said nothing)."""

    day: date | None = None
    clock: time | None = None
    pm_hint: bool | None = None
    """True for "pm"/"evening", False for "am"/"morning", None when the phrase didn't say."""
    part_clock: time | None = None
    """The hour a part of the day said without a time stands for ("this afternoon": 1 pm), as
    phone assistants set a reminder or alarm for it; never a time the phrase said."""


def normalize(text: str) -> str:
    # every number, "one" and "two" too: in a time phrase each is an hour or an amount
    spoken = alpha2digit(text.lower(), "en", threshold=0)
    return re.sub(r"\s+", " ", re.sub(r"[,?!]|(?<=\b[ap])\.|(?<=\b[ap] m)\.", " ", spoken)).strip()


# Every word a day or time is said with, besides numbers, weekdays, months and holidays.
_TIME_WORDS = set("""at on in by the of this next coming upcoming tomorrow today tonight morning afternoon evening
    night noon midday midnight am pm a m p o'clock oclock second seconds minute minutes hour hours day days week weeks
    month year from now half quarter past to after before every weekend weekday st nd rd th and an day's""".split())


def is_time_phrase(text: str) -> bool:
    """Whether a phrase is a day or time and nothing else: "in 15 minutes", not "the oven in 15 minutes"."""
    spoken = normalize(text)
    for holiday in HOLIDAYS:
        spoken = spoken.replace(holiday, " ")
    words = re.findall(r"[\w':.]+", spoken)
    if not all(w in _TIME_WORDS or w in WEEKDAYS or w in MONTHS or re.fullmatch(r"[\d:.]+(st|nd|rd|th)?", w)
               for w in words):
        return False
    try:
        parse(text, datetime.now())
    except ValueError:
        return False
    return True


# Words that join what to do to the time after it ("set the alarm for tomorrow"), part of neither.
_JOINERS = {"for", "at", "on", "in", "by", "from"}


def split_time(text: str) -> tuple[str, str | None]:
    """A text's words before the day or time it ends with, and that time: "take out the trash
    tomorrow" is ("take out the trash", "tomorrow"); (text, None) where it ends with none."""
    words = text.split()
    for start in range(1, len(words)):  # the longest time phrase first: "at 5 pm on friday", not "friday"
        said = " ".join(words[start:])
        if is_time_phrase(said):
            head = words[:start]
            while head and head[-1].lower() in _JOINERS:
                head.pop()
            if head:
                return " ".join(head), said
    return text, None


def parse(text: str, now: datetime) -> When:
    """The day and time a phrase names, relative to `now`; raises ValueError when it names neither."""
    spoken = normalize(text)
    if (relative := _relative(spoken)) is None:
        day, rest = _day(spoken, now.date())
    elif relative % timedelta(days=1):  # hours or minutes from now: a moment
        moment = now + relative  # an exact moment: "in an hour" at 4 am is 5 am, not 5 pm
        return When(day=moment.date(), clock=moment.time().replace(second=0, microsecond=0), pm_hint=moment.hour >= 12)
    else:  # whole days from now: a day, at the time said with it ("in 2 days at 5 pm"), if any
        day, rest = (now + relative).date(), _RELATIVE.sub(" ", amounts_in_digits(spoken))
    clock, pm_hint = _clock(rest)
    part_clock = None if clock else next(
        (time(hour) for part, hour in PART_OF_DAY_HOURS.items() if re.search(rf"\b{part}\b", rest)), None)
    if day is None and clock is None and part_clock is None:
        raise ValueError(f"no date or time in {text!r}")
    return When(day=day, clock=clock, pm_hint=pm_hint, part_clock=part_clock)


# The hour each part of the day stands for when no time is said with it.
PART_OF_DAY_HOURS = {"morning": 9, "afternoon": 13, "evening": 18, "tonight": 20, "night": 20}


def amounts_in_digits(spoken: str) -> str:
    """A normalized phrase with its lengths of time in digits: "in an hour and a half" is "in 1.5 hours"."""
    for pattern, amount in _AMOUNTS:
        spoken = re.sub(pattern, amount, spoken)
    return spoken


def _relative(spoken: str) -> timedelta | None:
    """The length of time a phrase counts from now, every part of it ("in 1 hour and 20 minutes")."""
    found = _RELATIVE.findall(amounts_in_digits(spoken))
    if not found:
        return None
    return sum((timedelta(**{f"{unit}s": float(number)}) for number, unit in found), timedelta())


def _day(spoken: str, today: date) -> tuple[date | None, str]:
    """The day a phrase names, and the phrase without it (so its numbers aren't read as a time)."""
    if found := _ISO_DATE.search(spoken):
        return date(*map(int, found.groups())), spoken.replace(found.group(0), " ")
    if found := _MONTH_DAY.search(spoken):
        month_name, day_number = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
        return next_date(today, MONTHS.index(month_name) + 1, int(day_number)), spoken.replace(found.group(0), " ")
    if found := _HOLIDAY.search(spoken):
        return next_date(today, *HOLIDAYS[found.group(1)]), spoken.replace(found.group(0), " ")
    if found := _DAY_OF_MONTH.search(spoken):
        return _next_day_of_month(today, int(found.group(1))), spoken.replace(found.group(0), " ")
    if "day after tomorrow" in spoken:
        return today + timedelta(days=2), spoken.replace("day after tomorrow", " ")
    if "tomorrow" in spoken:
        return today + timedelta(days=1), spoken.replace("tomorrow", " ")
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", spoken):
        return today, spoken
    for index, name in enumerate(WEEKDAYS):
        if found := re.search(rf"\b(next )?{name}s?\b", spoken):
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead), spoken.replace(found.group(0), " ")
    return None, spoken


def _next_day_of_month(today: date, day: int) -> date:
    """The next such day of a month from today (this month's if it hasn't passed)."""
    for ahead in range(13):
        year, month = divmod(today.month - 1 + ahead, 12)
        try:
            found = date(today.year + year, month + 1, day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise ValueError(f"no month has a day {day}")


def next_date(today: date, month: int, day: int) -> date:
    """The next such date from today (this year's if it hasn't passed)."""
    try:
        this_year = date(today.year, month, day)
    except ValueError:
        raise ValueError(f"there is no {MONTHS[month - 1]} {day}") from None
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _clock(spoken: str) -> tuple[time | None, bool | None]:
    pm_hint = True if any(re.search(rf"\b{w}\b", spoken) for w in _PM_WORDS) else (
        False if any(re.search(rf"\b{w}\b", spoken) for w in _AM_WORDS) else None)
    if re.search(r"\b(noon|midday)\b", spoken):
        return time(12, 0), True
    if re.search(r"\bmidnight\b", spoken):
        return time(0, 0), False
    if found := _PAST_TO.search(spoken):
        return _with_hint(_past_to(*found.groups()), pm_hint), pm_hint
    if found := _CLOCK.search(spoken):
        hour, minute = int(found.group(1)), int(found.group(2) or found.group(3) or 0)
        if hour > 23 or minute > 59:
            raise ValueError(f"{hour}:{minute:02d} is not a time of day")
        return _with_hint(time(hour, minute), pm_hint), pm_hint
    return None, pm_hint


def _with_hint(clock: time, pm_hint: bool | None) -> time:
    """"7 pm" is 19:00 and "12 am" is midnight; without a hint the hour stays as said."""
    if pm_hint and clock.hour < 12:
        return clock.replace(hour=clock.hour + 12)
    if pm_hint is False and clock.hour == 12:
        return clock.replace(hour=0)
    return clock


def _past_to(amount: str, direction: str, hour_text: str) -> time:
    minutes = {"half": 30, "quarter": 15}.get(amount) or int(amount)
    at = datetime(2000, 1, 1, int(hour_text) % 24)
    at += timedelta(minutes=minutes) if direction in ("past", "after") else -timedelta(minutes=minutes)
    return at.time()


def next_moment(when: When, now: datetime) -> datetime:
    """The first moment after `now` that fits. An hour without am/pm is whichever comes first;
    on a named day, 1 to 6 means the afternoon (appointments at 3 are rarely at 3 am)."""
    clock = when.clock or when.part_clock or time(9, 0)
    days = [when.day] if when.day else [now.date(), now.date() + timedelta(days=1)]
    hours = [clock.hour]
    if when.pm_hint is None and when.day and 1 <= clock.hour <= 6:
        hours = [clock.hour + 12]
    elif when.pm_hint is None and not when.day and 1 <= clock.hour <= 11:
        hours.append(clock.hour + 12)
    moments = sorted(datetime.combine(d, clock.replace(hour=h)) for d in days for h in hours)
    upcoming = [m for m in moments if m > now]
    if not upcoming:
        raise ValueError(f"{say_time(moments[-1])} {say_day(moments[-1].date(), now.date())} has passed")
    return upcoming[0]


REPEAT_WORDS = [(r"\bweek ?days?\b", "weekdays"), (r"\bweek ?ends?\b", "weekends"),
                *((rf"\b{name}s?\b", f"{name}s") for name in WEEKDAYS),
                (r"\b(day|days|morning|mornings|evening|evenings|night|nights|afternoon)\b", "daily")]


@dataclass(frozen=True)
class Schedule:
    """A time of day that comes back: every day, on weekdays, on weekends or on one weekday."""

    repeat: str
    """daily | weekdays | weekends | mondays … sundays"""
    clock: time


def parse_schedule(text: str) -> Schedule:
    """"every weekday at 7", "each evening at half past six", "every monday at 6 pm". An hour
    without am/pm is taken as said (7 is 7:00 AM); the read-back says which it is."""
    spoken = normalize(text)
    repeat = next((name for pattern, name in REPEAT_WORDS if re.search(pattern, spoken)), None)
    if repeat is None:
        raise ValueError("say how often, e.g. 'every day' or 'every weekday'")
    clock, _ = _clock(spoken)
    if clock is None:
        raise ValueError("say a time of day, e.g. 'at 7 am'")
    return Schedule(repeat=repeat, clock=clock)


def repeats_on(repeat: str | None, weekday: int) -> bool:
    """Whether a repeat ("daily", "weekdays", "weekends", "mondays" …) includes that weekday."""
    if repeat in ("daily", "weekdays", "weekends"):
        return repeat == "daily" or (repeat == "weekdays") == (weekday < 5)
    return repeat == f"{WEEKDAYS[weekday]}s"


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """The first moment after `after` the schedule comes round."""
    moment = datetime.combine(after.date(), schedule.clock)
    while moment <= after or not repeats_on(schedule.repeat, moment.weekday()):
        moment += timedelta(days=1)
    return moment


def say_schedule(schedule: Schedule) -> str:
    often = {"daily": "every day", "weekdays": "every weekday", "weekends": "on weekends"}.get(
        schedule.repeat, f"every {schedule.repeat[:-1].capitalize()}")
    return f"{often} at {say_time(schedule.clock)}"


def say_time(moment: datetime | time) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def say_day(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if 0 < (day - today).days < 7:
        return f"on {day.strftime('%A')}"
    return f"on {day.strftime('%A, %B')} {day.day}"
