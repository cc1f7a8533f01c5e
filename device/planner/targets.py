"""A model's device target in the home's own words, before the plan is shown or confirmed.

The model writes what it heard: "area": "kitchen", "floor": "all", "name": "first four lights"
(Whisper's "first floor"). Areas and floors are named as the home names them (fuzzy), a floor given
as an area moves to `floor`, a kind of device to `domain`, and a name no device has that says a
place and a kind becomes that place and kind, as Home Assistant's own intents put it, and a
"device_class" that only restates the domain is the domain. A value that
matches nothing is kept as said, so the skill can say what it doesn't know, unless the request
never said it (made_up_targets).
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rapidfuzz import fuzz, process

from device.planner.grounding import spoken, stems
from skills.home import DOMAIN_WORDS, NAME_CUTOFF, Home, spoken_name

TARGET_FIELDS = ("name", "area", "floor")
# Words that choose no place and no device: "all the lights", "every room".
QUANTIFIERS = {"all", "every", "each", "everything", "any", "home", "house"}


def canonical_target(args: dict[str, Any], fields: Collection[str], home: Home) -> dict[str, Any]:
    """`args` with their name, area and floor in the home's words. Only the skill's own `fields`
    are written; what would need another field stays as the model wrote it."""
    out = dict(args)
    for key in ("area", "floor"):
        if isinstance(args.get(key), str) and (place := _place_and_kind(args[key], home)) is not None:
            _move(out, key, place, fields)
    name = out.get("name")
    if isinstance(name, str) and not _is_device(name, home) and (split := _place_and_kind(name, home)) is not None:
        _move(out, "name", split, fields)
    if isinstance(out.get("device_class"), str) and (kind := _domain(out["device_class"], home)) is not None \
            and out.get("domain") in (None, kind):
        _move(out, "device_class", {"domain": kind}, fields)
    return out


def made_up_targets(args: dict[str, Any], optional: Collection[str], home: Home, text: str) -> dict[str, Any]:
    """`args` less each optional name, area or floor that no device or place of the home has and
    that the request doesn't say: an unknown name is read back to the user ("I don't know any
    device called spaceship"), so it must be their words. The model wrote "Volume Control" for
    "turn the volume to the loudest setting" and an area "current song area" for "go back to the
    previous song". Both are read with numbers in digits ("the two towers" said as "the 2 towers")."""
    said = stems(spoken(text))
    return {key: value for key, value in args.items()
            if not (key in TARGET_FIELDS and key in optional and isinstance(value, str)
                    and not stems(spoken(value)) <= said and not _known(value, home))}


def _known(value: str, home: Home) -> bool:
    return _is_device(value, home) or _place_and_kind(value, home) is not None


def _domain(device_class: str, home: Home) -> str | None:
    """The domain a "finer kind" names ("device_class": "light" beside "domain": "light" would
    find no light at all, as no light has that class), or None for a class only ("blind"). A
    class beside another domain is a real one (a binary sensor's "light": light detected)."""
    said = spoken_name(device_class)
    domains = set(DOMAIN_WORDS.values()) | {e.domain for e in home.entities}
    return next((d for d in (said, said.removesuffix("s")) if d in domains), None)


def _move(out: dict[str, Any], key: str, found: dict[str, str], fields: Collection[str]) -> None:
    """Replace `key` by what was found in it, where the skill has those fields; a value the model
    gave itself (a domain, say) stays."""
    if not set(found) <= set(fields):
        return
    del out[key]
    for field, value in found.items():
        out[field] = out.get(field) or value


def _place(said: str, home: Home) -> dict[str, str] | None:
    """{"area": ...} or {"floor": ...} as the home names it, or None: no place of this home."""
    places = {(kind, p.name, n): spoken_name(n) for kind, options in (("area", home.data.areas), ("floor", home.data.floors))
              for p in options for n in p.all_names}
    best = process.extractOne(said, places, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF)
    return {best[2][0]: best[2][1]} if best else None


def _is_device(name: str, home: Home) -> bool:
    """A whole device name, nearly as said ("Living Room" is a place, though "Living Room Lamp"
    contains it), or "all"."""
    said = spoken_name(name)
    return said in QUANTIFIERS or any(fuzz.ratio(said, spoken_name(n)) >= NAME_CUTOFF
                                      for e in home.entities for n in e.all_names)


def _place_and_kind(text: str, home: Home) -> dict[str, str] | None:
    """"first floor lights" → {"floor": "First Floor", "domain": "light"}, "all" → {}; None
    unless every word is a place, a kind of device or "all"."""
    words = [w for w in spoken_name(text).split() if w not in QUANTIFIERS]
    kinds = [DOMAIN_WORDS[w] for w in words if w in DOMAIN_WORDS]
    rest = " ".join(w for w in words if w not in DOMAIN_WORDS)
    place = _place(rest, home) if rest else {}
    if place is None:
        return None
    return {**place, **({"domain": kinds[0]} if kinds else {})}
