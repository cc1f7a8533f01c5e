"""Controlling and asking about devices in the home, with Home Assistant's intent and slot names."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skills.home import Entity, Target
from skills.sdk import Change, Example, Preview, SkillContext, SkillError, SkillResult, skill

_LIGHTS = {"domain": "light"}
# A vacuum turned on cleans and turned off goes back to its dock, as Home Assistant's own
# HassTurnOn/HassTurnOff do it.
_ON_STATE = {"cover": "open", "lock": "locked", "vacuum": "cleaning"}
_OFF_STATE = {"cover": "closed", "lock": "unlocked", "vacuum": "returning"}
_SWITCHABLE = {"light", "switch", "fan", "cover", "lock", "input_boolean", "media_player", "scene", "script", "vacuum"}


_VERBS = {("lock", "locked"): "lock", ("lock", "unlocked"): "unlock", ("cover", "open"): "open",
          ("cover", "closed"): "close", ("vacuum", "cleaning"): "start", ("vacuum", "returning"): "send back"}


def _changes(ctx: SkillContext, target: Target, states: dict[str, str], default: str) -> list[tuple[Entity, str]]:
    """A target that names nothing is asked about, not taken for every device in the home: "please
    shut off" is no "turn off everything" (that one says "all")."""
    if not any(getattr(target, field) for field in Target.model_fields):
        raise SkillError(f"What should I turn {default}?")
    found = ctx.home.resolve(target)
    entities = [e for e in found if e.domain in _SWITCHABLE]
    if not entities:  # a thermostat or a sensor: "I would ." said nothing
        raise SkillError(f"{found[0].name} can't be turned {default}." if len(found) == 1
                         else f"None of those can be turned {default}.")
    return [(e, states.get(e.domain, default)) for e in entities]


def _preview(ctx: SkillContext, target: Target, states: dict[str, str], default: str) -> Preview:
    planned = _changes(ctx, target, states, default)
    phrases = [f"{_VERBS.get((e.domain, new), f'turn {default}')} the {e.name}" for e, new in planned[:3]]
    more = f" and {len(planned) - 3} more" if len(planned) > 3 else ""
    return Preview(summary=", ".join(phrases) + more,
                   changes=[Change(entity_id=e.id, name=e.name, before=e.state, after=new) for e, new in planned])


def _apply(ctx: SkillContext, target: Target, states: dict[str, str], default: str) -> SkillResult:
    planned = _changes(ctx, target, states, default)
    changed = []
    for entity, new in planned:
        changed.append({"entity_id": entity.id, "from": entity.state, "to": new})
        ctx.home.set_state(entity, new)
    return SkillResult(speech=_speech([e for e, _ in planned], states, default), data={"changed": changed})


def restore_states(args: BaseModel, data: dict, ctx: SkillContext) -> SkillResult:
    """Undo of switching: each device back to the state it had."""
    by_id = {e.id: e for e in ctx.home.entities}
    restored = [by_id[c["entity_id"]] for c in data.get("changed", []) if c["entity_id"] in by_id]
    for change, entity in zip(data.get("changed", []), restored):
        ctx.home.set_state(entity, change["from"])
    if len(restored) == 1:
        return SkillResult(speech=f"{restored[0].name} is back to {restored[0].state}.")
    return SkillResult(speech=f"Put back {len(restored)} devices." if restored else "Nothing needed putting back.")


def _speech(entities: list[Entity], states: dict[str, str], default: str) -> str:
    if len(entities) == 1:
        entity = entities[0]
        return f"{entity.name} is now {states.get(entity.domain, default)}."
    return f"Done: {len(entities)} devices are now {default}."


def _switch_examples(on: str, activate: str, open_: str, lock: str) -> list[Example | str]:
    """The templates of turning on and of turning off, which differ only in their verbs."""
    lights = "(light|lights)"
    return [
        f"(turn|switch|power) {on} [the] {{name}}",
        f"(turn|switch|power) [the] {{name}} {on}",
        f"({activate}) [the] {{name}}",
        Example(template=f"(turn|switch) {on} [all] [the] {lights} in [the] {{area}}", slots=_LIGHTS),
        Example(template=f"(turn|switch) {on} [all] [the] {{area}} {lights}", slots=_LIGHTS),
        Example(template=f"(turn|switch) [all] [the] {{area}} {lights} {on}", slots=_LIGHTS),
        Example(template=f"(turn|switch) {on} [all] [the] {{floor}} {lights}", slots=_LIGHTS),
        Example(template=f"(turn|switch) {on} all [the] lights", slots=_LIGHTS),
        Example(template=f"{open_} [the] {{name}}", slots={"domain": "cover"}),
        Example(template=f"{lock} [the] {{name}}", slots={"domain": "lock"}),
    ]


