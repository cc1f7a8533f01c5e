"""The fast path: sentence templates matched by hassil, with exact slot values.

Templates come from two places: Home Assistant's own English sentences (the
`home-assistant-intents` package, Apache-2.0) for every skill that carries an HA intent name, and
each skill's own examples. Slot lists come from the home (entity names with their domain and
attributes as context, areas, floors) and standard number ranges. Commands joined by "and"/"then"
match when every part matches. A known phrasing with an unknown device name still gives the
call, so the skill can say which name it didn't know.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any

from hassil import Intents, RecognizeResult
from hassil.expression import Expression, Group, RuleReference, TextChunk
from hassil.intents import RangeSlotList, SlotList, TextSlotList, TextSlotValue, WildcardSlotList
from hassil.recognize import recognize_ranked
from hassil.sample import sample_intents
from pydantic import BaseModel, ValidationError

from device.messages import ActionCall, Plan
from device.planner.misheard import Mender
from device.planner.moments import TIME_SLOTS
from device.planner.targets import canonical_target
from skills import when
from skills.home import DOMAIN_WORDS, Entity, Home
from skills.registry import SkillSet
from skills.sdk import Example, Skill, only_missing

SPLIT = re.compile(r"\s*(?:,\s*)?\b(?:and then|then|and also|and)\b\s*", re.IGNORECASE)
# Wake words (ours and other assistants': people say the one they are used to, "olly" is Emotech's)
# and courtesies that come before a command. Templates don't say them; the router learns them with every skill.
LEAD_INS = ["please", "can you", "could you please", "hey", "alexa", "hey siri", "ok google", "hey hark", "hark",
            "i want you to", "would you", "okay", "assistant", "i'd like you to", "hey google", "computer", "jarvis",
            "olly", "siri", "okay google"]
_LEADING = re.compile(r"^(?:(?:" + "|".join(map(re.escape, sorted(LEAD_INS, key=len, reverse=True)))
                      + r")\b[\s,.!]*)+(?=\w)", re.IGNORECASE)


def without_lead_ins(text: str) -> str:
    """The command without the wake words and courtesies before it: "olly please turn off the
    lights" is "turn off the lights" to the templates."""
    return _LEADING.sub("", text.strip())


# Lists any skill template may use: number ranges (first, last), and free-text slots with the
# sample a generated utterance fills them with.
WILDCARD_SAMPLES = {"item": "bananas", "time": "7 am", "when": "friday at 3 pm", "title": "dentist",
                    "expression": "12 times 7", "routine": "reading time", "day": "the fifth of may", "place": "tokyo"}
_RANGES = {"hours": (1, 24), "minutes": (1, 1440), "seconds": (1, 86400), "percent": (0, 100),
           "brightness": (0, 100), "volume": (0, 100), "temperature": (0, 100), "position": (0, 100),
           "number": (1, 1000)}


def _ha_sentences(names: set[str]) -> dict[str, Any]:
    """Home Assistant's English intents data, kept to the intents we have skills for."""
    import home_assistant_intents

    data = home_assistant_intents.get_intents("en") or {"intents": {}}
    return {"language": "en", "intents": {k: v for k, v in data["intents"].items() if k in names},
            "lists": data.get("lists", {}), "expansion_rules": data.get("expansion_rules", {}),
            "skip_words": data.get("skip_words", [])}


def build_intents(skills: SkillSet, phrasings: bool = False) -> Intents:
    """Every skill's templates; with `phrasings`, its looser phrasings too (the router's, not ours)."""
    data = _ha_sentences({s.name for s in skills})
    for skill in skills:
        blocks = [{"sentences": [e.template], "slots": e.slots, "requires_context": e.requires} for e in skill.examples]
        blocks += [{"sentences": list(skill.phrasings)}] if phrasings and skill.phrasings else []
        if blocks:
            data["intents"].setdefault(skill.name, {"data": []})["data"].extend(blocks)
    return Intents.from_dict(data)


