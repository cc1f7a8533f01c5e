"""The LLM path: a compact prompt (skills, the home, few-shot examples drawn from the skills' own
templates) and a grammar that admits only valid calls of registered skills.

The prompt's static part comes first and stays byte-identical between turns, so its evaluated
tokens are reused; only the user's words are new each turn.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from device.llm import LanguageModel
from device.messages import ActionCall, Plan
from device.planner.fast import FastPlanner, sample_utterances, slot_lists
from device.planner.grammar import args_schema, offered, plan_grammar, schema_grammar
from device.planner.grounding import grounded, said_part, unrepeated
from device.planner.moments import TIME_SLOTS, durations_as_said, in_whole_units
from device.planner.targets import TARGET_FIELDS, canonical_target, made_up_targets
from skills.home import Home
from skills.registry import SkillSet

MAX_PLAN_TOKENS = 96  # a spoken answer is a sentence or two; a longer one is cut at a sentence end
_SYSTEM = (
    "You are Hark, an offline voice assistant in a home. Turn the user's words into a JSON list of "
    "skill calls. Use only the skills and device names below. Use Unsupported for anything that "
    "needs the internet, other people's services or a device that is not listed. Use Answer for "
    "a question you can answer in one short sentence. Several requests become several calls, in order."
)


def _signature(skill) -> str:
    fields = ", ".join(args_schema(skill.params)["properties"])
    return f"- {skill.name}({fields}): {skill.description}"


def _home_lines(home: Home) -> str:
    areas = ", ".join(home.area_names())
    devices = ", ".join(f"{e.name} ({e.domain})" for e in home.entities)
    return f"Areas: {areas}\nDevices: {devices}"


def few_shot(skills: SkillSet, home: Home, fast: FastPlanner, per_skill: int = 1,
             seed: int = 7) -> list[tuple[str, str]]:
    """(utterance, answer JSON) pairs sampled from each skill's example templates; the template's
    own match by the fast path gives the exact arguments. Each skill draws from its own seeded
    stream, so a skill added or given a new example leaves every other skill's pair as it was (one
    shared stream reshuffled the whole prompt, and the model's judgement of borderline requests with it)."""
    lists, pairs = slot_lists(home), []
    for skill in skills:
        rng = random.Random(f"{seed}:{skill.name}")
        for example in skill.examples[:per_skill]:
            samples = sample_utterances(skill.name, example, lists, 200)
            plan = fast.plan(text := rng.choice(samples)) if samples else None
            if plan is not None:
                pairs.append((text, json.dumps([c.model_dump() for c in plan.calls])))
    return pairs