@skill(
    name="HassTurnOn",
    description="Turn on, open or lock devices chosen by name, area, floor or kind",
    permissions=["home.control"],
    preview=lambda args, ctx: _preview(ctx, args, _ON_STATE, "on"),
    undo=restore_states,
    examples=_switch_examples("on", "activate|enable", "open", "lock"),
    phrasings=["(switch|turn) [the] {name} on", "(lights|light) on [in the {area}]",
               "(turn|switch) on [all] the lights [in the {area}]", "(start|power on|fire up) the {name}",
               "i (need|want) [some] light [in the {area}]",
               "(open|raise|lift) the (blinds|curtains|shades|garage door) [in the {area}]",
               "(make|brew|prepare) [me] [a|some|my|a cup of|a pot of] [morning] (coffee|tea|espresso|cappuccino|latte)",
               "(i want|i'd like|i need|can i have) [a|some|a cup of] (coffee|espresso|tea) [now|please]",
               "(start|run|switch on) the (coffee|coffee machine|kettle|coffee maker|dishwasher|washing machine|heater|fan)",
               "(turn|switch|plug) on the (socket|plug|outlet|tv|television) [in the {area}]"],
)
def turn_on(args: Target, ctx: SkillContext) -> SkillResult:
    return _apply(ctx, args, _ON_STATE, "on")


@skill(
    name="HassTurnOff",
    description="Turn off, close or unlock devices chosen by name, area, floor or kind",
    permissions=["home.control"],
    preview=lambda args, ctx: _preview(ctx, args, _OFF_STATE, "off"),
    undo=restore_states,
    examples=_switch_examples("off", "deactivate|disable", "close", "unlock"),
    phrasings=["(switch|turn) [the] {name} off", "(lights|light) off [in the {area}]",
               "(kill|shut off|cut) the (lights|power) [in the {area}]", "(shut down|power off|stop) the {name}",
               "(turn|switch) (off|out) [all] the lights [in the {area}]",
               "(close|lower|shut) the (blinds|curtains|shades|garage door) [in the {area}]",
               "lock the (front|back) door"],
)
def turn_off(args: Target, ctx: SkillContext) -> SkillResult:
    return _apply(ctx, args, _OFF_STATE, "off")


_HERE = {"area": {"slot": True}}  # no place said: the device's own area, as Home Assistant's templates take it
# How far "dim the lights" or "brighter" moves the brightness, in percent points (as far as a
# Home Assistant dimmer's step).
STEP = 25


class LightSetArgs(Target):
    brightness: int | None = Field(None, ge=0, le=100, description="Brightness in percent")
    color: str | None = Field(None, description="Colour name, e.g. red")
    step: int | None = Field(None, ge=-100, le=100,
                             description="Brightness change in percent points: negative dims, positive brightens")


def _light_levels(args: LightSetArgs) -> dict[str, Any]:
    return {k: v for k, v in (("brightness", args.brightness), ("color", args.color)) if v is not None}


def _say_levels(levels: dict[str, Any]) -> str:
    return " and ".join(f"{v}%" if k == "brightness" else str(v) for k, v in levels.items())


def _lights(args: LightSetArgs, ctx: SkillContext) -> list[Entity]:
    if not _light_levels(args) and not args.step:
        raise SkillError("To what brightness or colour?")
    return ctx.home.resolve(args.model_copy(update={"domain": args.domain or "light"}))


def _stepped(light: Entity, step: int) -> int:
    """The brightness a step takes a light to: an off light starts from 0, an on light without a
    level from full; a step down never switches a light on."""
    now = int(light.attributes.get("brightness", 100)) if light.state == "on" else 0
    return max(0, min(100, now + step))


def _who(lights: list[Entity], the: str = "") -> str:
    return f"{the}{lights[0].name}" if len(lights) == 1 else f"{len(lights)} lights"


