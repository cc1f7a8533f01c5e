"""The home a skill acts on: areas, floors and entities in Home Assistant's fixture format.

Targets are resolved the way Home Assistant's intents name them (name, area, floor, domain,
device_class), with fuzzy names (rapidfuzz). Ambiguity and unknown names become spoken errors,
never guesses. State changes persist in the Store, keyed by the home file.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hassil import is_template, parse_sentence, sample_expression
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process

from device.errors import HarkError
from skills.backends import Backend, Simulated
from skills.permissions import trusted
from skills.sdk import SkillError
from skills.store import Store

DEFAULT_HOME = Path(__file__).parent / "data" / "default_home.yaml"
NAME_CUTOFF = 85.0
# How alike a name must be to a device's for it to outweigh a kind or place that excludes it.
NAMED_ALIKE = 90.0
# Words people use for a domain; both the fast path and the resolver read them.
DOMAIN_WORDS = {
    "light": "light", "lights": "light", "lamp": "light", "lamps": "light", "lighting": "light",
    "fan": "fan", "fans": "fan", "switch": "switch", "switches": "switch", "plug": "switch",
    "plugs": "switch", "blind": "cover", "blinds": "cover", "curtain": "cover", "curtains": "cover",
    "shade": "cover", "shades": "cover", "cover": "cover", "covers": "cover", "lock": "lock",
    "locks": "lock", "door": "lock", "doors": "lock",
}


def _names(template: str) -> list[str]:
    """A name may be a hassil template ("Trader Joe[']s"): its first expansion is the name."""
    if not is_template(template):
        return [template.strip()]
    return [n.strip() for n in sample_expression(parse_sentence(template).expression)]


class Named(BaseModel):
    """Something in the home people call by name (floors, areas, entities), with aliases."""

    id: str
    name: str
    aliases: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _expand_name(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            first, *rest = _names(raw["name"])
            return {**raw, "name": first, "aliases": [*raw.get("aliases", []), *rest]}
        return raw

    @property
    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


class Floor(Named):
    pass


class Area(Named):
    floor: str | None = None


class Entity(Named):
    area: str | None = None
    state: str = "off"
    attributes: dict[str, Any] = {}

    @model_validator(mode="before")
    @classmethod
    def _spoken_state(cls, raw: Any) -> Any:
        """HA fixtures may give a state as {in: spoken words, out: raw state}; keep both."""
        if isinstance(raw, dict) and isinstance(raw.get("state"), dict):
            state = raw["state"]
            attributes = {**raw.get("attributes", {}), "spoken_state": state.get("in")}
            return {**raw, "state": str(state.get("out")), "attributes": attributes}
        if isinstance(raw, dict) and isinstance(raw.get("state"), (int, float)):
            return {**raw, "state": str(raw["state"])}
        return raw

    @property
    def domain(self) -> str:
        return self.id.split(".", 1)[0]


class HomeData(BaseModel):
    """The YAML file's content (other top-level keys, e.g. HA's test timers, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    language: str = "en"
    floors: list[Floor] = []
    areas: list[Area] = []
    entities: list[Entity] = []


