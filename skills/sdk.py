"""The skill SDK: a decorator that only tags, typed parameters, and what a skill returns.

A skill is a function `fn(args: ParamsModel, ctx: SkillContext) -> SkillResult`. Its pydantic
parameter model becomes the JSON schema the planner is constrained by; its example templates
(hassil syntax) feed the fast path and the LLM's few-shot prompt.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

if TYPE_CHECKING:
    from skills.home import Home
    from skills.store import Store

Risk = Literal["read", "act", "critical"]
SKILL_TAG = "__hark_skill__"


class Example(BaseModel):
    """One example utterance template (hassil syntax) and the fixed slot values it implies."""

    model_config = ConfigDict(frozen=True)

    template: str
    """E.g. "(turn|switch) on [the] {name}"; lists: {name}, {area}, {floor}, number ranges."""
    slots: dict[str, Any] = {}
    """Arguments every match of this template carries, e.g. {"domain": "light"}."""
    requires: dict[str, Any] = {}
    """Context the matched {name} must have, e.g. {"domain": ["cover", "valve"]} (hassil's requires_context)."""


class Handoff(NamedTuple):
    """A target value no device or place of the home has is what another skill takes: "resume
    the two towers" names no player, it is something to play."""

    field: str  # the target field, e.g. "name"
    skill: str  # the skill it goes to, e.g. "HassMediaSearchAndPlay"
    to: str  # that skill's field for it, e.g. "search_query"


def missing(model: type[BaseModel], field: str) -> ValidationError:
    """The error for a value a model needs only in some cases (a list's item, unless the whole
    list is cleared): raised from a validator, the executor asks for it like a required one."""
    return ValidationError.from_exception_data(model.__name__, [{"type": "missing", "loc": (field,), "input": {}}])


def only_missing(error: ValidationError) -> str | None:
    """The first missing field, when a missing value is all that is wrong (the executor asks for it)."""
    errors = error.errors()
    return str(errors[0]["loc"][0]) if all(e["type"] == "missing" and e["loc"] for e in errors) else None


class SkillResult(BaseModel):
    """What a skill did, in words for the speaker and data for the record."""

    speech: str
    data: dict[str, Any] = {}


class Change(BaseModel):
    """One predicted effect on the world."""

    entity_id: str
    name: str
    before: str
    after: str


class Preview(BaseModel):
    """What a call would do, predicted without doing it: the policy reads it, and the user hears
    `summary` when asked to confirm ("This will unlock the Front Door.")."""

    summary: str
    changes: list[Change] = []


class SkillError(Exception):
    """A failure the skill explains to the user in one spoken sentence."""


@dataclass
class SkillContext:
    """What a skill may touch: the home, durable state, the clock, the device's media folder, its
    data folder and which models the running process has loaded."""

    home: Home
    store: Store
    now: Callable[[], datetime] = field(default=datetime.now)
    media_dir: Path | None = None
    data_dir: Path | None = None
    loaded_models: Callable[[], list[str]] = field(default=list)
    history: History | None = None
    actions: Actions | None = None


class History(Protocol):
    """The device's record of earlier turns, as skills may use it."""

    def last_turn(self) -> dict[str, Any] | None:
        """The previous turn's record (transcript, actions, reply), if any."""

    def undo_last(self, ctx: SkillContext) -> SkillResult:
        """Take back the previous turn's actions; raises SkillError when they can't be."""


class Actions(Protocol):
    """The device's own checks, for a skill that keeps calls to run later (routines, a command
    run when a timer ends)."""

    def steps(self, command: str) -> list[dict[str, Any]]:
        """The calls ({"name", "args"}) a spoken command means, by the templates alone (no LLM);
        raises SkillError when it isn't one command the device can run later."""

    def describe(self, calls: list[dict[str, Any]]) -> list[str]:
        """What each call ({"name", "args"}) would do, in words; raises SkillError naming the
        first one that can't run (unknown skill, bad arguments, unknown device, denied)."""

    def is_command(self, text: str) -> bool:
        """Whether the words already mean a command (a routine's phrase must not hide one)."""


class NoArgs(BaseModel):
    """Parameters of a skill that takes none."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Skill:
    """A registered skill: its metadata and the function that runs it."""

    name: str
    description: str
    params: type[BaseModel]
    run: Callable[[BaseModel, SkillContext], SkillResult]
    examples: tuple[Example, ...] = ()
    phrasings: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    risk: Risk = "act"
    origin: str = "builtin"
    preview: Callable[[BaseModel, SkillContext], Preview] | None = None
    undo: Callable[[BaseModel, dict[str, Any], SkillContext], SkillResult] | None = None
    offer_to_llm: bool = True
    handoffs: tuple[Handoff, ...] = ()

    def schema(self) -> dict[str, Any]:
        return self.params.model_json_schema()


def skill(
    *,
    name: str,
    description: str,
    examples: list[Example | str] = (),  # type: ignore[assignment]
    phrasings: list[str] = (),  # type: ignore[assignment]
    permissions: list[str] = (),  # type: ignore[assignment]
    risk: Risk = "act",
    preview: Callable[[BaseModel, SkillContext], Preview] | None = None,
    undo: Callable[[BaseModel, dict[str, Any], SkillContext], SkillResult] | None = None,
    offer_to_llm: bool = True,
    handoffs: dict[str, str] | None = None,
) -> Callable[[Callable], Callable]:
    """Tag a function as a skill. Tagging only: the registry collects tagged functions.
    `preview(args, ctx)` predicts the effect without causing it (for dry runs and confirmations);
    `undo(args, data, ctx)` takes back a run, given its arguments and the data it returned;
    `examples` are exact templates the fast path matches, slot values and all; `phrasings` are
    looser, natural ways people ask (hassil syntax, any {slot} is free text) that only teach the
    router which skill is meant, the LLM then fills the arguments;
    `offer_to_llm=False` keeps it out of the model's catalog (the device plans it itself);
    `handoffs` maps a target field to "OtherSkill.field": a value there that names nothing in the
    home, in words of the request's own, goes to that skill instead ({"name":
    "HassMediaSearchAndPlay.search_query"}: "resume the two towers" plays it)."""

    def tag(fn: Callable) -> Callable:
        setattr(fn, SKILL_TAG, {
            "name": name,
            "description": description,
            "examples": tuple(Example(template=e) if isinstance(e, str) else e for e in examples),
            "phrasings": tuple(phrasings),
            "permissions": tuple(permissions),
            "risk": risk,
            "preview": preview,
            "undo": undo,
            "offer_to_llm": offer_to_llm,
            "handoffs": dict(handoffs or {}),
        })
        return fn

    return tag


def _handoff(field: str, to: str) -> Handoff:
    skill_name, _, to_field = to.partition(".")
    if not (skill_name and to_field):
        raise ValueError(f'handoffs["{field}"] is "{to}": write the skill and its field, e.g. "HassMediaSearchAndPlay.search_query"')
    return Handoff(field, skill_name, to_field)


def collect(fn: Callable, origin: str) -> Skill:
    """Build a Skill from a tagged function; its first parameter's annotation is the params model."""
    meta = getattr(fn, SKILL_TAG)
    meta = {**meta, "handoffs": tuple(_handoff(field, to) for field, to in meta["handoffs"].items())}
    first = next(iter(inspect.signature(fn, eval_str=True).parameters.values()))
    params = first.annotation
    if not (inspect.isclass(params) and issubclass(params, BaseModel)):
        raise TypeError(f"skill {meta['name']}: first parameter must be annotated with a pydantic model")
    return Skill(params=params, run=fn, origin=origin, **meta)