def _light_preview(args: LightSetArgs, ctx: SkillContext) -> Preview:
    lights, levels = _lights(args, ctx), _light_levels(args)
    if levels:
        return Preview(summary=f"set {_who(lights, 'the ')} to {_say_levels(levels)}")
    after = {e.id: "on" if _stepped(e, args.step) else "off" for e in lights}
    return Preview(summary=f"{'brighten' if args.step > 0 else 'dim'} {_who(lights, 'the ')}",
                   changes=[Change(entity_id=e.id, name=e.name, before=e.state, after=after[e.id]) for e in lights])


def _step_lights(lights: list[Entity], step: int, ctx: SkillContext) -> SkillResult:
    if step < 0 and all(light.state != "on" for light in lights):
        return SkillResult(speech=f"{_who(lights)} {'is' if len(lights) == 1 else 'are'} already off.")
    levels = {light.id: _stepped(light, step) for light in lights}
    for light in lights:
        ctx.home.set_state(light, "on" if levels[light.id] else "off", brightness=levels[light.id])
    verb = "Brightened" if step > 0 else "Dimmed"
    level = f" to {levels[lights[0].id]}%" if len(set(levels.values())) == 1 else ""
    return SkillResult(speech=f"{verb} {_who(lights)}{level}.", data={"entities": list(levels), "brightness": levels})


def _step_examples(verb: str, verbs: str, comparative: str, step: int) -> list[Example]:
    """Dimming or brightening by a step: "dim the lights", "make the kitchen lights brighter". A
    device by name takes only the one verb that is a light's alone ("lower the blinds" closes them)."""
    lights, fixed, any_verb = "(light|lights|lamp|lamps|lighting|brightness)", {"step": step}, f"({verb}|{verbs})"
    return [Example(template=f"{any_verb} [the] {lights}", slots=fixed, requires=_HERE),
            Example(template=f"{any_verb} [all] [the] {lights}", slots=fixed),
            Example(template=f"{any_verb} [the] {lights} in [the] {{area}}", slots=fixed),
            Example(template=f"{any_verb} [the] {{area}} {lights}", slots=fixed),
            Example(template=f"{verb} [the] {{name}}", slots=fixed, requires={"domain": "light"}),
            Example(template=f"make [the] (light|lights|lamp) {comparative}", slots=fixed, requires=_HERE),
            Example(template=f"make [all] [the] (light|lights|lamp) {comparative}", slots=fixed),
            Example(template=f"make [the] {{area}} (light|lights|lamp) {comparative}", slots=fixed),
            Example(template=f"make [the] (light|lights|lamp) {comparative} in [the] {{area}}", slots=fixed),
            Example(template=f"make [the] {{name}} {comparative}", slots=fixed, requires={"domain": "light"})]


@skill(name="HassLightSet", description="Set the brightness or colour of lights, or dim or brighten them",
       permissions=["home.control"], preview=_light_preview,
       examples=[Example(template="set [the] {name} to {brightness} percent", requires={"domain": "light"}),
                 "(dim|set) [the] {area} lights to {brightness} percent",
                 *_step_examples("dim", "darken|lower|reduce|decrease|turn down", "(dimmer|darker)", -STEP),
                 *_step_examples("brighten", "raise|increase|turn up", "(brighter|lighter)", STEP)],
       phrasings=["(dim|brighten) the (lights|light|lamp|room) [in the {area}]",
                  "make [the] (lights|room|it) (brighter|dimmer|darker|lighter) [in the {area}]",
                  "(change|set|turn) the (lights|light|lamp) [colour|color] to {color}",
                  "[make|turn] the lights {color}",
                  "(increase|decrease|raise|lower|reduce|turn up|turn down) the (brightness|lights) [in the {area}]",
                  "it's too (bright|dark) in [here|the {area}]",
                  "set [the] (lights|brightness) (to|at) {brightness} [percent]",
                  "lights (to|at) {brightness} [percent]", "(can you|please) (dim|brighten) [the] lights",
                  "change the (lighting|light colour|light color|mood lighting)",
                  "(dim|lower|reduce|decrease|turn down) the (lights|light|lighting|brightness) [in [the] {area}] [to {brightness}] [percent]",
                  "(brighten|raise|increase|turn up|boost) the (lights|light|lighting|brightness) [in [the] {area}] [to {brightness}]",
                  "(lights|light) (up|down) [to {brightness}] [please]", "(more|less) light [in here] [please]",
                  "(change|set|make|turn) [the] (lights|light|room) [to] (red|blue|green|warm|cool|purple|pink|yellow|white|orange)",
                  "(soft|low|dim|bright|reading|party|mood) (lights|lighting) [in the {area}] [please]",
                  "(i need|give me) (more|less|brighter|dimmer|softer) light[s|ing]",
                  "(activate|choose|pick|try|use) a different (light|lighting) (color|colour|setting|mode)",
                  "set the mood [lighting] [please]", "switch [the lights] to (night|reading|party|relax|evening) (light|lighting|mode) [setting]",
                  "change [my|the] [room] lights (so that|to help) {thing}", "(show|give) [us|me] [some] {color} [light|lights]"])
