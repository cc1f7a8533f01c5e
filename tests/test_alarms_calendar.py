"""Alarms and the calendar against real SQLite, with a clock the test moves (2026-01-01 is a Thursday, noon)."""
from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from skills import when


@pytest.mark.parametrize(("said", "expected"), [
    ("six thirty am tomorrow", "2026-01-02 06:30"),
    ("seven fifteen pm", "2026-01-01 19:15"),
    ("ten", "2026-01-01 22:00"),  # no am/pm: whichever comes first
    ("half past seven", "2026-01-01 19:30"),
    ("a quarter to nine tomorrow morning", "2026-01-02 08:45"),
    ("noon", "2026-01-02 12:00"),
    ("in twenty minutes", "2026-01-01 12:20"),
    ("1 hour", "2026-01-01 13:00"),  # a length alone is from now, not one o'clock
    ("ten minutes past six", "2026-01-01 18:10"),
    ("monday at 8", "2026-01-05 08:00"),
    ("next saturday at five o'clock", "2026-01-03 17:00"),  # a named day: 5 means the afternoon
    ("march 3rd at 10:30", "2026-03-03 10:30"),
    ("2026-12-24 18:00", "2026-12-24 18:00"),
    ("on the fifth at 3 pm", "2026-01-05 15:00"),  # a day of this month, not 5 o'clock
    ("christmas eve at six pm", "2026-12-24 18:00"),
    ("in two hours", "2026-01-01 14:00"),  # "two": text2num leaves numbers under 3 as words by default
    ("in an hour and a half", "2026-01-01 13:30"),
    ("half an hour from now", "2026-01-01 12:30"),
    ("in 1 hour and 15 minutes", "2026-01-01 13:15"),
    ("in 2 days at 5 pm", "2026-01-03 17:00"),
    ("this evening", "2026-01-01 18:00"),  # a part of the day alone: the hour it stands for
    ("tomorrow morning", "2026-01-02 09:00"),
    ("in the morning", "2026-01-02 09:00"),
    ("tonight", "2026-01-01 20:00"),
])
def test_spoken_moments(said: str, expected: str, clock) -> None:
    moment = when.next_moment(when.parse(said, clock()), clock())
    assert moment.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(("phrase", "only_a_time"), [
    ("in half an hour", True), ("tomorrow at 9", True), ("christmas eve at six pm", True), ("the 5th", True),
    ("the oven in 15 minutes", False), ("to buy milk", False), ("whenever you like", False)])
def test_a_time_phrase_says_a_time_and_nothing_else(phrase: str, only_a_time: bool) -> None:
    assert when.is_time_phrase(phrase) is only_a_time


@pytest.mark.parametrize(("text", "split"), [
    ("take out the trash tomorrow", ("take out the trash", "tomorrow")),
    ("call mom at 5 pm on friday", ("call mom", "at 5 pm on friday")),  # the longest time phrase
    ("set the alarm for tomorrow", ("set the alarm", "tomorrow")),  # "for" joins the two
    ("dinner with sam", ("dinner with sam", None)),
    ("the 5 o'clock train", ("the 5 o'clock train", None)),
    ("tomorrow", ("tomorrow", None))])  # a time with nothing before it is no title
def test_a_text_ending_with_a_time_splits_before_it(text: str, split: tuple) -> None:
    assert when.split_time(text) == split


def test_a_moment_from_now_is_that_moment_in_the_small_hours_too() -> None:
    now = datetime(2026, 1, 1, 4, 11)
    assert when.next_moment(when.parse("in an hour", now), now) == datetime(2026, 1, 1, 5, 11)  # was 5:11 pm


def test_whole_days_from_now_are_a_day_not_this_time_of_it(clock) -> None:
    assert when.parse("a week from today", clock()) == when.When(day=date(2026, 1, 8))


def test_a_phrase_with_no_time_is_an_error(clock) -> None:
    with pytest.raises(ValueError, match="no date or time"):
        when.parse("whenever you like", clock())


def test_the_weekday_of_a_date_and_how_far_away_it_is(run) -> None:
    assert run("HassGetCurrentDate").speech == "Today is Thursday, January 1, 2026."
    assert run("HassGetCurrentDate", day="the twenty second of may").speech == "Friday, May 22, 2026, is in 141 days."
    assert run("HassGetCurrentDate", day="tomorrow").speech == "Friday, January 2, 2026, is tomorrow."
    unreadable = run("HassGetCurrentDate", day="someday")
    assert unreadable.status == "failed" and "say it like" in unreadable.speech


