"""Resolving what a command means in the home, and keeping the home's state across restarts."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.errors import HarkError
from skills.home import Home, Target
from skills.sdk import SkillError
from skills.store import Store

EVAL_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ha_fixtures_en.yaml"


def names(entities) -> set[str]:
    return {e.name for e in entities}


def test_exact_name_wins_over_similar_names(home: Home) -> None:
    assert names(home.resolve(Target(name="kitchen light"))) == {"Kitchen Light"}


def test_fuzzy_name_within_an_area(home: Home) -> None:
    assert names(home.resolve(Target(name="lamp", area="bedroom"))) == {"Bedroom Lamp"}


def test_area_and_domain(home: Home) -> None:
    assert names(home.resolve(Target(area="Kitchen", domain="light"))) == {"Kitchen Light", "Kitchen Counter Lights"}


def test_floor_and_domain_word(home: Home) -> None:
    found = home.resolve(Target(floor="upstairs", domain="lights"))
    assert names(found) == {"Bedroom Lamp", "Bedroom Ceiling Light", "Office Light", "Bathroom Light"}


def test_name_that_is_area_plus_kind(home: Home) -> None:
    assert names(home.resolve(Target(name="office lamp"))) == {"Office Light"}


def test_a_name_outweighs_a_kind_that_excludes_it(home: Home) -> None:
    """"open the sliding door" fits a valve's phrasing; the home's Sliding Doors are a cover."""
    assert names(home.resolve(Target(name="coffee maker", domain="light"))) == {"Coffee Maker"}
    assert names(home.resolve(Target(name="garage doors", domain="valve"))) == {"Garage Door"}
    with pytest.raises(SkillError):
        home.resolve(Target(name="light", domain="fan"))  # like many names, none alone


def test_ambiguous_name_asks_which(home: Home) -> None:
    with pytest.raises(SkillError, match="Which one do you mean: .*Fan.* or .*Fan"):
        home.resolve(Target(name="fan"))


@pytest.mark.parametrize("target, message", [
    (Target(name="spaceship"), "I don't know any device called spaceship."),
    (Target(area="Moon Base"), "I don't know an area called Moon Base."),
    (Target(floor="Attic"), "I don't know a floor called Attic."),
    (Target(area="Bathroom", domain="fan"), "I couldn't find any fan in the Bathroom."),
])
def test_unknown_targets_are_specific(home: Home, target: Target, message: str) -> None:
    with pytest.raises(SkillError) as caught:
        home.resolve(target)
    assert str(caught.value) == message


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = Home.load(None, Store(tmp_path / "s.db"))
    lamp = first.resolve(Target(name="Bedroom Lamp"))[0]
    first.set_state(lamp, "off", brightness=10)
    again = Home.load(None, Store(tmp_path / "s.db"))
    reloaded = again.resolve(Target(name="Bedroom Lamp"))[0]
    assert (reloaded.state, reloaded.attributes) == ("off", {"brightness": 10})


@pytest.mark.skipif(not EVAL_FIXTURES.exists(), reason="../shared/eval (third-party data) is not beside the checkout")
def test_loads_home_assistants_own_fixture_format(store: Store) -> None:
    home = Home.load(EVAL_FIXTURES, store)
    assert "Bedroom Lamp" in names(home.entities)
    assert names(home.resolve(Target(area="Kitchen", domain="light"))) >= {"Kitchen countertop"}


def test_bad_home_file_is_one_line(tmp_path: Path, store: Store) -> None:
    bad = tmp_path / "home.yaml"
    bad.write_text("entities: [ {name: 3}")
    with pytest.raises(HarkError, match="is not valid") as caught:
        Home.load(bad, store)
    assert "\n" not in str(caught.value)
    with pytest.raises(HarkError, match="not found"):
        Home.load(tmp_path / "missing.yaml", store)
