"""Dates and times in a tool call as the request says them (device.planner.moments): the model
writes the format, we do the calendar."""
from __future__ import annotations

from datetime import date

import pytest

from device.planner.moments import as_said, durations_as_said, in_whole_units

TODAY = date(2026, 12, 3)  # a Thursday


# Written for these tests, in the forms BFCL's requests use; none is a line of its files.
@pytest.mark.parametrize("written, request_text, said", [
    ("2025-02-06T18:00:00", "move the dentist to February 6, 2025 at 8pm", "2025-02-06T20:00:00"),
    ("2025-04-05", "what's the forecast in Oslo on the 4th of may 2025", "2025-05-04"),
    ("2024-01-09", "book it for the upcoming Friday, today is Tuesday 2024.1.9", "2024-01-12"),
    ("2024-01-09", "anything on next Monday? Today is Tuesday January 9th 2024", "2024-01-15"),
    ("2026-12-03", "water the plants tomorrow", "2026-12-04"),
    ("07/08/2025 13:00", "a table for two on the 8th of July 2025 at 3 in the afternoon", "07/08/2025 15:00"),
    ("2025-03-01 12:00:00", "a cleaner on March 1, 2025 at 10.30 a.m.", "2025-03-01 10:30:00"),
    ("2025-03-02", "the weather in Lyon on Friday, March 7th 2025", "2025-03-07"),
    ("09:00", "wake me at half nine", "09:00"),  # no time we read: as written
    ("2025-06-01 08:00 PM", "a cleaner on June 1st 2025 at 7 pm", "2025-06-01 08:00 PM"),  # 12-hour: not ours
])
def test_the_said_day_and_time_replace_the_models(written: str, request_text: str, said: str) -> None:
    assert as_said({"when": written}, request_text, TODAY) == {"when": said}


def test_a_weekday_counts_from_the_weekday_the_request_gives_today() -> None:
    # 2024-01-09 was a Tuesday; the user says Monday: "the coming Wednesday" is two days on
    assert as_said({"date": "2024-01-09"}, "the coming Wednesday, today is Monday January 9th 2024",
                   TODAY) == {"date": "2024-01-11"}


@pytest.mark.parametrize("args, request_text", [
    ({"start": "2025-04-03", "end": "2025-04-05"}, "the weather in Lyon from April 3rd to April 5th 2025"),
    ({"check_in": "2025-04-03", "check_out": "2025-04-06"}, "a room in Lyon for three nights from April 3rd 2025"),
    ({"date": "2025-12-03 16:00"}, "a cleaner on 12/03/2025 16:00 - 18:00"),
    ({"date": "2025-06-01"}, "the weather in Lyon next week"),
    ({"nested": {"at": "2025-06-01T10:00"}}, "remind me at 10 or at 11 am"),
])
def test_two_days_a_day_we_cant_read_or_two_dates_in_the_call_stay_as_written(args: dict, request_text: str) -> None:
    assert as_said(args, request_text, TODAY) == args


def test_nested_values_are_read_too() -> None:
    args = {"body": {"when": ["2025-06-01T10:00"]}, "count": 2}
    assert as_said(args, "schedule it for June 2nd 2025 at 9 am", TODAY) == \
        {"body": {"when": ["2025-06-02T09:00"]}, "count": 2}


TIMER = {"hours": {}, "minutes": {}, "seconds": {}, "name": {}}


@pytest.mark.parametrize("written, request_text, said", [
    ({"hours": 5, "name": "pizza"}, "timer for 5 minutes, call it pizza", {"minutes": 5, "name": "pizza"}),
    ({"minutes": 10}, "set a timer for ten seconds", {"seconds": 10}),
    ({"minutes": 1, "hours": 30}, "a timer for 1 hour and 30 minutes", {"hours": 1, "minutes": 30}),
    ({"hours": 1, "minutes": 30}, "a timer for 1 hour and 30 minutes", {"hours": 1, "minutes": 30}),
    ({"minutes": 90}, "a timer for an hour and a half", {"minutes": 90}),  # no number said with a unit
    ({"minutes": 7}, "a timer for 5 minutes", {"minutes": 7}),  # not the said number: not a unit to mend
    ({"minutes": 10}, "10 seconds or 10 minutes", {"minutes": 10}),  # which one? as written
    # the minutes' number written as hours too; one said on its own is the next unit's
    ({"hours": 12, "minutes": 12, "name": "pasta"}, "set a timer for pasta for 12 minutes", {"minutes": 12, "name": "pasta"}),
    ({"hours": 1, "minutes": 30}, "a timer for 1 hour 30", {"hours": 1, "minutes": 30}),
])
def test_a_length_of_time_takes_the_unit_it_is_said_in(written: dict, request_text: str, said: dict) -> None:
    assert durations_as_said(written, TIMER, request_text) == said


def test_a_unit_is_mended_only_into_a_field_the_call_has() -> None:
    fields = {"start_hours": {}, "start_minutes": {}}
    assert durations_as_said({"start_hours": 5}, fields, "cancel the 5 minute timer") == {"start_minutes": 5}
    assert durations_as_said({"start_hours": 5}, fields, "cancel the 5 second timer") == {"start_hours": 5}


@pytest.mark.parametrize(("written", "whole"), [
    ({"hours": 1.5}, {"hours": 1, "minutes": 30}), ({"minutes": 5.5}, {"minutes": 5, "seconds": 30}),
    ({"hours": 0.5, "name": "tea"}, {"name": "tea", "minutes": 30}), ({"hours": 1.25, "minutes": 5}, {"hours": 1, "minutes": 20}),
    ({"start_minutes": 2.5}, {"start_seconds": 30, "start_minutes": 2}), ({"hours": 2.0}, {"hours": 2.0})])
def test_a_length_of_time_is_in_whole_units(written: dict, whole: dict) -> None:
    """"Set a timer for 1.5 hours" (Whisper's writing of "1 and a half hours") is 1 hour 30 minutes."""
    fields = {name: {} for name in ("hours", "minutes", "seconds", "start_minutes", "start_seconds", "name")}
    assert in_whole_units(written, fields) == whole
    assert in_whole_units({"seconds": 7.5}, fields) == {"seconds": 7.5}  # no smaller unit to carry to
    assert in_whole_units({"hours": 1.5}, {"hours": {}}) == {"hours": 1.5}