@pytest.fixture
def utc(monkeypatch):
    """The device's clock read as UTC, wherever the tests run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_time_in_a_city_or_a_country(run, utc) -> None:  # the clock: Thursday, noon UTC
    assert run("HassGetCurrentTime", place="tokyo japan").speech == "In Tokyo it's 9:00 PM."
    assert run("HassGetCurrentTime", place="new york city").speech == "In New York it's 7:00 AM."
    assert run("HassGetCurrentTime", place="fiji").speech == "In Fiji it's 12:00 AM on Friday."
    assert run("HassGetCurrentTime", place="the uk").speech == "In Britain it's 12:00 PM."
    assert run("HassGetCurrentTime", place="the kitchen").speech == "It's 12:00 PM."  # a room is here
    several = run("HassGetCurrentTime", place="australia")
    assert several.status == "failed" and several.speech == "Australia has several time zones; ask me about one of its cities."
    assert run("HassGetCurrentTime", place="atlantis").speech == \
        "I don't know the time zone of atlantis; ask me about a big city or a country."


def test_alarm_set_query_cancel(run) -> None:
    assert run("AlarmSet", time="six thirty am tomorrow").speech == "Alarm set for 6:30 AM tomorrow."
    assert run("AlarmSet", time="7 pm", label="yoga").speech == "Alarm set for 7:00 PM today (yoga)."
    assert run("AlarmQuery").speech == "You have 2 alarms: 7:00 PM today (yoga), 6:30 AM tomorrow."
    ambiguous = run("AlarmCancel")
    assert ambiguous.status == "failed" and ambiguous.speech.startswith("Which alarm:")
    assert run("AlarmCancel", label="yoga").speech == "Cancelled the alarm for 7:00 PM today (yoga)."
    assert run("AlarmCancel", time="6:30").speech == "Cancelled the alarm for 6:30 AM tomorrow."
    assert run("AlarmQuery").speech == "You have no alarms set."


def test_alarms_survive_a_restart_and_cancel_all(device) -> None:
    device()("AlarmSet", time="8 am", repeat="weekdays")
    device()("AlarmSet", time="9 am saturday")
    again = device()
    assert again("AlarmQuery").speech == "You have 2 alarms: 8:00 AM on weekdays, 9:00 AM on Saturday."
    assert again("AlarmCancel", all=True).speech == "Cancelled 2 alarms."


def test_a_weekday_alarm_skips_the_weekend(run, clock) -> None:
    clock.now = datetime(2026, 1, 2, 12, 0)  # a Friday after 8 am
    data = run("AlarmSet", time="8 am", repeat="weekdays").result["data"]
    assert data["at"] == "2026-01-05T08:00"


def test_an_unreadable_alarm_time_is_a_spoken_question(run) -> None:
    failed = run("AlarmSet", time="whenever")
    assert failed.status == "failed" and "couldn't tell when" in failed.speech


def test_a_reminder_for_a_part_of_the_day_is_set_for_its_hour_and_found_by_its_day(run) -> None:
    assert run("CalendarAdd", title="check the mail", when="this afternoon").speech == \
        "Added check the mail today at 1:00 PM to your calendar. I'll remind you then."
    assert run("CalendarAdd", title="yoga", when="tomorrow evening").speech == \
        "Added yoga tomorrow at 6:00 PM to your calendar. I'll remind you then."
    # asked for by the part of the day, the day's entries are all found, not only those at its hour
    assert "yoga" in run("CalendarQuery", when="tomorrow morning").speech
    assert run("AlarmSet", time="tomorrow evening").speech == "Alarm set for 6:00 PM tomorrow."  # was 9 am


def test_calendar_add_query_remove(run) -> None:
    assert run("CalendarAdd", title="dentist", when="saturday at 3").speech == \
        "Added dentist on Saturday at 3:00 PM to your calendar. I'll remind you then."
    run("CalendarAdd", title="team lunch", when="tomorrow at noon")
    run("CalendarAdd", title="holiday in Cuba", when="april 2")
    assert run("CalendarQuery").speech == \
        "On your calendar this week: team lunch tomorrow at 12:00 PM; dentist on Saturday at 3:00 PM."
    assert run("CalendarQuery", when="tomorrow").speech == "On your calendar tomorrow: team lunch tomorrow at 12:00 PM."
    assert run("CalendarQuery", when="sunday").speech == "Nothing is on your calendar on Sunday."
    assert run("CalendarQuery", title="holiday").speech == \
        "On your calendar in the coming year: holiday in Cuba on Thursday, April 2."
    assert run("CalendarRemove", title="lunch").speech == "Removed team lunch tomorrow at 12:00 PM from your calendar."
    missing = run("CalendarRemove", title="opera")
    assert missing.status == "failed" and "nothing like that" in missing.speech


def test_a_title_ending_with_its_time_is_added_at_that_time(run) -> None:
    # "remind me to take the bins out saturday at 3" fills only the title
    added = run("CalendarAdd", title="take the bins out saturday at 3")
    assert added.speech == "Added take the bins out on Saturday at 3:00 PM to your calendar. I'll remind you then."
    assert run("CalendarAdd", title="film night saturday", when="sunday").result["data"]["day"] == "2026-01-04"  # said apart: kept


def test_clearing_a_day_needs_all(run) -> None:
    run("CalendarAdd", title="standup", when="tomorrow at 9 am")
    run("CalendarAdd", title="review", when="tomorrow at 4 pm")
    assert run("CalendarRemove", when="tomorrow").speech.startswith("Which one:")
    assert run("CalendarRemove", when="tomorrow", all=True).speech == "Removed 2 entries from your calendar."


def test_an_event_in_the_past_is_refused(run) -> None:
    failed = run("CalendarAdd", title="breakfast", when="today at 8 am")
    assert failed.status == "failed" and "has passed" in failed.speech