def light_set(args: LightSetArgs, ctx: SkillContext) -> SkillResult:
    lights, changes = _lights(args, ctx), _light_levels(args)
    if not changes:
        return _step_lights(lights, args.step, ctx)
    for light in lights:
        ctx.home.set_state(light, "off" if args.brightness == 0 else "on", **changes)
    return SkillResult(speech=f"Set {_who(lights)} to {_say_levels(changes)}.",
                       data={"entities": [e.id for e in lights], **changes})


class StateQuery(Target):
    state: str | None = Field(None, description="The state asked about, e.g. on, open, locked")


def _spoken(entity: Entity) -> str:
    return str(entity.attributes.get("spoken_state") or entity.state)


@skill(name="HassGetState", description="Answer what state devices are in", risk="read",
       permissions=["home.read"], examples=["is [the] {name} on", "what is [the] {name}"],
       phrasings=["is the {name} (on|off|open|closed|locked|unlocked)",
                  "(are|did i leave) the lights (on|off) [in the {area}]",
                  "(which|what) (lights|devices|doors) are (on|off|open|unlocked)",
                  "(did i|have i) (leave|left|lock|locked) the {name} [on|open]",
                  "what('s| is) the (status|state) of the {name}"])
def get_state(args: StateQuery, ctx: SkillContext) -> SkillResult:
    entities = ctx.home.resolve(args.model_copy(update={"state": None}))
    states = {e.name: e.state for e in entities}
    if args.state is None:
        return SkillResult(speech=" ".join(f"{e.name} is {_spoken(e)}." for e in entities[:5]), data={"states": states})
    matching = [e for e in entities if e.state.casefold() == args.state.casefold()]
    if args.name and len(entities) == 1:
        answer = "Yes." if matching else f"No, {entities[0].name} is {_spoken(entities[0])}."
    else:
        answer = f"Yes: {', '.join(e.name for e in matching[:5])}." if matching else "No."
    return SkillResult(speech=answer, data={"states": states, "matching": [e.name for e in matching]})


class PositionArgs(Target):
    position: int = Field(ge=0, le=100, description="Open position in percent",
                          json_schema_extra={"ask": "To what position, in percent?"})


def _positioned(args: PositionArgs, ctx: SkillContext) -> list[Entity]:
    found = [e for e in ctx.home.resolve(args) if e.domain in ("cover", "valve")]
    if not found:
        raise SkillError("That can't be set to a position.")
    return found


def _position_preview(args: PositionArgs, ctx: SkillContext) -> Preview:
    """Opening a garage door to 100% is as critical as opening it: the policy must see it."""
    found = _positioned(args, ctx)
    after = "open" if args.position else "closed"
    return Preview(summary=f"set {', '.join(e.name for e in found[:3])} to {args.position}% open",
                   changes=[Change(entity_id=e.id, name=e.name, before=e.state, after=after) for e in found])


@skill(name="HassSetPosition", description="Open covers or valves to a position", permissions=["home.control"],
       preview=_position_preview,
       examples=[Example(template="open [the] {name} to {position} percent", requires={"domain": ["cover", "valve"]})])
def set_position(args: PositionArgs, ctx: SkillContext) -> SkillResult:
    found = _positioned(args, ctx)
    for entity in found:
        ctx.home.set_state(entity, "open" if args.position else "closed", position=args.position)
    return SkillResult(speech=f"{found[0].name if len(found) == 1 else 'Done'}: {args.position}% open.",
                       data={"entities": [e.id for e in found]})


class PlaceTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Device name")
    area: str | None = Field(None, description="Room")
    floor: str | None = Field(None, description="Floor")


