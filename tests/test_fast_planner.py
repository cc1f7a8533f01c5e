"""The fast path: the skills' own templates, matched by hassil against the home's names."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import device.planner.fast as fast_module
from device.planner.fast import FastPlanner, build_intents, template_words
from skills.home import Home
from skills.registry import SkillSet
from skills.sdk import only_missing
from skills.store import Store


@pytest.fixture
def fast(skills: SkillSet, home: Home) -> FastPlanner:
    return FastPlanner(skills, home)


@pytest.mark.parametrize("text, name, args", [
    ("turn off the bedroom lamp", "HassTurnOff", {"name": "Bedroom Lamp"}),
    ("Turn on the Kitchen Light.", "HassTurnOn", {"name": "Kitchen Light"}),
    ("switch the ceiling fan on", "HassTurnOn", {"name": "Ceiling Fan"}),
    ("turn on the lights in the kitchen", "HassTurnOn", {"area": "Kitchen", "domain": "light"}),
    ("turn off all the upstairs lights", "HassTurnOff", {"floor": "Upstairs", "domain": "light"}),
    ("close the garage door", "HassTurnOff", {"name": "Garage Door"}),
    ("lights off in here", "HassTurnOff", {"area": "Bedroom", "domain": "light"}),
    ("set a timer for five minutes", "HassStartTimer", {"minutes": 5}),
    ("start a timer for 1 hour and 30 minutes", "HassStartTimer", {"hours": 1, "minutes": 30}),
    ("set a 10 minute timer", "HassStartTimer", {"minutes": 10}),
    ("what time is it", "HassGetCurrentTime", {}),
    ("what's the time in tokyo", "HassGetCurrentTime", {"place": "tokyo"}),
    ("what day of the week is it", "HassGetCurrentDate", {}),
    ("how many days until christmas", "HassGetCurrentDate", {"day": "christmas"}),
    ("dim the lights", "HassLightSet", {"step": -25, "area": "Bedroom"}),
    ("make the kitchen lights brighter", "HassLightSet", {"area": "Kitchen", "step": 25}),
    ("play", "HassMediaUnpause", {}),
    ("take bread off the shopping list", "ListRemoveItem", {"item": "bread"}),
    ("clear my shopping list", "ListRemoveItem", {"all": True}),
    ("set an alarm for weekdays at 6 am", "AlarmSet", {"time": "6 am", "repeat": "weekdays"}),
    ("wake me up at 7 every day", "AlarmSet", {"time": "7", "repeat": "daily"}),
    ("set a weekend alarm for 9", "AlarmSet", {"time": "9", "repeat": "weekends"}),
    ("snooze the alarm", "AlarmSnooze", {}),
    ("snooze for 5 minutes", "AlarmSnooze", {"minutes": 5}),
    ("remind me in half an hour to check the rice", "CalendarAdd",
     {"when": "in half an hour", "title": "check the rice"}),
    ("tomorrow at 9 remind me to email the landlord", "CalendarAdd",
     {"when": "tomorrow at 9", "title": "email the landlord"}),
    # wake words and courtesies before the command (another assistant's too)
    ("olly please turn off the bedroom lamp", "HassTurnOff", {"name": "Bedroom Lamp"}),
    ("Hey Siri, set a timer for five minutes", "HassStartTimer", {"minutes": 5}),
])
def test_common_commands(fast: FastPlanner, text: str, name: str, args: dict) -> None:
    plan = fast.plan(text, context={"area": "Bedroom"})  # the device stands in the bedroom
    assert plan is not None and plan.source == "fast"
    assert [(c.name, c.args) for c in plan.calls] == [(name, args)]


def test_compound_command_gives_calls_in_order(fast: FastPlanner) -> None:
    plan = fast.plan("turn off the kitchen light and set a timer for ten minutes")
    assert [(c.name, c.args) for c in plan.calls] == [
        ("HassTurnOff", {"name": "Kitchen Light"}), ("HassStartTimer", {"minutes": 10})]


@pytest.mark.parametrize("text, title, said", [
    ("remind me to put the cake in the oven in 15 minutes", "put the cake in the oven", "in 15 minutes"),
    ("remind me to take out the trash tomorrow", "take out the trash", "tomorrow"),
    ("remind me to pick up the laundry on monday at 6 pm", "pick up the laundry", "on monday at 6 pm"),
    ("set a reminder for 5 pm to pick up the kids", "pick up the kids", "5 pm"),
    ("create a reminder to water the plants on friday", "water the plants", "on friday"),
])
def test_a_reminder_is_a_calendar_entry_its_time_split_off_the_end(fast: FastPlanner, text: str, title: str,
                                                                    said: str) -> None:
    call = fast.plan(text).calls[0]  # the plan (and so the turn's record) holds the texts as the skill reads them
    assert (call.name, call.args) == ("CalendarAdd", {"title": title, "when": said})


def test_what_is_playing_named_is_no_player_in_the_plan(fast: FastPlanner) -> None:
    assert [(c.name, c.args) for c in fast.plan("pause the audiobook").calls] == [("HassMediaPause", {})]


def test_a_reminder_with_no_time_waits_to_be_asked_for_one(fast: FastPlanner, skills: SkillSet) -> None:
    call = fast.plan("remind me to buy milk to bake a cake").calls[0]  # "to bake a cake" is no time
    assert (call.name, call.args) == ("CalendarAdd", {"title": "buy milk to bake a cake"})
    with pytest.raises(ValidationError) as missing:
        skills["CalendarAdd"].params.model_validate(call.args)
    assert only_missing(missing.value) == "when"  # the executor asks "When is that for?"


def test_a_skipped_skill_gives_the_next_match(fast: FastPlanner) -> None:
    text = "remind me to put the cake in the oven in 15 minutes"
    plan = fast.plan(text, skip=frozenset({"CalendarAdd"}))  # "{command} in {minutes} minutes"
    assert [(c.name, c.args) for c in plan.calls] == [
        ("HassStartTimer", {"conversation_command": "remind me to put the cake in the oven", "minutes": 15})]


def test_known_phrasing_with_unknown_name_keeps_the_name(fast: FastPlanner) -> None:
    plan = fast.plan("turn on the spaceship")
    assert [(c.name, c.args["name"]) for c in plan.calls] == [("HassTurnOn", "spaceship")]
    for courteous in ("turn on the spaceship please", "turn on the spaceship for me now"):
        assert fast.plan(courteous).calls[0].args["name"] == "spaceship", courteous


def test_an_unknown_name_is_kept_only_where_it_could_be_a_device(fast: FastPlanner) -> None:
    assert fast.plan("is the garage heater on").calls[0].args["name"] == "garage heater"
    for question in ("what is a fjord", "who is the governor of new york", "tell me about morel mushrooms"):
        assert fast.plan(question) is None, question


def test_a_particle_or_pronoun_is_no_device_name(fast: FastPlanner) -> None:
    # "<close> <name>" took "off" for a name; "<turn> off <name>" took "it"
    for text in ("please shut off", "turn off it", "switch on them"):
        assert fast.plan(text) is None, text
    assert fast.plan("shut off the garage heater").calls[0].args["name"] == "garage heater"  # not "off the ..."


def test_a_phrasing_for_one_kind_of_device_takes_no_other_kind(fast: FastPlanner) -> None:
    # "<close> <name>" is a cover's phrasing: "lower the lights" is no "close the lights" (it dims them).
    assert [(c.name, c.args) for c in fast.plan("lower the lights").calls] == [("HassLightSet", {"step": -25})]
    assert [(c.name, c.args) for c in fast.plan("lower the blinds").calls] == [("HassTurnOff", {"domain": "cover"})]
    # "start {name}" is the vacuum's: the coffee maker, a switch, is not started as a vacuum
    assert fast.plan("start the coffee maker", loose=False) is None


@pytest.mark.parametrize("text", ["order me a pizza", "could you make the bedroom dark", "", "asdf qwerty",
                                  "could you make it bright in the office"])
def test_anything_else_is_left_to_the_llm(fast: FastPlanner, text: str) -> None:
    assert fast.plan(text) is None


def test_template_words_are_the_fixed_text_not_the_slots(skills: SkillSet) -> None:
    words = template_words(build_intents(skills, phrasings=True))
    shopping = set(words["HassShoppingListAddItem"].split())  # Home Assistant's sentences, rules followed
    assert {"add", "shopping", "list"} <= shopping and not {"{item}", "<item>", "bananas"} & shopping
    assert {"set", "alarm", "wake"} <= set(words["AlarmSet"].split()) and "7" not in words["AlarmSet"]


def test_an_unknown_name_that_says_another_kind_is_not_the_templates_kind(skills: SkillSet, tmp_path: Path) -> None:
    """HA's "[run|turn] <name> [script]" took "all the lights" for a script's name: the name says
    lights, and a script's phrasing doesn't turn lights on (it ran every script)."""
    (tmp_path / "home.yaml").write_text(
        "language: en\nareas:\n  - { name: Kitchen, id: kitchen }\nentities:\n"
        "  - { name: Kitchen Light, id: light.kitchen, area: kitchen, state: 'off' }\n"
        "  - { name: Good Night, id: script.good_night, state: 'off' }\n")
    fast = FastPlanner(skills, Home.load(tmp_path / "home.yaml", Store(tmp_path / "state.db")))
    plan = fast.plan("turn all the lights")
    assert plan is None or all(c.args.get("domain") != "script" for c in plan.calls), plan
    [call] = fast.plan("run the bedtime script").calls  # a script we don't know stays one
    assert (call.name, call.args) == ("HassTurnOn", {"domain": "script", "name": "bedtime"})


def test_a_search_of_the_templates_is_made_once_a_turn(fast: FastPlanner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planner asks for the exact match, then the loose one, of the same words: hassil runs
    once for each text and kind of match, and the answers are those it gave."""
    searches = []
    search = fast_module.recognize_ranked
    monkeypatch.setattr(fast_module, "recognize_ranked",
                        lambda text, *a, **k: searches.append((text, k["allow_unmatched_entities"])) or search(text, *a, **k))
    assert fast.plan("play the beatles", loose=False) is None  # free text is no exact match
    loose = fast.plan("play the beatles")
    assert [(c.name, c.args) for c in loose.calls] == [("HassMediaSearchAndPlay", {"search_query": "the beatles"})]
    assert searches and len(searches) == len(set(searches))