class Target(BaseModel):
    """Which entities a command means, in Home Assistant's slot names."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Device name, e.g. 'Bedroom Lamp', or 'all'")
    area: str | None = Field(None, description="Room, e.g. 'Kitchen'")
    floor: str | None = Field(None, description="Floor, e.g. 'First Floor'")
    domain: str | None = Field(None, description="Kind of device: light, switch, fan, cover, lock, ...")
    device_class: str | None = Field(None, description="Finer kind, e.g. blind, garage_door")


def spoken_name(text: str) -> str:
    """A name as said, for comparing: lower case, no articles, possessives or punctuation."""
    return re.sub(r"\b(the|my|our|a)\b|'s\b|[^\w ]", " ", text.lower()).strip()


class Home:
    """A simulated home loaded from YAML, with its state persisted in the Store."""

    def __init__(self, data: HomeData, store: Store, key: str, backend: Backend | None = None) -> None:
        """State saved under `key` is restored, unless the backend knows the real state itself."""
        self.data, self._store, self._key = data, store, key
        self._backend = backend or Simulated()
        self.unavailable: str | None = None
        """Why the backend couldn't describe the home at start (spoken for every home command)."""
        saved = store.home_overrides(key)
        for entity in data.entities:
            if entity.id in saved:
                entity.state, entity.attributes = saved[entity.id]

    @classmethod
    def load(cls, path: Path | None, store: Store, backend: Backend | None = None) -> Home:
        """The home from the backend when it can describe it (Home Assistant), else from the YAML file."""
        try:
            layout = backend.layout() if backend is not None else None
        except SkillError as exc:  # the device still starts; every home command says why it can't
            home = cls(HomeData(), store, "", backend)
            home.unavailable = str(exc)
            return home
        if layout is not None:
            return cls(HomeData.model_validate(layout), store, "", backend)
        return cls(cls._read(path), store, str((path or DEFAULT_HOME).resolve()), backend)

    @staticmethod
    def _read(path: Path | None) -> HomeData:
        path = (path or DEFAULT_HOME).resolve()
        try:
            return HomeData.model_validate(yaml.safe_load(path.read_text()) or {})
        except FileNotFoundError:
            raise HarkError(f"home file {path} not found", "pass --home with an existing YAML file") from None
        except ValidationError as exc:
            where = ".".join(str(p) for p in exc.errors()[0]["loc"])
            raise HarkError(f"home file {path} is not valid at {where}: {exc.errors()[0]['msg']}",
                            "fix the YAML (HA fixture format)") from None
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0]
            raise HarkError(f"home file {path} is not valid: {first}", "fix the YAML (HA fixture format)") from None

    @property
    def entities(self) -> list[Entity]:
        return self.data.entities

    def area_names(self) -> list[str]:
        return [a.name for a in self.data.areas]

    def floor_names(self) -> list[str]:
        return [f.name for f in self.data.floors]

    def set_state(self, entity: Entity, state: str, **attributes: Any) -> None:
        """Change a device through the backend; our copy changes only once the backend took it."""
        before = {**entity.attributes, "state": entity.state}
        with trusted():  # the device's backend, whichever skill asked
            self._backend.apply(entity.id, before, {**before, **attributes, "state": state})
        entity.state = state
        entity.attributes = {**entity.attributes, **attributes}
        if self._key:
            self._store.save_entity(self._key, entity.id, entity.state, entity.attributes)

    def resolve(self, target: Target) -> list[Entity]:
        """The entities a target means; raises SkillError with a spoken reason when none or unclear."""
        if self.unavailable:
            raise SkillError(self.unavailable)
        candidates = self._filter(target)
        if target.name and spoken_name(target.name) not in ("all", "everything", ""):
            try:
                return [self._by_name(target.name, candidates, target)]
            except SkillError:
                if named := self._named_alike(target.name):
                    return named
                raise
        if not candidates:
            raise SkillError(f"I couldn't find {self._describe(target)}.")
        return candidates

    def _filter(self, target: Target) -> list[Entity]:
        found = self.entities
        if target.area:
            area = self._pick(target.area, self.data.areas, "area")
            found = [e for e in found if e.area == area.id]
        if target.floor:
            floor = self._pick(target.floor, self.data.floors, "floor")
            rooms = {a.id for a in self.data.areas if a.floor == floor.id}
            found = [e for e in found if e.area in rooms]
        if target.domain:
            domain = DOMAIN_WORDS.get(target.domain.lower(), target.domain.lower())
            found = [e for e in found if e.domain == domain]
        if target.device_class:
            found = [e for e in found if e.attributes.get("device_class") == target.device_class]
        return found

    def _named_alike(self, name: str) -> list[Entity]:
        """The one device with this name, or one all but the same ("sliding door" for the Sliding
        Doors): a name outweighs a kind or place that excludes it (a model may add "domain":
        "light" to a lamp that is a switch; "open the sliding door" fits a valve's phrasing)."""
        said = spoken_name(name)
        for cutoff in (100, NAMED_ALIKE):
            named = [e for e in self.entities if any(fuzz.ratio(said, spoken_name(n)) >= cutoff for n in e.all_names)]
            if named:
                return named if len(named) == 1 else []
        return []

    def _pick(self, name: str, options: list[Area] | list[Floor], what: str) -> Area | Floor:
        best = process.extractOne(spoken_name(name), {o.id: spoken_name(o.name) for o in options},
                                  scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF)
        if best is None:
            raise SkillError(f"I don't know {'an' if what[0] in 'aeiou' else 'a'} {what} called {name}.")
        return next(o for o in options if o.id == best[2])

    def _by_name(self, name: str, candidates: list[Entity], target: Target) -> Entity:
        scored = process.extract(spoken_name(name), {e.id: spoken_name(e.name) for e in candidates},
                                 scorer=fuzz.token_set_ratio, score_cutoff=NAME_CUTOFF, limit=None)
        if not scored:
            return self._by_area_and_kind(name, target)
        exact = [s for s in scored if s[0] == spoken_name(name)]
        top = exact or [s for s in scored if s[1] == scored[0][1]]
        if len(top) > 1:
            names = " or ".join(next(e.name for e in candidates if e.id == s[2]) for s in top[:3])
            raise SkillError(f"Which one do you mean: {names}?")
        return next(e for e in candidates if e.id == top[0][2])

    def _by_area_and_kind(self, name: str, target: Target) -> Entity:
        """'kitchen light' with no device of that name: the one light in the Kitchen, if unique."""
        words = spoken_name(name).split()
        kinds = [DOMAIN_WORDS[w] for w in words if w in DOMAIN_WORDS]
        rest = " ".join(w for w in words if w not in DOMAIN_WORDS)
        if kinds and rest and not target.area:
            try:
                found = self._filter(target.model_copy(update={"area": rest, "domain": kinds[0], "name": None}))
            except SkillError:
                found = []
            if len(found) == 1:
                return found[0]
        raise SkillError(f"I don't know any device called {name}.")

    def _describe(self, target: Target) -> str:
        kind = (target.domain or "device").replace("_", " ")  # "media_player" is spoken "media player"
        where = target.area or target.floor
        return f"any {kind} in the {where}" if where else f"any {kind}"
