"""One voice turn: audio → transcript → plan → actions → reply → speech.

The pipeline owns one process's models (each loaded once, on first use) and reports each
stage as a PipelineEvent to the callback its caller passes in; it knows nothing of who listens.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path

from device.alerts import Alert, ring, take_due, take_due_routines
from device.audio import AudioChunk, SpeechInput, at_volume, read_wav, require_sound, write_wav
from device.config import Settings, make_backend
from device.confirm import answer, said_value
from device.errors import HarkError
from device.executor import Executor
from device.history import TurnHistory
from device.messages import ActionCall, PipelineEvent, Plan, Transcript, Turn
from device.modelstore import ModelStore
from device.planner import Planner, routine_plan
from device.planner.fast import FastPlanner, build_intents
from device.planner.grammar import args_schema
from device.planner.moments import TIME_SLOTS
from device.planner.router import Router, load_router
from device.policy import Policy
from skills import when
from skills.builtin.routines import title
from skills.home import Home
from skills.registry import SkillSet, load_skills
from skills.sdk import SkillContext, SkillError
from skills.store import Routine, Store

EventSink = Callable[[PipelineEvent], None]
NOTHING_HEARD = "Sorry, I didn't catch that."


class Pipeline:
    """Runs turns from a WAV file or from text, with every model loaded once per process."""

    def __init__(self, settings: Settings, on_event: EventSink | None = None, dry_run: bool = False,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        """`dry_run`: plan and preview every turn, change nothing (no actions, no audit row).
        `clock`: the wall clock that timers, schedules, quiet hours and the audit log read."""
        self.settings, self.dry_run, self.clock = settings, dry_run, clock
        self._emit = on_event or (lambda event: None)
        self.models = ModelStore(settings.model_root)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.state_db)

    @cached_property
    def skills(self) -> SkillSet:
        return load_skills(self.settings.skills_allow, self.settings.skills_dir)

    @cached_property
    def home(self) -> Home:
        return Home.load(self.settings.home_file, self.store, make_backend(self.settings))

    @cached_property
    def transcriber(self):
        from device.stt import Transcriber

        return Transcriber(self.models.path(self.settings.stt_model, "stt"), self.settings.threads)

    @cached_property
    def speaker(self):
        from device.tts import Speaker

        return Speaker(self.models.path(self.settings.tts_model, "tts"))

    @cached_property
    def fast_planner(self) -> FastPlanner:
        return FastPlanner(self.skills, self.home)

    @cached_property
    def embedder(self):
        from device.embedder import Embedder

        return Embedder(self.models.path(None, "embed"), self.settings.threads)

    @cached_property
    def router(self) -> Router:
        return load_router(build_intents(self.skills, phrasings=True), self.home, self.embedder,
                           self.settings.data_dir / "cache")

    @cached_property
    def planner(self) -> Planner:
        return Planner(self.fast_planner, lambda: self.router, self.skills, self._make_llm_planner,
                       self.store.routines)

    def _make_llm_planner(self):
        from device.llm import LanguageModel
        from device.planner.llm import LLMPlanner

        model = LanguageModel(self.models.path(self.settings.llm_model, "llm"), self.settings.threads,
                              gpu_layers=self.settings.llm_gpu_layers)
        planner = LLMPlanner(model, self.skills, self.home, self.fast_planner)
        planner.warm(self.settings.data_dir / "cache")
        return planner

    @property
    def context(self) -> dict[str, str]:
        return {"area": self.settings.area} if self.settings.area else {}

    @cached_property
    def policy(self) -> Policy:
        return Policy.load(self.settings.config_dir / "policy.toml")

    @cached_property
    def executor(self) -> Executor:
        media = self.settings.media_dir or self.settings.data_dir / "media"
        context = SkillContext(home=self.home, store=self.store, now=self.clock, media_dir=media,
                               data_dir=self.settings.data_dir,
                               loaded_models=self.loaded_models, history=TurnHistory(self.store, self.skills))
        executor = Executor(self.skills, context, self.settings.skill_timeout_seconds, self.policy)
        context.actions = RoutineChecks(executor, self.fast_planner, lambda command: self.planner.later(command, self.context))
        return executor

    def loaded_models(self) -> list[str]:
        """Catalog ids of the models this process has loaded so far."""
        loaded = {"stt": "transcriber" in self.__dict__, "tts": "speaker" in self.__dict__,
                  "llm": "planner" in self.__dict__ and self.planner.llm_loaded, "embed": "embedder" in self.__dict__}
        chosen = {"stt": self.settings.stt_model, "llm": self.settings.llm_model, "tts": self.settings.tts_model,
                  "embed": None}
        return [self.models.entry(chosen[kind], kind).id for kind, is_loaded in loaded.items() if is_loaded]

    def warm(self, llm: bool = False) -> None:
        """Load the models and the home now, so the first turn doesn't wait for them."""
        _loaded = self.transcriber, self.speaker, self.router, self.executor  # each loads on first touch
        self.fast_planner.warm()
        if llm:
            self.planner.load_llm()

    def listen(self, wav: Path, reply_wav: Path | None = None) -> Turn:
        """A whole turn from a recording."""
        timings: dict[str, float] = {}
        with _timed(timings, "audio_in"):
            speech = read_wav(wav, self.settings.max_audio_seconds)
        return self.hear(speech, str(wav), reply_wav, timings)

    def hear(self, speech: SpeechInput, source: str, reply_wav: Path | None = None,
             timings: dict[str, float] | None = None, notes: tuple[str, ...] = (),
             heard: Future[Transcript] | None = None) -> Turn:
        """A whole turn from audio already at 16 kHz mono (from a file or a microphone); `notes`
        are recorded with the turn; `heard`: its transcript, already under way (device.drafts)."""
        timings = timings if timings is not None else {}
        require_sound(speech, source)
        self._emit(PipelineEvent(type="audio-loaded", data={"seconds": speech.seconds, "notes": speech.notes}))
        transcript = self._transcribe(speech, timings, heard)
        return self._finish(transcript, timings, [*speech.notes, *notes], reply_wav)

    def say(self, text: str, reply_wav: Path | None = None, notes: tuple[str, ...] = ()) -> Turn:
        """A whole turn from typed text (no STT)."""
        if not text.strip():
            raise HarkError("the text is empty", 'say what to do, e.g. hark say "turn on the kitchen light"')
        self._emit(PipelineEvent(type="transcript", data={"text": text.strip(), "typed": True}))
        return self._finish(Transcript(text=text.strip()), {}, list(notes), reply_wav)

    def _record(self, turn: Turn) -> None:
        """Append the turn to the audit log (a dry run changes nothing, so it isn't one)."""
        if turn.dry_run:
            return
        self.store.append_audit(turn.model_dump(mode="json"), turn.at)
        self.store.prune_audit(turn.at - self.settings.audit_retention_days * 86400)

    def _transcribe(self, speech: SpeechInput, timings: dict[str, float],
                    heard: Future[Transcript] | None) -> Transcript:
        with _timed(timings, "stt"):
            transcript = heard.result() if heard is not None else self.transcriber.transcribe(speech)
        self._emit(PipelineEvent(type="transcript", data={"text": transcript.text, "early": heard is not None}))
        return transcript

    def _finish(self, heard: Transcript, timings: dict[str, float], notes: list[str], reply_wav: Path | None) -> Turn:
        turn = Turn(transcript=heard.text, timings_ms=timings, notes=notes, dry_run=self.dry_run)
        if heard.text:
            self._act(turn, heard.alternatives)
        else:
            turn.reply = NOTHING_HEARD
        turn.at, turn.models = self.clock().timestamp(), self.loaded_models()
        self._record(turn)
        self._emit(PipelineEvent(type="reply", data={"text": turn.reply}))
        if reply_wav is not None:
            with _timed(turn.timings_ms, "tts"):
                seconds = write_wav(reply_wav, self.speak(turn.reply))
            self._emit(PipelineEvent(type="audio-out", data={"path": str(reply_wav), "seconds": seconds}))
        return turn

    def _act(self, turn: Turn, alternatives: Sequence[str]) -> None:
        """Answer a held question (yes or no, or the value it asked for), or plan the command
        (which cancels any unanswered question)."""
        held = None if self.dry_run else \
            self.store.take_pending(self.policy.confirm_timeout_seconds, self.clock().timestamp())
        reply = answer(turn.transcript)
        if reply is not None and held is None:
            turn.reply = "There's nothing waiting for an answer."
            return
        if reply == "no":
            turn.reply = "OK, I won't."
            return
        with _timed(turn.timings_ms, "plan"):
            if reply == "yes":
                plan = Plan(calls=held, source="fast")
            else:
                plan = self._given(held, turn.transcript) or \
                    self._repaired(turn, self.planner.plan(turn.transcript, self.context, alternatives))
        self._carry_out(turn, plan, confirmed=reply == "yes")

    def _given(self, held: list[dict] | None, text: str) -> Plan | None:
        """The held calls with the value the user was asked for, unless the words are a command
        of their own: one the templates know ("never mind", "turn on the kitchen light"), or one
        the router is sure is another skill's (asked what to play, "louder")."""
        calls = [ActionCall(**call) for call in held or []]
        asked = next(((i, field) for i, call in enumerate(calls)
                      if (field := self.executor.missing(call)) is not None), None)
        if asked is None or self.fast_planner.plan(text, self.context, loose=False) is not None:
            return None
        index, field = asked
        frame = self.planner.own_words(calls[index].name)
        if self.planner.commands_another(text, calls[index].name):
            return None
        kind = args_schema(self.skills[calls[index].name].params)["properties"].get(field, {}).get("type")
        if (value := said_value(text, number=kind in ("integer", "number"), frame=frame)) is None:
            return None
        if field in TIME_SLOTS and not when.is_time_phrase(str(value)):
            return None  # asked "what time?", "remind me to take out the trash at 7" is a request of its own
        calls[index] = calls[index].model_copy(update={"args": {**calls[index].args, field: value}})
        return Plan(calls=calls, source="fast")

    def _repaired(self, turn: Turn, plan: Plan) -> Plan:
        """An LLM plan with a step that can't run (bad arguments, unknown device) is planned once
        more, told why; what comes back is checked like any plan."""
        problem = self.executor.problem(plan.calls) if plan.source == "llm" else None
        if problem is None:
            return plan
        turn.notes.append(f"The first plan could not run ({problem}), so it was planned again.")
        return self.planner.repair(turn.transcript, plan, problem, self.context)

    def _carry_out(self, turn: Turn, plan: Plan, confirmed: bool) -> None:
        turn.source = plan.source
        if plan.routine is not None:
            turn.notes.append(f"Ran the steps of saved routine {plan.routine}.")
        if plan.understood is not None:
            turn.notes.append(f'Read "{turn.transcript}" as "{plan.understood}".')
        self._emit(PipelineEvent(type="plan", data=plan.model_dump()))
        with _timed(turn.timings_ms, "act"):
            results = self.executor.run(plan.calls, confirmed=confirmed, dry_run=self.dry_run, unsure=plan.unsure)
        for result in results:
            turn.actions.append(result)
            self._emit(PipelineEvent(type="action", data=result.model_dump()))
        if not self.dry_run and any(r.status in ("needs_confirmation", "needs_input") for r in results):
            # asked when said, not when the turn began: a first turn may spend half a minute loading the LLM
            self.store.ask([c.model_dump() for c in plan.calls], self.clock().timestamp())
        turn.reply = " ".join(a.speech for a in turn.actions if a.speech) or NOTHING_HEARD

    def take_alerts(self) -> list[Alert]:
        """Timers, alarms and scheduled routines that came due, each only once; a routine's
        steps run here, through the policy like any turn, and its reply is the alert's line."""
        now = self.clock()
        alerts = [self._run_command(alert) if alert.calls else alert for alert in take_due(self.store, now)]
        alerts += [self._run_scheduled(routine, missed) for routine, missed in take_due_routines(self.store, now)]
        for alert in alerts:
            self._emit(PipelineEvent(type="alert", data=alert.model_dump()))
        return alerts

    def _run_scheduled(self, routine: Routine, missed: bool) -> Alert:
        if missed:
            speech = f"While I was off, I missed the routine {title(routine)}, so I didn't run it."
            return Alert(kind="routine", id=routine.id, due_at=routine.next_at, speech=speech)
        speech = self._run_saved(f"(the routine {title(routine)})", routine_plan(routine))
        return Alert(kind="routine", id=routine.id, due_at=routine.next_at, speech=speech)

    def _run_command(self, alert: Alert) -> Alert:
        plan = Plan(calls=[ActionCall(**call) for call in alert.calls], source="fast")
        return alert.model_copy(update={"speech": self._run_saved(f"(the timer to {alert.command})", plan)})

    def _run_saved(self, transcript: str, plan: Plan) -> str:
        """Calls saved earlier, run now as a turn of their own (policy, audit), nobody having
        said anything: a step that needs a yes asks for it. The turn's reply."""
        turn = Turn(transcript=transcript, dry_run=self.dry_run)
        turn.at, turn.models = self.clock().timestamp(), self.loaded_models()
        self._carry_out(turn, plan, confirmed=False)
        self._record(turn)
        return turn.reply

    def ring(self, alerts: list[Alert]) -> Iterator[AudioChunk]:
        """The chime and spoken line of each alert, one after another."""
        for alert in alerts:
            yield from ring(alert, self.speak)

    def speak(self, text: str, steady: bool = False) -> Iterable[AudioChunk]:
        """The reply's audio, softer in quiet hours."""
        return self.at_hour_volume(self.speaker.synthesize(text, steady=steady))

    def at_hour_volume(self, chunks: Iterable[AudioChunk]) -> Iterable[AudioChunk]:
        """Speech (ours or a server's) at the volume the policy sets for now: softer in quiet hours."""
        volume = self.policy.voice_volume(self.clock())
        return chunks if volume == 1.0 else at_volume(chunks, volume)


class RoutineChecks:
    """What a skill that keeps calls to run later asks of the device: what a command means, can
    these steps run, and is a phrase a command."""

    def __init__(self, executor: Executor, fast: FastPlanner, later: Callable[[str], list[ActionCall] | None]) -> None:
        """`later`: the planner's reading of a command for a timer to run (Planner.later)."""
        self._executor, self._fast, self._later = executor, fast, later

    def steps(self, command: str) -> list[dict]:
        calls = self._later(command)
        if calls is None:
            raise SkillError(f"I can't do '{command}' when a timer ends: I wait only with a command that changes "
                             "something, like 'turn off the kitchen light'.")
        return [call.model_dump() for call in calls]

    def describe(self, calls: list[dict]) -> list[str]:
        return self._executor.describe(calls)

    def is_command(self, text: str) -> bool:
        return self._fast.plan(text) is not None


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000, 1)
