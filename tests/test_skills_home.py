"""Home skills against the simulated home and real SQLite: what they change and what they say."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from device.executor import Executor
from device.messages import ActionCall
from skills.home import Home, Target
from skills.registry import SkillSet
from skills.sdk import SkillContext
from skills.store import Store

HOME = {
    "areas": [{"id": "living", "name": "Living Room"}, {"id": "office", "name": "Office"}],
    "entities": [
        {"id": "light.sofa", "name": "Sofa Lamp", "area": "living", "state": "off"},
        {"id": "light.desk", "name": "Desk Lamp", "area": "office", "state": "on"},
        {"id": "cover.blind", "name": "Office Blind", "area": "office", "state": "closed"},
        {"id": "climate.hall", "name": "Thermostat", "area": "living", "state": "heat",
         "attributes": {"current_temperature": 19.5, "temperature": 20}},
        {"id": "vacuum.robo", "name": "Robo", "state": "docked"},
        {"id": "media_player.tv", "name": "TV", "area": "living", "state": "playing",
         "attributes": {"volume_level": 40}},
        {"id": "media_player.radio", "name": "Radio", "area": "office", "state": "idle"},
        {"id": "binary_sensor.window", "name": "Office Window", "area": "office",
         "state": {"in": "open", "out": "on"}, "attributes": {"device_class": "window"}},
        {"id": "todo.chores", "name": "Chores", "state": "0"},
        {"id": "weather.station", "name": "Garden Station", "state": "partlycloudy",
         "attributes": {"temperature": 14, "temperature_unit": "°C"}},
    ],
}


@pytest.fixture
def ctx(tmp_path: Path) -> SkillContext:
    path = tmp_path / "home.yaml"
    path.write_text(yaml.safe_dump(HOME))
    store = Store(tmp_path / "state.sqlite3")
    media = tmp_path / "media"
    for track in ("Queen/A Night at the Opera/Bohemian_Rhapsody.mp3", "podcasts/Serial/episode_01.ogg", "notes.txt"):
        (media / track).parent.mkdir(parents=True, exist_ok=True)
        (media / track).write_bytes(b"")
    return SkillContext(home=Home.load(path, store), store=store, media_dir=media)


@pytest.fixture
def run(ctx: SkillContext, skills: SkillSet):
    executor = Executor(skills, ctx, 5)
    return lambda skill_name, **args: executor.run_one(ActionCall(name=skill_name, args=args))


def entity(ctx: SkillContext, name: str):
    return ctx.home.resolve(Target(name=name))[0]


def test_light_set_brightness_and_colour(run, ctx: SkillContext) -> None:
    assert run("HassLightSet", name="Sofa Lamp", brightness=30, color="red").speech == "Set Sofa Lamp to 30% and red."
    lamp = entity(ctx, "Sofa Lamp")
    assert (lamp.state, lamp.attributes["brightness"], lamp.attributes["color"]) == ("on", 30, "red")
    assert run("HassLightSet", area="Office", brightness=0).speech == "Set Desk Lamp to 0%."
    assert entity(ctx, "Desk Lamp").state == "off"
    assert run("HassLightSet", name="Sofa Lamp").speech == "To what brightness or colour?"


def test_lights_dim_and_brighten_by_a_step(run, ctx: SkillContext) -> None:
    """An on light without a level is at full; a step down never switches a light on, a step up does."""
    assert run("HassLightSet", name="Desk Lamp", step=-25).speech == "Dimmed Desk Lamp to 75%."
    assert run("HassLightSet", name="Desk Lamp", step=-25).speech == "Dimmed Desk Lamp to 50%."
    assert run("HassLightSet", name="Sofa Lamp", step=-25).speech == "Sofa Lamp is already off."
    assert entity(ctx, "Sofa Lamp").state == "off"
    assert run("HassLightSet", domain="light", step=25).speech == "Brightened 2 lights."
    assert [(e.state, e.attributes["brightness"]) for e in map(lambda n: entity(ctx, n), ["Sofa Lamp", "Desk Lamp"])] \
        == [("on", 25), ("on", 75)]
    assert run("HassLightSet", name="Desk Lamp", step=-100).speech == "Dimmed Desk Lamp to 0%."
    assert entity(ctx, "Desk Lamp").state == "off"


def test_switching_with_no_target_asks_which(run, ctx: SkillContext) -> None:
    """An empty target is a question, not every device in the home; "all" is every one."""
    before = {e.id: e.state for e in ctx.home.entities}
    assert run("HassTurnOff").speech == "What should I turn off?"
    assert run("HassTurnOn").speech == "What should I turn on?"
    assert {e.id: e.state for e in ctx.home.entities} == before
    run("HassTurnOff", name="all")
    assert entity(ctx, "Desk Lamp").state == "off"


def test_a_vacuum_switches_as_home_assistant_does_and_a_thermostat_does_not(run, ctx: SkillContext) -> None:
    assert run("HassTurnOn", name="Robo").speech == "Robo is now cleaning."
    assert run("HassTurnOff", name="Robo").speech == "Robo is now returning."
    assert entity(ctx, "Robo").state == "returning"
    assert run("HassTurnOn", name="Thermostat").speech == "Thermostat can't be turned on."


def test_state_questions(run) -> None:
    assert run("HassGetState", name="Desk Lamp").speech == "Desk Lamp is on."
    assert run("HassGetState", name="Sofa Lamp", state="on").speech == "No, Sofa Lamp is off."
    assert run("HassGetState", domain="binary_sensor", device_class="window", state="on").speech == "Yes: Office Window."
    assert run("HassGetState", name="Office Window").speech == "Office Window is open."


def test_position_climate_vacuum(run, ctx: SkillContext) -> None:
    assert run("HassSetPosition", name="Office Blind", position=40).speech == "Office Blind: 40% open."
    assert entity(ctx, "Office Blind").attributes["position"] == 40
    assert run("HassSetPosition", name="Desk Lamp", position=40).speech == "That can't be set to a position."
    assert run("HassClimateSetTemperature", temperature=21.5).speech == "Thermostat set to 21.5 degrees."
    assert run("HassClimateGetTemperature", area="Living Room").speech == "It's 19.5 degrees by the Thermostat."
    assert run("HassClimateSetTemperature", temperature=190).status == "invalid"
    run("HassVacuumStart")
    assert entity(ctx, "Robo").state == "cleaning"
    run("HassVacuumReturnToBase")
    assert entity(ctx, "Robo").state == "returning"


def test_media_players(run, ctx: SkillContext) -> None:
    assert run("HassMediaPause").speech == "Paused on TV."  # the one that is playing
    assert run("HassMediaUnpause").status == "failed"  # none playing now: which one?
    assert run("HassMediaUnpause", area="Office").speech == "Playing on Radio."
    run("HassSetVolume", name="TV", volume_level=25)
    run("HassSetVolumeRelative", name="TV", volume_step="up")
    assert entity(ctx, "TV").attributes["volume_level"] == 35
    run("HassMediaPlayerMute", name="TV")
    assert entity(ctx, "TV").attributes["is_volume_muted"] is True
    run("HassMediaNext", name="Radio")
    assert entity(ctx, "Radio").attributes["track"] == 2


def test_what_is_playing_named_is_the_playing_player_not_a_device_called_so(run, ctx: SkillContext) -> None:
    assert run("HassMediaPause", name="the audiobook").speech == "Paused on TV."  # no device called "audiobook"
    run("HassMediaUnpause", name="TV")
    assert run("HassMediaNext", name="next episode").speech == "Next track on TV."
    assert run("HassMediaPause", name="spaceship").speech == "I don't know any device called spaceship."


def test_lists(run, ctx: SkillContext) -> None:
    assert run("ListQuery").speech == "The Shopping List is empty."
    run("HassShoppingListAddItem", item="milk")
    run("HassShoppingListAddItem", item="oat flakes")
    assert run("HassListAddItem", item="water the plants", name="chores").status == "done"
    assert run("ListQuery").speech == "On the Shopping List: milk and oat flakes."
    assert run("HassShoppingListCompleteItem", item="Milk").speech == "Ticked off milk."
    assert run("ListRemoveItem", item="oats flakes").speech == "Removed oat flakes from the Shopping List."
    assert run("ListQuery", name="Chores").speech == "On the Chores: water the plants."
    asked = run("ListRemoveItem", name="chores")  # neither an item nor the whole list: which item?
    assert (asked.status, asked.speech) == ("needs_input", "Which item?")
    assert run("ListRemoveItem", name="chores", all=True).speech == "Cleared the Chores (1 item)."
    assert run("ListRemoveItem", name="chores", all=True).speech == "The Chores is already empty."
    assert run("HassListAddItem", item="x", name="Groceries for Mars").speech == "I don't have a list called Groceries for Mars."
    assert run("HassShoppingListCompleteItem", item="bread").speech == "bread isn't on the Shopping List."


def test_weather_from_a_local_station(run) -> None:
    assert run("HassGetWeather").speech == "Garden Station: partlycloudy, 14 degrees."


def test_weather_without_a_station_says_so(tmp_path: Path, skills: SkillSet) -> None:
    store = Store(tmp_path / "s.db")
    executor = Executor(skills, SkillContext(home=Home.load(None, store), store=store), 5)
    result = executor.run_one(ActionCall(name="HassGetWeather", args={}))
    assert result.status == "failed" and "no weather data" in result.speech


def test_conversation_skills(run) -> None:
    assert run("HassNevermind").speech == ""
    assert run("HassRespond", response="Hello!").speech == "Hello!"
    assert run("HassBroadcast", message="dinner is ready").speech == "Announcement: dinner is ready"
    assert run("HassGetCurrentDate").result["data"]["date"]


def test_search_and_play_from_the_media_folder(run, ctx: SkillContext) -> None:
    result = run("HassMediaSearchAndPlay", search_query="bohemian rhapsody", area="Office")
    assert result.speech == "Playing Bohemian Rhapsody on Radio."
    assert entity(ctx, "Radio").attributes["media_path"].endswith("Bohemian_Rhapsody.mp3")
    assert run("HassMediaSearchAndPlay", search_query="queen", name="TV").status == "done"
    missing = run("HassMediaSearchAndPlay", search_query="notes", name="TV")
    assert missing.status == "failed" and missing.speech == "I couldn't find notes in the media folder."


def test_what_is_playing_is_said_from_the_player(run, ctx: SkillContext) -> None:
    assert run("MediaNowPlaying").speech == "TV is playing, but I don't know what."  # playing, no title known
    run("HassMediaPause", name="TV")
    assert run("MediaNowPlaying").speech == "Nothing is playing."
    run("HassMediaSearchAndPlay", search_query="bohemian rhapsody", area="Office")
    assert run("MediaNowPlaying").speech == "Radio is playing Bohemian Rhapsody."
    assert run("MediaNowPlaying", name="TV").speech == "Nothing is playing on TV."