def template_words(intents: Intents) -> dict[str, str]:
    """Each intent's words: its templates' fixed text, expansion rules followed, slots left out
    (what a request for it says before it says anything of its own: "set an alarm")."""
    return {name: " ".join(text for data in intent.data for sentence in data.sentences
                           for text in _texts(sentence.expression, {**intents.expansion_rules, **data.expansion_rules}))
            for name, intent in intents.intents.items()}


def _texts(expression: Expression, rules: dict, followed: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(expression, TextChunk):
        yield expression.original_text
    elif isinstance(expression, Group):
        for item in expression.items:
            yield from _texts(item, rules, followed)
    elif isinstance(expression, RuleReference) and expression.rule_name in rules \
            and expression.rule_name not in followed:  # a rule that names itself is followed once
        yield from _texts(rules[expression.rule_name].expression, rules, followed | {expression.rule_name})


def _entity_context(entity: Entity) -> dict[str, Any]:
    return {"domain": entity.domain, **entity.attributes}


def slot_lists(home: Home, taken: set[str] = frozenset()) -> dict[str, SlotList]:
    """Home lists (entity names carry their domain and attributes as context) and number ranges."""
    lists: dict[str, SlotList] = {
        name: RangeSlotList(name=name, start=first, stop=last)
        for name, (first, last) in _RANGES.items() if name not in taken}
    lists.update({name: WildcardSlotList(name=name) for name in WILDCARD_SAMPLES if name not in taken})
    names = [TextSlotValue(TextChunk(alias), e.name, _entity_context(e)) for e in home.entities for alias in e.all_names]
    lists["name"] = TextSlotList(name="name", values=names)
    lists["area"] = TextSlotList.from_strings([n for a in home.data.areas for n in a.all_names], False, "area")
    lists["floor"] = TextSlotList.from_strings([n for f in home.data.floors for n in f.all_names], False, "floor")
    return lists


def fits(context: dict, requires: dict) -> bool:
    return all(context.get(k) in (v if isinstance(v, list) else [v]) for k, v in requires.items())


def sample_utterances(skill_name: str, example: Example, lists: dict[str, SlotList], limit: int) -> list[str]:
    """Up to `limit` sentences a template produces, with only the device names its `requires`
    admits and free-text slots filled in: the LLM's few-shot examples and `hark skills test` use them."""
    names = [v for v in lists["name"].values if fits(v.context or {}, example.requires)]
    lists = {**lists, "name": TextSlotList(name="name", values=names)}
    data = {"sentences": [example.template], "slots": example.slots}
    intents = Intents.from_dict({"language": "en", "intents": {skill_name: {"data": [data]}}})
    return [_fill_wildcards(text) for _, text in islice(sample_intents(intents, slot_lists=lists, language="en"), limit)]


def _fill_wildcards(text: str) -> str:
    for name, sample in WILDCARD_SAMPLES.items():
        text = text.replace(f"{{{name}}}", sample)
    return text


class FastPlanner:
    """Matches whole commands (or each part of a compound one) against the templates."""

    def __init__(self, skills: SkillSet, home: Home) -> None:
        self._skills = skills
        self._home = home
        self._intents = build_intents(skills)
        self._lists = slot_lists(home, taken=set(self._intents.slot_lists))
        named = [n for e in home.entities for n in e.all_names] + [n for a in home.data.areas for n in a.all_names]
        self._domains = {e.domain for e in home.entities} | {"scene"}  # "turn on X" is a scene's phrasing too
        # the words that may name a device or place: this home's, and any home's kinds and parts
        self._place_or_device_words = {w for n in named for w in re.findall(r"\w+", n.lower()) if len(w) > 2} \
            | DEVICE_WORDS | PLACE_WORDS
        self._mender: Mender | None = None  # built on first need: it phonemizes every template word
        # A turn searches the templates for the same words more than once (for an exact match,
        # then a loose one the router checks): hassil is most of the fast path's time.
        self._ranked = lru_cache(maxsize=RECENT_MATCHES)(self._rank_templates)

    def plan(self, text: str, context: dict[str, Any] | None = None, loose: bool = True,
             skip: frozenset[str] = frozenset()) -> Plan | None:
        """Whole command first; then each part of a compound one; then a known phrasing whose
        device name we don't know (so the skill can say which name it didn't know).
        `loose=False` keeps only matches whose every slot came from a list: no free text taken
        by a wildcard, no unknown name (the planner checks loose matches with the router).
        `skip`: skills whose match was ruled out; the whole command's next best match is tried."""
        call = self._known(text, context, loose, skip)
        if call is not None:
            return Plan(calls=[call], source="fast")
        parts = [p for p in SPLIT.split(text) if p.strip()]
        if len(parts) > 1:
            calls = [self._known(p, context, loose) or (loose and self._unknown_name(p, context)) for p in parts]
            if all(calls):
                return Plan(calls=calls, source="fast")
        call = self._unknown_name(text, context) if loose else None
        return Plan(calls=[call], source="fast") if call else None

    def steps(self, command: str, context: dict[str, Any] | None = None) -> list[ActionCall] | None:
        """The calls a command to run later means (a timer's "turn off the kitchen light" in 10
        minutes): an exact template match, else None."""
        plan = self.plan(command, context, loose=False)
        return plan.calls if plan is not None else None

    def runs_later(self, calls: list[ActionCall]) -> bool:
        """Whether calls may wait for a timer: each changes something (a question is asked for
        an answer now), takes no time of its own ("remind me about the meeting" in one hour is
        a calendar entry in an hour, made now) and holds no command of its own."""
        return bool(calls) and all(self._skills[c.name].risk != "read" and not command_fields(self._skills[c.name])
                                   and not TIME_SLOTS & set(self._skills[c.name].params.model_fields) for c in calls)

    @cached_property
    def area_from_context(self) -> set[str]:
        """The skills whose templates take the device's own area when no place is said (HA's
        `requires_context: area: slot: true`: "turn the lights off" said in the kitchen)."""
        return {name for name, intent in self._intents.intents.items()
                if any(_context_slot(data.requires_context.get("area")) for data in intent.data)}

    def warm(self) -> None:
        """Build the mender now rather than on the first transcript that needs it (~0.3 s)."""
        if self._mender is None:
            self._mender = Mender(self._intents, self._lists)

    def mended(self, text: str, context: dict[str, Any] | None = None) -> Plan | None:
        """An exact match of the transcript with one or two misheard words replaced by template
        words that sound alike (misheard.py), nearest reading first; whole commands only."""
        self.warm()
        for reading, intents in self._mender.readings(without_lead_ins(text)):
            result = next(iter(self._recognize(reading, context, unmatched=False, intents=intents)), None)
            if result is not None and not self._free_text(result, context) \
                    and (call := self._call(result, context)) is not None:
                return Plan(calls=[call], source="fast", understood=reading)
        return None

    def _known(self, text: str, context: dict[str, Any] | None, loose: bool = True,
               skip: frozenset[str] = frozenset()) -> ActionCall | None:
        """The call of the best match whose arguments fit ("put the cake in the oven in 15 minutes"
        split at its first "in" gives no time; at its second it does)."""
        for result in self._recognize(text, context, unmatched=False, skip=skip):
            if not loose and self._free_text(result, context):
                return None
            if (call := self._call(result, context)) is not None:
                return call
        return None

    def _free_text(self, result: RecognizeResult, context: dict[str, Any] | None) -> bool:
        """Whether a wildcard took words the templates don't know; a command for later that is
        itself an exact match ("turn off the kitchen light" in 10 minutes) is known words."""
        commands = command_fields(self._skills[result.intent.name])
        return any(e.is_wildcard and (e.name not in commands or self.steps(str(e.value), context) is None)
                   for e in result.entities_list)

    def _unknown_name(self, text: str, context: dict[str, Any] | None) -> ActionCall | None:
        result = next(iter(self._recognize(text, context, unmatched=True)), None)
        if result is None or not _only_names_unmatched(result):
            return None
        command = self._skills[result.intent.name].risk != "read"  # "turn on the spaceship": surely a device
        if not command and not all(self.sounds_like_a_device(e.text) for e in _unmatched(result)):
            return None
        call = self._call(result, context)
        if call is None:
            return None
        # The kind the template requires is the template's, not said: the name may say another
        required = _domain_required(result)
        template_kind = {k: v for k, v in call.args.items() if k in required}
        said = {k: v for k, v in call.args.items() if k not in required}
        args = canonical_target(said, self._skills[call.name].params.model_fields, self._home)
        if "domain" in args and not fits({"domain": args["domain"]}, required):
            return None  # "lower the lights" is a cover's phrasing ("<close> <name>"), "turn all the lights" a script's
        return call.model_copy(update={"args": {**template_kind, **args}})

    def sounds_like_a_device(self, name: str) -> bool:
        """"the garage heater" (a room's or device's word, a kind of device, a part of a home) may
        be a device or place we don't know; "what is a fjord" is a question for the LLM."""
        words = set(re.findall(r"\w+", name.lower()))
        return bool(words & self._place_or_device_words)

    def _call(self, result: RecognizeResult, context: dict[str, Any] | None) -> ActionCall | None:
        """The call a match means, if its arguments fit the skill: a free-text slot can take words
        that only look like its kind ("what is the capital of France" is no sum)."""
        domain = result.entities.get("domain")
        if domain is not None and domain.value not in self._domains:
            return None  # a phrasing for a kind of device this home doesn't have ("who is {person}")
        call = ActionCall(name=result.intent.name, args=_args(result))
        skill = self._skills[call.name]
        try:
            call = call.model_copy(update={"args": _texts_as_read(call.args, skill.params.model_validate(call.args))})
        except ValidationError as exc:
            if only_missing(exc) is None:
                return None  # a value still to be asked for is no misfit ("remind me to call mom": when?)
        if any((steps := self.steps(call.args[field], context)) is not None and not self.runs_later(steps)
               for field in command_fields(skill) if field in call.args):
            return None  # "what's the weather in 5 hours" asks for a forecast
        if any(e.is_wildcard and e.name in TIME_SLOTS and not when.is_time_phrase(str(e.value))
               for e in result.entities_list):
            return None  # "remind me to {title} in {when}" took "the oven in 15 minutes" for a time
        return call

    def _recognize(self, text: str, context: dict[str, Any] | None, unmatched: bool,
                   intents: Intents | None = None, skip: frozenset[str] = frozenset()) -> list[RecognizeResult]:
        """The matches, best first, less those of the skills to skip."""
        text = without_lead_ins(text)
        ranked = self._rank(text, intents, context, unmatched) if intents is not None \
            else self._ranked(text, json.dumps(context or None, sort_keys=True, default=str), unmatched)
        return [result for result in ranked if result.intent.name not in skip]

    def _rank_templates(self, text: str, context_json: str, unmatched: bool) -> tuple[RecognizeResult, ...]:
        """The templates' matches (the context as JSON: a cache key)."""
        return self._rank(text, self._intents, json.loads(context_json), unmatched)

    def _rank(self, text: str, intents: Intents, context: dict[str, Any] | None,
              unmatched: bool) -> tuple[RecognizeResult, ...]:
        return tuple(recognize_ranked(text, intents, slot_lists=self._lists, intent_context=context or None,
                                      allow_unmatched_entities=unmatched, best_slot_name="name"))


# Kinds of device people name; with the home's own words they tell an unknown device name apart
# from a question that merely fits a device phrasing ("what is a fjord").
DEVICE_WORDS = set(DOMAIN_WORDS) | {
    "heater", "tv", "television", "speaker", "speakers", "thermostat", "vacuum", "sensor", "window",
    "windows", "gate", "garage", "outlet", "socket", "kettle", "radio", "ac", "conditioner", "heating",
    "sprinkler", "valve", "camera", "doorbell", "printer", "humidifier", "dehumidifier", "purifier",
    "dishwasher", "washer", "dryer", "oven", "microwave", "machine", "appliance"}
# Parts of a home that people name whether or not the home lists them: "clean the flat" is a
# place to vacuum, not a title to play. Words common in titles ("wolf hall", "house of cards")
# are left out.
PLACE_WORDS = {"flat", "apartment", "attic", "basement", "cellar", "loft", "upstairs", "downstairs", "stairs",
               "staircase", "porch", "patio", "lounge", "nursery", "pantry", "rug"}
# How many of its latest template searches a fast planner keeps: a turn makes a few (the whole
# command, its parts, with and without unknown names). SLURP dev, its 229 fast-path commands: 945
# searches, 190 of them again (1.1 of 3.6 s).
RECENT_MATCHES = 16
_MISSING = "<missing>"  # hassil's text for a context slot that nothing filled
# Words that alone name no device: a particle or pronoun the phrasing's name slot took.
NOT_A_NAME = {"off", "on", "up", "down", "it", "them", "that", "this", "these", "those", "one", "the", "a", "please"}
COURTESY_AFTER = re.compile(r"(?:\s+(?:please|now|for (?:me|us)|thanks|thank you))+\s*$", re.IGNORECASE)
MAX_NAME_WORDS = 4  # longer "unknown names" are clauses the template swallowed, not device names


def command_fields(skill: Skill) -> set[str]:
    """The skill's free-text fields that hold a command to run later ({"command": True} in their
    schema, e.g. a timer's conversation_command)."""
    return _marked(skill, "command")


def content_fields(skill: Skill) -> set[str]:
    """The skill's free-text fields that hold the user's own words to keep, whatever they say
    ({"content": True} in their schema, e.g. a reminder's title: "to email my boss" is no request
    to email anyone)."""
    return _marked(skill, "content")


def _marked(skill: Skill, mark: str) -> set[str]:
    return {name for name, field in skill.params.model_fields.items()
            if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get(mark)}


def _context_slot(required: Any) -> bool:
    return isinstance(required, dict) and bool(required.get("slot"))


def _unmatched(result: RecognizeResult) -> list:
    return [e for e in result.unmatched_entities_list if e.text.strip() != _MISSING]


def _domain_required(result: RecognizeResult) -> dict[str, Any]:
    required = (result.intent_data.requires_context or {}) if result.intent_data else {}
    return {"domain": required["domain"]} if "domain" in required else {}


def _only_names_unmatched(result: RecognizeResult) -> bool:
    """An unknown device name inside a known phrasing; a bare "{name}" template (HA's "say a
    scene's name") would otherwise take any sentence at all for a device name, and "<close>
    <name>" a particle or pronoun ("please shut off", "turn off it")."""
    unmatched = _unmatched(result)
    words_matched = result.text_chunks_matched > 0
    return words_matched and bool(unmatched) and all(
        e.name == "name" and 0 < len(e.text.split()) <= MAX_NAME_WORDS
        and not set(e.text.lower().split()) <= NOT_A_NAME for e in unmatched)


def _args(result: RecognizeResult) -> dict[str, Any]:
    args = {name: (e.value if isinstance(e.value, (int, float)) else str(e.value or e.text).strip())
            for name, e in result.entities.items()}
    args.update({e.name: _bare_name(e.text) for e in _unmatched(result)})
    return {k: v for k, v in args.items() if v != ""}


def _texts_as_read(args: dict[str, Any], read: BaseModel) -> dict[str, Any]:
    """The call's arguments with each text as the skill reads it, so the turn records what was
    done: a reminder's title with its time split off ("take out the trash" and "tomorrow"); no
    player name where it named what is playing ("pause the audiobook"). Only texts: a number
    stays as said (5, not 5.0, in the LLM's worked examples)."""
    texts = {key: value for key, value in read if isinstance(value, str) and value != args.get(key)
             and (key in args or value != type(read).model_fields[key].default)}
    dropped = {key for key, value in read if value is None and isinstance(args.get(key), str)}
    return {key: value for key, value in {**args, **texts}.items() if key not in dropped}


def _bare_name(text: str) -> str:
    """An unknown name less the particles its slot took before it ("shut" + "off the heater
    thing") and the courtesies after it ("resume the hobbit please": a title "hobbit please" is
    found in no media folder)."""
    words = COURTESY_AFTER.sub("", text).split() or text.split()
    while words[1:] and words[0].lower() in NOT_A_NAME:
        words.pop(0)
    return " ".join(words)