class LLMPlanner:
    """Plans with the language model under the skills' grammar; built once per skill set."""

    def __init__(self, model: LanguageModel, skills: SkillSet, home: Home, fast: FastPlanner) -> None:
        self._skills = skills = offered(skills)
        self._model = model
        self._home = home
        self._prefix = self._build_prefix(skills, home, fast)

    def _build_prefix(self, skills: SkillSet, home: Home, fast: FastPlanner) -> str:
        catalog = "\n".join(_signature(s) for s in skills)
        prompt = f"<|im_start|>system\n{_SYSTEM}\nSkills:\n{catalog}\n{_home_lines(home)}<|im_end|>\n"
        for text, answer in few_shot(skills, home, fast):
            prompt += f"<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n"
        return prompt

    @property
    def prefix(self) -> str:
        return self._prefix

    def warm(self, cache_dir: Path | None = None) -> str:
        return self._model.warm(self._prefix, cache_dir)

    def fill(self, text: str, name: str) -> Plan:
        """One call of the skill the router chose: the answer starts with its name, so the model
        writes only the arguments, under that skill's argument grammar."""
        schema = args_schema(self._skills[name].params)
        if not schema["properties"]:
            return Plan(calls=[ActionCall(name=name, args={})], source="llm")
        raw = self._model.complete(self._prefix + _turn(text) + _call_start(name), schema_grammar(schema),
                                    MAX_PLAN_TOKENS)
        args = _load(raw, "}")
        if args is None:
            return Plan(calls=[_cut_off()], source="llm")
        return Plan(calls=[self._said(ActionCall(name=name, args=args), text)], source="llm")

    def _said(self, call: ActionCall, text: str) -> ActionCall:
        """The call with only the optional values the request said, lengths of time in the units
        said, its target in the home's names."""
        schema = args_schema(self._skills[call.name].params)
        args = unrepeated(grounded(_times_said(call.args, schema, text), schema, text), text)
        args = in_whole_units(durations_as_said(args, schema["properties"], text), schema["properties"])
        if any(field in schema["properties"] for field in TARGET_FIELDS):
            args = canonical_target(args, schema["properties"], self._home)
            args = made_up_targets(args, set(schema["properties"]) - set(schema["required"]), self._home, text)
        return call.model_copy(update={"args": args})

    def choose(self, text: str, names: list[str]) -> Plan:
        """Calls of only these skills (the router's best guesses, and ways to decline)."""
        return self._complete(_turn(text), plan_grammar(SkillSet({n: self._skills[n] for n in names if n in self._skills})))

    def first_call_scores(self, text: str, names: list[str]) -> dict[str, float]:
        """The model's log-probability of each skill's call as its answer's first call (up to a
        term they all share)."""
        scores = self._model.endings_logprobs(self._prefix + _turn(text), [_call_named(n) for n in names])
        return dict(zip(names, scores))

    def repair(self, text: str, calls: list[ActionCall], problem: str) -> Plan:
        """Plan again after the first plan failed its checks, with that plan and why in the prompt.
        A repair may fix arguments, not change the request: its grammar admits only the skills the
        first plan called, and Answer to ask what the user meant. Its values are grounded in the
        request like a first plan's ("dim the lights" was repaired to 25% and red)."""
        first = json.dumps([c.model_dump() for c in calls])
        feedback = f"That can't run: {problem} Correct the arguments, or use Answer to ask what I meant."
        kept = SkillSet({s.name: s for s in self._skills if s.name in {c.name for c in calls} | {"Answer"}})
        plan = self._complete(f"{_turn(text)}{first}<|im_end|>\n{_turn(feedback)}", plan_grammar(kept))
        return plan.model_copy(update={"calls": [self._said(c, text) for c in plan.calls]})

    def _complete(self, turns: str, grammar: str) -> Plan:
        raw = self._model.complete(self._prefix + turns, grammar, MAX_PLAN_TOKENS)
        return Plan(calls=_parse(raw), source="llm")


def _times_said(args: dict, schema: dict, text: str) -> dict:
    """The optional days and times with only the words of them the request says (none: left out)."""
    trimmed = {key: said_part(value, text) for key, value in args.items()
               if key in TIME_SLOTS and key not in schema["required"] and isinstance(value, str)}
    return {key: trimmed.get(key, value) for key, value in args.items() if trimmed.get(key, value) != ""}


def _turn(text: str) -> str:
    """A user turn and the start of the assistant's answer, in the model's chat format."""
    return f"<|im_start|>user\n{text.strip()[:600]}<|im_end|>\n<|im_start|>assistant\n"


def _call_named(name: str) -> str:
    """How a call of `name` begins in the few-shot answers (json.dumps of [{"name", "args"}])."""
    return f'[{{"name": "{name}",'


def _call_start(name: str) -> str:
    return f'{_call_named(name)} "args": '


def _cut_off() -> ActionCall:
    return ActionCall(name="Unsupported", args={"reason": "follow that request"})


def _load(raw: str, closing: str):
    """The JSON the model wrote; one cut off by the token budget inside a string (a long answer)
    is kept up to its last full sentence and closed."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        sentence_end = max(raw.rfind(". "), raw.rfind("! "), raw.rfind("? "))
        try:
            return json.loads(raw[:sentence_end + 1] + '"' + closing) if sentence_end > 0 else None
        except json.JSONDecodeError:
            return None


def _parse(raw: str) -> list[ActionCall]:
    """The grammar guarantees the shape; a cut-off output that can't be closed becomes Unsupported."""
    try:
        return [ActionCall(name=c["name"], args=c["args"]) for c in _load(raw, "}}]")]
    except (KeyError, TypeError):
        return [_cut_off()]