def _devices(ctx: SkillContext, target: PlaceTarget, domain: str) -> list[Entity]:
    return ctx.home.resolve(Target(name=target.name, area=target.area, floor=target.floor, domain=domain))


class ClimateSetArgs(PlaceTarget):
    temperature: float = Field(ge=0, le=100, description="Target temperature in degrees (°C or °F)",
                               json_schema_extra={"ask": "To what temperature?"})


@skill(name="HassClimateSetTemperature", description="Set the thermostat's target temperature",
       permissions=["home.control"], examples=["set [the] (temperature|thermostat) to {temperature} degrees"],
       phrasings=["(set|change|put) the (thermostat|heating|temperature|heat) (to|at) {temperature} [degrees]",
                  "(make|turn) it (warmer|cooler|colder) [in here]",
                  "(turn|crank) (up|down) the (heat|heating|ac|air conditioning)",
                  "i('m| am) (cold|hot|freezing|too warm)"])
def climate_set(args: ClimateSetArgs, ctx: SkillContext) -> SkillResult:
    thermostats = _devices(ctx, args, "climate")
    for device in thermostats:
        ctx.home.set_state(device, device.state, temperature=args.temperature)
    return SkillResult(speech=f"{thermostats[0].name} set to {args.temperature:g} degrees.",
                       data={"entities": [e.id for e in thermostats]})


@skill(name="HassClimateGetTemperature", description="Say the current indoor temperature", risk="read",
       permissions=["home.read"], examples=["what is the temperature [in [the] {area}]", "how (warm|cold) is it inside"],
       phrasings=["what('s| is) the temperature (inside|in here|in the house|indoors|in the {area})",
                  "how (warm|cold|hot) is it (inside|in here|in the house|in the {area})",
                  "what's the thermostat (at|set to|reading)"],
       handoffs={"area": "HassGetWeather.name"})  # "how cold is it in oslo": no room, a place outside
def climate_get(args: PlaceTarget, ctx: SkillContext) -> SkillResult:
    device = _devices(ctx, args, "climate")[0]
    current = device.attributes.get("current_temperature")
    if current is None:
        raise SkillError(f"{device.name} doesn't report a temperature.")
    unit = device.attributes.get("unit_of_measurement", "degrees").replace("°C", "degrees").replace("°F", "degrees")
    return SkillResult(speech=f"It's {current} {unit} by the {device.name}.", data={"temperature": current})


@skill(name="HassVacuumStart", description="Start the robot vacuum", permissions=["home.control"],
       examples=["(start|run) [the] (vacuum|hoover)",
                 Example(template="(start|run) [the] {name}", requires={"domain": "vacuum"})],
       phrasings=["(start|run|turn on) the (vacuum|hoover|robot vacuum|roomba|vacuum cleaner|robot)",
                  "(vacuum|hoover|clean) the (floor|floors|house|carpet|{area})", "(time|go) to (vacuum|clean)",
                  "start (cleaning|vacuuming) [the {area}]", "(can you|please) (vacuum|clean) [the house|the {area}]"],
       handoffs={"name": "HassMediaSearchAndPlay.search_query"})  # "start ryan seacrest": no device, a show to play
def vacuum_start(args: PlaceTarget, ctx: SkillContext) -> SkillResult:
    vacuums = _devices(ctx, args, "vacuum")
    for vacuum in vacuums:
        ctx.home.set_state(vacuum, "cleaning")
    return SkillResult(speech=f"{vacuums[0].name} is cleaning.", data={"entities": [e.id for e in vacuums]})


@skill(name="HassVacuumReturnToBase", description="Send the robot vacuum back to its dock",
       permissions=["home.control"], examples=["send [the] (vacuum|hoover) (home|back to [its] (base|dock))"],
       phrasings=["(send|take) the (vacuum|robot|roomba) (home|back|to its dock|to the dock)",
                  "dock the (vacuum|robot|roomba)", "(stop|finish) (vacuuming|cleaning) and go home"])
def vacuum_dock(args: PlaceTarget, ctx: SkillContext) -> SkillResult:
    vacuums = _devices(ctx, args, "vacuum")
    for vacuum in vacuums:
        ctx.home.set_state(vacuum, "returning")
    return SkillResult(speech=f"{vacuums[0].name} is going back to its dock.",
                       data={"entities": [e.id for e in vacuums]})
