"""Turning things on and off, with Home Assistant's intent and slot names."""
from __future__ import annotations

from skills.home import Entity, Target
from skills.sdk import Example, SkillContext, SkillResult, skill

_LIGHTS = {"domain": "light"}
_ON_STATE = {"cover": "open", "lock": "locked"}
_OFF_STATE = {"cover": "closed", "lock": "unlocked"}
_SWITCHABLE = {"light", "switch", "fan", "cover", "lock", "input_boolean", "media_player", "scene", "script"}


def _apply(ctx: SkillContext, target: Target, states: dict[str, str], default: str) -> SkillResult:
    entities = [e for e in ctx.home.resolve(target) if e.domain in _SWITCHABLE]
    changed = []
    for entity in entities:
        new = states.get(entity.domain, default)
        changed.append({"entity_id": entity.id, "from": entity.state, "to": new})
        ctx.home.set_state(entity, new)
    return SkillResult(speech=_speech(entities, states, default), data={"changed": changed})


def _speech(entities: list[Entity], states: dict[str, str], default: str) -> str:
    if len(entities) == 1:
        entity = entities[0]
        return f"{entity.name} is now {states.get(entity.domain, default)}."
    return f"Done: {len(entities)} devices are now {default}."


@skill(
    name="HassTurnOn",
    description="Turn on, open or lock devices chosen by name, area, floor or kind",
    permissions=["home.control"],
    examples=[
        "(turn|switch|power) on [the] {name}",
        "(turn|switch|power) [the] {name} on",
        "(activate|enable) [the] {name}",
        Example(template="(turn|switch) on [all] [the] (light|lights) in [the] {area}", slots=_LIGHTS),
        Example(template="(turn|switch) on [all] [the] {area} (light|lights)", slots=_LIGHTS),
        Example(template="(turn|switch) [all] [the] {area} (light|lights) on", slots=_LIGHTS),
        Example(template="(turn|switch) on [all] [the] {floor} (light|lights)", slots=_LIGHTS),
        Example(template="(turn|switch) on all [the] lights", slots=_LIGHTS),
        Example(template="open [the] {name}", slots={"domain": "cover"}),
        Example(template="lock [the] {name}", slots={"domain": "lock"}),
    ],
)
def turn_on(args: Target, ctx: SkillContext) -> SkillResult:
    return _apply(ctx, args, _ON_STATE, "on")


@skill(
    name="HassTurnOff",
    description="Turn off, close or unlock devices chosen by name, area, floor or kind",
    permissions=["home.control"],
    examples=[
        "(turn|switch|power) off [the] {name}",
        "(turn|switch|power) [the] {name} off",
        "(deactivate|disable) [the] {name}",
        Example(template="(turn|switch) off [all] [the] (light|lights) in [the] {area}", slots=_LIGHTS),
        Example(template="(turn|switch) off [all] [the] {area} (light|lights)", slots=_LIGHTS),
        Example(template="(turn|switch) [all] [the] {area} (light|lights) off", slots=_LIGHTS),
        Example(template="(turn|switch) off [all] [the] {floor} (light|lights)", slots=_LIGHTS),
        Example(template="(turn|switch) off all [the] lights", slots=_LIGHTS),
        Example(template="close [the] {name}", slots={"domain": "cover"}),
        Example(template="unlock [the] {name}", slots={"domain": "lock"}),
    ],
)
def turn_off(args: Target, ctx: SkillContext) -> SkillResult:
    return _apply(ctx, args, _OFF_STATE, "off")
