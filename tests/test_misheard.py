"""Misheard words mended by sound: a reading is kept only when it matches a template exactly."""
from __future__ import annotations

import pytest
from hassil import Intents

from device.pipeline import Pipeline
from device.planner.fast import FastPlanner
from device.planner.misheard import Mender, coarse, phonemes
from skills.home import Home
from skills.registry import SkillSet
from skills.store import Store


@pytest.fixture(scope="module")
def fast(skills: SkillSet, tmp_path_factory: pytest.TempPathFactory) -> FastPlanner:
    store = Store(tmp_path_factory.mktemp("misheard") / "state.sqlite3")
    return FastPlanner(skills, Home.load(None, store))


@pytest.mark.parametrize("heard, meant, name, args", [
    ("Twitch off the kitchen light.", "switch off the kitchen light", "HassTurnOff", {"name": "Kitchen Light"}),
    ("which whites are on upstairs", "which lights are on upstairs", "HassGetState",
     {"domain": "light", "state": "on", "floor": "Upstairs"}),
    ("turn off the office white", "turn off the office light", "HassTurnOff", {"name": "Office Light"}),
    ("is the front door unlock", "is the front door unlocked", "HassGetState",
     {"name": "Front Door", "state": "unlocked", "domain": "lock"}),
    # two words heard for one
    ("Continue time or in kitchen.", "continue timer in kitchen", "HassUnpauseTimer", {"area": "Kitchen"}),
    ("which lights are on up stairs", "which lights are on upstairs", "HassGetState", {"floor": "Upstairs"}),
    # the same coarse sounds, other vowels
    ("Boss kitchen timer.", "pause kitchen timer", "HassPauseTimer", {"area": "Kitchen"}),
    # a number heard is kept; the word between them is mended
    ("Set timer for 1 hour in 15 minutes.", "set timer for 1 hour and 15 minutes", "HassStartTimer",
     {"hours": 1, "minutes": 15}),
])
def test_a_misheard_word_is_mended_to_the_template_word_that_sounds_alike(
        fast: FastPlanner, heard: str, meant: str, name: str, args: dict) -> None:
    assert fast.plan(heard, loose=False) is None  # as heard, no template has it
    plan = fast.mended(heard)
    assert plan is not None and plan.understood == meant
    assert [(c.name, {k: v for k, v in c.args.items() if k in args}) for c in plan.calls] == [(name, args)]


@pytest.mark.parametrize("text", [
    "order me a pizza", "email my boss", "what's the weather like in paris",
    "indie",  # one word is never "mended" into another command ("undo")
    "please start the coffee",  # "coffee" is not a misheard "TV", however coarse the sounds
    "tell me a joke about a lighthouse keeper and his cat on a stormy night",  # too long to be a word away
])
def test_requests_that_sound_like_no_command_are_not_mended(fast: FastPlanner, text: str) -> None:
    assert fast.mended(text) is None


def test_sounds_alike_are_a_coarse_sound_apart() -> None:
    white, light, twitch, switch, our, are = (coarse(p) for p in phonemes(["white", "light", "twitch", "switch", "our", "are"]))
    assert (white, twitch, our) != (light, switch, are)
    assert white[1:] == light[1:] and twitch[1:] == switch[1:] and our == are


def test_words_a_template_glues_together_are_words_of_it() -> None:
    """"light[s]" says "lights": a misheard "whites" is mended to it, with the intent that has it."""
    intents = Intents.from_dict({"language": "en", "intents": {
        "LightsOn": {"data": [{"sentences": ["turn on the light[s] (now|please)"]}]},
        "FanOn": {"data": [{"sentences": ["turn on the fan"]}]}}})
    readings = [(text, list(found.intents)) for text, found in Mender(intents, {}).readings("turn on the whites now")]
    assert readings[0] == ("turn on the lights now", ["LightsOn"])


def test_a_mended_turn_says_how_it_was_read(pipeline: Pipeline) -> None:
    turn = pipeline.say("twitch on the garage light")
    assert turn.source == "fast"
    assert [(a.name, a.args, a.status) for a in turn.actions] == [("HassTurnOn", {"name": "Garage Light"}, "done")]
    assert 'Read "twitch on the garage light" as "switch on the garage light".' in turn.notes


def test_a_word_the_templates_have_is_taken_as_said(fast: FastPlanner) -> None:
    """Only a short function word or a number word the templates have may be a mishearing:
    "lights" is no misheard "gates", which would close the kitchen's covers."""
    assert fast.mended("lower the lights in the kitchen") is None



def test_a_word_that_says_which_way_or_how_far_is_never_mended(fast: FastPlanner) -> None:
    """"off" sounds like "up": mended, "turn off lighting" brightened the lights; "to low" sounds
    like "yellow": mended, "set the kitchen light to low" turned it yellow."""
    assert fast.mended("turn off lighting") is None
    assert fast.mended("set the kitchen light to low") is None


def test_a_number_is_never_made_up_from_a_word(fast: FastPlanner) -> None:
    """"low" sounds like "two": mended, "set the volume to low" set it to 2%."""
    assert fast.mended("set the volume to low") is None


def test_the_stt_reading_a_template_fits_is_taken_over_its_best_one(pipeline: Pipeline) -> None:
    """Whisper's best reading "plus timer in kitchen" fits only loosely (a scene called "plus
    timer"); its next reading is a command: that one is planned, and said to be what was understood."""
    heard = "plus timer in kitchen"
    assert pipeline.planner.plan(heard).calls[0].name != "HassPauseTimer"
    plan = pipeline.planner.plan(heard, alternatives=["Plus time in kitchen.", "Pause timer in kitchen."])
    assert [(c.name, c.args) for c in plan.calls] == [("HassPauseTimer", {"area": "Kitchen"})]
    assert plan.understood == "Pause timer in kitchen."


def test_the_best_reading_wins_when_a_template_fits_it(pipeline: Pipeline) -> None:
    plan = pipeline.planner.plan("turn off the kitchen light", alternatives=["turn on the kitchen light"])
    assert [(c.name, c.args) for c in plan.calls] == [("HassTurnOff", {"name": "Kitchen Light"})]
    assert plan.understood is None


def test_another_reading_fits_before_the_best_one_is_mended(pipeline: Pipeline) -> None:
    """The STT's own second guess is likelier than the best reading mended by sound."""
    plan = pipeline.planner.plan("twitch off the kitchen light", alternatives=["switch off the kitchen light"])
    assert plan.understood == "switch off the kitchen light"
    assert [(c.name, c.args) for c in plan.calls] == [("HassTurnOff", {"name": "Kitchen Light"})]
