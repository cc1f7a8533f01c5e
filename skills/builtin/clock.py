"""The time and the date, from the device's own clock; the time elsewhere from the time zone
database (the `tzdata` package: its zones' cities, and its countries that keep one time)."""
from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from pydantic import BaseModel, ConfigDict, Field

from skills import when
from skills.home import spoken_name
from skills.sdk import SkillContext, SkillError, SkillResult, skill

# Countries' other names, by their ISO 3166 codes (the time zone table names them one way).
_ALSO_CALLED = {"GB": ("uk", "united kingdom", "great britain", "england", "scotland", "wales"),
                "US": ("usa", "us", "america", "united states of america"), "KR": ("south korea",),
                "KP": ("north korea",), "NL": ("holland",), "AE": ("uae",), "CZ": ("czechia",)}


class TimeArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: str | None = Field(None, description="A city or country asked about, e.g. 'tokyo'; none = here")


@skill(
    name="HassGetCurrentTime",
    description="Say what time it is now (here, or in a city or country)",
    risk="read",
    examples=[
        "what time is it [now]",
        "what's the [current] time",
        "(what is|tell me) the [current] time",
        "[do you know] what time it is",
        "what time is it [now|right now] in {place} [now|right now]",
        "(what's|what is|tell me) the [current] time in {place} [now|right now]",
    ],
    phrasings=["what('s| is) the time [now]", "(tell|give) me the time", "do you (know|have) the time",
               "what time is it [now|right now|in {place}]", "(current|the) time [please]", "what time do you have",
               "what time is it (in|over in) {place}", "(tell|give) me the time in {place}"],
)
def current_time(args: TimeArgs, ctx: SkillContext) -> SkillResult:
    now = ctx.now()
    if not args.place or spoken_name(args.place) in map(spoken_name, ctx.home.area_names() + ctx.home.floor_names()):
        return SkillResult(speech=f"It's {when.say_time(now)}.", data={"time": now.strftime("%H:%M")})
    name, zone = zone_of(args.place, now)
    there = now.astimezone(zone)
    day = "" if there.date() == now.date() else f" on {there.strftime('%A')}"
    return SkillResult(speech=f"In {name} it's {when.say_time(there)}{day}.",
                       data={"time": there.strftime("%H:%M"), "zone": zone.key})


def zone_of(place: str, now: datetime) -> tuple[str, zoneinfo.ZoneInfo]:
    """The name and zone of a place, by its whole name or the longest run of its words the
    database names ("new york city", "tokyo japan"); a country whose clocks differ asks for a city."""
    words = re.findall(r"[a-z]+", place.lower())
    runs = (" ".join(words[i:i + n]) for n in range(len(words), 0, -1) for i in range(len(words) - n + 1))
    found = next((_zones_by_place()[run] for run in runs if run in _zones_by_place()), None)
    if found is None:
        raise SkillError(f"I don't know the time zone of {place}; ask me about a big city or a country.")
    name, zones = found
    if len({now.astimezone(zone).utcoffset() for zone in zones}) > 1:
        raise SkillError(f"{name} has several time zones; ask me about one of its cities.")
    return name, zones[0]


@cache
def _zones_by_place() -> dict[str, tuple[str, list[zoneinfo.ZoneInfo]]]:
    """Cities as the zones name them ("Asia/Tokyo": Tokyo), and countries with their zones, by
    the names in lower case."""
    places = {}
    for key in zoneinfo.available_timezones():
        if "/" in key and not key.startswith("Etc/"):
            city = key.rsplit("/", 1)[-1].replace("_", " ")
            places[city.lower()] = (city, [zoneinfo.ZoneInfo(key)])
    tables = files("tzdata") / "zoneinfo"
    countries = dict(_rows(tables / "iso3166.tab"))
    for code, _, key, *_ in _rows(tables / "zone.tab"):
        name = re.sub(r"\s*\(.*?\)", "", countries[code])
        for said in _country_names(code, countries[code]):
            places.setdefault(said, (name, []))[1].append(zoneinfo.ZoneInfo(key))
    return places


def _country_names(code: str, name: str) -> list[str]:
    """How a country is said: its name in the table without what's in brackets ("Korea (South)"),
    and the other names people use."""
    return [re.sub(r"\s*\(.*?\)", "", name).lower(), *_ALSO_CALLED.get(code, ())]


def _rows(table: Traversable) -> list[list[str]]:
    return [line.split("\t") for line in table.read_text().splitlines() if line and not line.startswith("#")]


class DateArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: str | None = Field(None, description="A day asked about, as said, e.g. 'the twenty second of may' "
                                              "or 'next friday'; none = today")


@skill(
    name="HassGetCurrentDate",
    description="Say today's date, or the weekday of a date and how far away it is",
    risk="read",
    examples=["what (is|'s) [the] date [today]", "what day [of the week] is it [today]", "what is today's date",
              "(what|which) day [of the week] (is|will be|falls on) the {day}",
              "what day of the week is {day}", "how many days (until|till|to|before) {day}"],
    phrasings=["what('s| is) [the] (date|day) [today]", "what (day|date) is it [today|tomorrow]",
               "what day of the week is it", "(tell|give) me (the|today's) date", "what('s| is) today",
               "which day is it",
               "what day [of the week] (is|will be|falls on|does it fall on) {day}",
               "what day (is|does) {day} (fall on|land on|be)",
               "is {day} a (monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend)",
               "(how many|how long) (days|weeks) (until|till|to|before) {day}",
               "which day of the week is {day}", "day on {day}"],
)
def current_date(args: DateArgs, ctx: SkillContext) -> SkillResult:
    today = ctx.now().date()
    if not args.day:
        return SkillResult(speech=f"Today is {today.strftime('%A, %B')} {today.day}, {today.year}.",
                           data={"date": today.isoformat()})
    try:
        day = when.parse(args.day, ctx.now()).day
    except ValueError:
        day = None
    if day is None:
        raise SkillError(f"I couldn't tell which day '{args.day}' is; say it like 'the twenty second of may'.")
    away = (day - today).days
    return SkillResult(speech=f"{day.strftime('%A, %B')} {day.day}, {day.year}, {_how_far(away)}.",
                       data={"date": day.isoformat(), "days_away": away})


def _how_far(days: int) -> str:
    if days == 0:
        return "is today"
    if days == 1:
        return "is tomorrow"
    return f"is in {days} days" if days > 0 else f"was {-days} days ago"
