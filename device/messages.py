"""The messages stages exchange, defined once (CONVENTIONS 1). A Turn prints as JSON."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal["fast", "llm"]
Status = Literal["done", "failed", "invalid", "needs_confirmation", "needs_input", "denied", "cancelled", "previewed"]


class Transcript(BaseModel):
    """What the STT heard."""

    text: str
    """The words, trimmed."""
    alternatives: list[str] = []
    """Other readings the STT found likely, best first: the planner tries them when `text` fits no command."""
    language: str = "en"
    """Language code the model reported."""
    audio_seconds: float = 0.0
    """Length of the audio transcribed."""


class ActionCall(BaseModel):
    """One call of a registered skill, as planned."""

    model_config = ConfigDict(frozen=True)

    name: str
    """Skill name, e.g. HassTurnOn."""
    args: dict[str, Any] = {}
    """Arguments, validated against the skill's parameter model before running."""


class Plan(BaseModel):
    """The planner's output: calls in order, and which path produced them."""

    calls: list[ActionCall]
    """Calls to run in order; conversational replies are calls of Answer/Unsupported."""
    source: Source
    """fast = template match (or a saved routine), llm = the constrained language model."""
    routine: int | None = None
    """The saved routine whose steps these are, when the words were its phrase."""
    understood: str | None = None
    """The transcript as the templates read it, when misheard words were mended ("twitch off" → "switch off")."""
    unsure: bool = False
    """The router was unsure the words were a command and the model judged they were: a change
    is asked about before it is made, whatever the policy allows."""


class ActionResult(BaseModel):
    """What happened when one call ran."""

    name: str
    args: dict[str, Any]
    status: Status
    """done; failed (the skill said why); invalid (arguments broke the schema); needs_confirmation
    (held until the user says yes); needs_input (held until the user says a value the request left
    out, which the speech asks for); denied (by the policy); cancelled (another step stopped the plan);
    previewed (a dry run: checked and predicted, not run)."""
    result: dict[str, Any] = {}
    """speech: the sentence for the user; data: what the skill reports; preview: the predicted effect."""
    decision: str | None = None
    """The policy's verdict: allow, confirm or deny."""
    reason: str = ""
    """Why the policy decided so."""

    @property
    def speech(self) -> str:
        return self.result.get("speech", "")


class Turn(BaseModel):
    """One whole interaction, as recorded and printed by `--json`."""

    transcript: str
    actions: list[ActionResult] = []
    reply: str = ""
    source: Source | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = []
    """Things the user should know, e.g. that the audio was resampled or cut."""
    at: float = 0.0
    """When the turn ended (epoch seconds)."""
    models: list[str] = []
    """Catalog ids of the models loaded when it ran."""
    dry_run: bool = False
    """Planned and previewed only: nothing was changed."""


class PipelineEvent(BaseModel):
    """A stage reporting progress to whoever listens (CLI, TUI, audit log, benchmark)."""

    type: Literal["state", "audio-loaded", "transcript", "plan", "action", "reply", "audio-out", "alert", "error"]
    """state: the device loop moved (data.state: starting, idle, listening, thinking, acting, speaking)."""
    data: dict[str, Any] = {}
