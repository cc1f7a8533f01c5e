"""`hark bench`: how fast a voice turn is, end to end, against a naive pipeline in the same run.

Each command is spoken by our TTS (speed and noise varied), played in real time into a virtual
microphone of the real device loop (push-to-talk: pressed as speech starts, released as it ends),
and timed from the end of speech to the first sample of the reply reaching the virtual speaker.
The naive baseline is the pipeline the issue measured: Whisper over the whole 30 s window, a chat
completion with every tool in the system prompt, the whole reply synthesised before playback.
"""
from __future__ import annotations

import asyncio
import json
import resource
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from device.audio import STT_RATE, pcm_to_float, resample
from device.config import Settings
from device.endpoints import VirtualInput, VirtualOutput
from device.loop import DeviceLoop
from device.messages import PipelineEvent
from device.stats import percentiles

COMMANDS = [
    "turn on the kitchen light", "turn off the bedroom lamp", "set a timer for five minutes",
    "how much time is left on my timer", "cancel the timer", "what time is it", "what's the date today",
    "set the office light to fifty percent", "turn on the ceiling fan", "open the living room blinds",
    "is the front door locked", "add milk to my shopping list", "turn off all the lights upstairs",
    "turn on the coffee maker", "close the garage door", "what's the weather like",
    "it's a bit dark in the office", "could you make the kitchen brighter", "tell me a joke",
    "I'm cold", "what is the capital of France", "order me a pizza",
]
QUICK = 6
SPEEDS = (1.0, 0.9, 1.15)
"""Piper length scales: as spoken, faster, slower."""
NOISE_SNR_DB = 20.0
"""Every other command has white noise at this signal-to-noise ratio."""


class Sample(BaseModel):
    """One command as the benchmark spoke it."""

    text: str
    rate: int
    pcm: bytes
    seconds: float


class Measured(BaseModel):
    """One turn's figures, in milliseconds."""

    text: str
    transcript: str
    source: str | None
    eos_to_first_audio: float
    stages: dict[str, float]


def speak_commands(loop: DeviceLoop, texts: list[str]) -> list[Sample]:
    """Our TTS says each command, at a varied speed, with noise on every other one (seeded)."""
    rng, samples = np.random.default_rng(0), []
    speaker = loop.pipeline.speaker
    for index, text in enumerate(texts):
        chunks = list(speaker.synthesize(text, length_scale=SPEEDS[index % len(SPEEDS)], steady=True))
        audio = np.concatenate([np.frombuffer(c.audio, "<i2").astype(np.float32) for c in chunks])
        if index % 2:
            noise_rms = np.sqrt(np.mean(audio**2)) / 10 ** (NOISE_SNR_DB / 20)
            audio = audio + rng.normal(0, noise_rms, len(audio))
        pcm = np.clip(audio, -32768, 32767).astype("<i2").tobytes()
        samples.append(Sample(text=text, rate=speaker.rate, pcm=pcm, seconds=len(audio) / speaker.rate))
    return samples


class Recorder:
    """The loop's events, with the time each arrived, and a way to wait for one."""

    def __init__(self) -> None:
        self.events: list[tuple[float, PipelineEvent]] = []
        self._changed = threading.Condition()

    def __call__(self, event: PipelineEvent) -> None:
        with self._changed:
            self.events.append((time.monotonic(), event))
            self._changed.notify_all()

    def wait_for_state(self, state: str, since: int, timeout: float = 300) -> None:
        def seen():
            return any(e.type == "state" and e.data["state"] == state for _, e in self.events[since:])

        with self._changed:
            if not self._changed.wait_for(seen, timeout):
                raise TimeoutError(f"the device never became {state}")


def run_ours(settings: Settings, texts: list[str],
             samples: list[Sample] | None = None) -> tuple[dict[str, Any], list[Sample], list[dict]]:
    """The device loop with virtual endpoints: cold start, then every command, by push-to-talk or
    hands-free as the settings say. Also returns the spoken commands (made here unless given) and
    the tool list, for the naive pipeline to get the same."""
    recorder, mic, speaker = Recorder(), VirtualInput(rate=22050), VirtualOutput()
    started = time.monotonic()
    loop = DeviceLoop(settings, mic, speaker, on_event=recorder)
    thread = threading.Thread(target=lambda: asyncio.run(loop.run()), daemon=True)
    thread.start()
    recorder.wait_for_state("idle", 0)
    cold_start = time.monotonic() - started
    samples = samples or speak_commands(loop, texts)
    turns = [_one_turn(loop, mic, speaker, recorder, sample, settings.device.hands_free) for sample in samples]
    loop.shutdown()
    thread.join(30)
    figures = {"cold_start_s": round(cold_start, 2), "turns": [t.model_dump() for t in turns],
               "models": loop.pipeline.loaded_models(),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    return figures, samples, tool_schemas(loop)


def _one_turn(loop: DeviceLoop, mic: VirtualInput, speaker: VirtualOutput, recorder: Recorder,
              sample: Sample, hands_free: bool) -> Measured:
    """Push-to-talk: pressed as the command starts, let go as it ends. Hands-free: the VAD ends it
    after its silence, which counts in the time to the reply."""
    mark = len(recorder.events)
    if not hands_free:
        loop.press()
    mic.feed(sample.pcm)
    end_of_speech = time.monotonic() + sample.seconds
    if not hands_free:
        time.sleep(sample.seconds)
        loop.release()
    recorder.wait_for_state("speaking", mark)
    recorder.wait_for_state("idle", mark + 1)
    turn = loop.pipeline.store.audit(1)[0].record
    reply_at = next(t for t, e in recorder.events[mark:] if e.type == "reply")
    stages = {**turn["timings_ms"], "tts_first_audio": round((speaker.started_at - reply_at) * 1000, 1)}
    return Measured(text=sample.text, transcript=turn["transcript"], source=turn["source"], stages=stages,
                    eos_to_first_audio=round((speaker.started_at - end_of_speech) * 1000, 1))


class NaivePipeline:
    """The baseline: whole-window Whisper, tools in the system prompt, whole reply before playback."""

    def __init__(self, settings: Settings, tools: list[dict]) -> None:
        from faster_whisper import WhisperModel
        from llama_cpp import Llama

        from device.modelstore import ModelStore
        from device.tts import Speaker

        models = ModelStore(settings.model_root)
        self._stt = WhisperModel(str(models.path(settings.stt_model, "stt")), device="cpu", compute_type="int8",
                                 cpu_threads=settings.threads)
        self._llm = Llama(str(models.path(settings.llm_model, "llm")), n_ctx=8192, n_threads=settings.threads,
                          verbose=False)
        self._tts = Speaker(models.path(settings.tts_model, "tts"))
        self._system = ("You control a smart home. Call one of these tools by answering with a JSON object "
                        '{"name": ..., "arguments": {...}}.\nTools:\n' + json.dumps(tools))

    def turn(self, sample: Sample) -> dict[str, float]:
        timings, start = {}, time.perf_counter()
        audio = resample(pcm_to_float(sample.pcm, 2, 1), sample.rate, STT_RATE)
        window = np.pad(audio, (0, max(0, 30 * STT_RATE - len(audio))))
        text = " ".join(s.text for s in self._stt.transcribe(window, language="en")[0]).strip()
        timings["stt"] = _since(start)
        answer = self._llm.create_chat_completion(
            messages=[{"role": "system", "content": self._system}, {"role": "user", "content": text}],
            response_format={"type": "json_object"}, temperature=0, max_tokens=128)
        timings["plan"] = _since(start) - timings["stt"]
        reply = _reply_of(answer["choices"][0]["message"]["content"])
        list(self._tts.synthesize(reply))
        timings["tts"] = _since(start) - timings["stt"] - timings["plan"]
        timings["eos_to_first_audio"] = _since(start)
        return timings


def _since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _reply_of(content: str) -> str:
    """What a naive assistant would say back: the call it made, read out."""
    try:
        call = json.loads(content)
    except json.JSONDecodeError:
        return "Sorry, I didn't understand."
    return f"OK, {call.get('name', 'done')}." if isinstance(call, dict) else "OK."


def tool_schemas(loop: DeviceLoop) -> list[dict]:
    """Every skill as an OpenAI-style tool, as a naive pipeline would list them."""
    from device.planner.grammar import args_schema, offered

    return [{"name": s.name, "description": s.description, "parameters": args_schema(s.params)}
            for s in offered(loop.pipeline.skills)]


def run_naive(settings: Settings, tools: list[dict], samples: list[Sample]) -> dict[str, Any]:
    naive = NaivePipeline(settings, tools)
    return {"turns": [{"text": s.text, **naive.turn(s)} for s in samples]}


def bench(settings: Settings, quick: bool) -> dict[str, Any]:
    """Both pipelines on the same spoken commands; the device's state is the bench's own."""
    texts = COMMANDS[:QUICK] if quick else COMMANDS
    folder = settings.data_dir / "bench"
    (folder / "state.sqlite3").unlink(missing_ok=True)  # the same replies each run; the LLM cache stays
    settings = settings.model_copy(update={"data_dir": folder, "models_dir": settings.model_root})
    ours, samples, tools = run_ours(settings, texts)
    hands_free = settings.model_copy(update={"device": settings.device.model_copy(update={"hands_free": True})})
    ours["hands_free_turns"] = run_ours(hands_free, texts, samples)[0]["turns"]
    naive = run_naive(settings, tools, samples)
    return {"summary": summarise(ours, naive), "ours": ours, "naive": naive}


def _by_source(turns: list[dict]) -> dict[str, dict]:
    return {"all": percentiles([t["eos_to_first_audio"] for t in turns]),
            **{source: percentiles([t["eos_to_first_audio"] for t in turns if t["source"] == source])
               for source in ("fast", "llm")}}


def summarise(ours: dict, naive: dict) -> dict[str, Any]:
    turns, naive_eos = ours["turns"], percentiles([t["eos_to_first_audio"] for t in naive["turns"]])
    stage_names = sorted({name for t in turns for name in t["stages"]})
    ours_eos = _by_source(turns)
    ours_p50, naive_p50 = ours_eos["all"]["p50"], naive_eos["p50"]
    return {
        "ours": {"eos_to_first_audio_ms": ours_eos,
                 "hands_free_eos_to_first_audio_ms": _by_source(ours.get("hands_free_turns", [])),
                 "stages_ms": {n: percentiles([t["stages"][n] for t in turns if n in t["stages"]])
                               for n in stage_names},
                 "cold_start_s": ours["cold_start_s"], "peak_rss_mb": ours["peak_rss_mb"]},
        "naive": {"eos_to_first_audio_ms": naive_eos,
                  "stages_ms": {n: percentiles([t[n] for t in naive["turns"]]) for n in ("stt", "plan", "tts")}},
        "speedup_p50": round(naive_p50 / ours_p50, 1) if ours_p50 else None,
    }


def write_report(path: Path, summary: dict, details: dict, machine: str, command: str = "hark bench") -> None:
    ours, naive = summary["ours"], summary["naive"]
    lines = ["# Performance", "", f"Measured by `{command}` on {machine}. Regenerate with `{command}`.", "",
             "End of speech → first reply audio (ms):", "", "| pipeline | commands | p50 | p95 |", "|---|---|---|---|"]
    for label, figures in (("Hark, all", ours["eos_to_first_audio_ms"]["all"]),
                           ("Hark, fast path", ours["eos_to_first_audio_ms"].get("fast", {})),
                           ("Hark, LLM path", ours["eos_to_first_audio_ms"].get("llm", {})),
                           ("Hark hands-free, fast path", ours["hands_free_eos_to_first_audio_ms"].get("fast", {})),
                           ("Hark hands-free, LLM path", ours["hands_free_eos_to_first_audio_ms"].get("llm", {})),
                           ("naive baseline", naive["eos_to_first_audio_ms"])):
        lines.append(f"| {label} | {figures.get('n', 0)} | {figures.get('p50', '–')} | {figures.get('p95', '–')} |")
    lines += ["", "Push-to-talk: the button is let go as the recording ends (piper leaves ~0.1 s after the last "
              "word). Hands-free: the VAD ends the utterance after its silence (700 ms), which is counted; "
              "the transcript is drafted at the pause, during that silence.",
              "", f"Speed-up at p50: **{summary['speedup_p50']}×**. Cold start to ready: {ours['cold_start_s']} s. "
              f"Peak RSS (all models loaded): {ours['peak_rss_mb']} MB.", "", "Per stage (ms):", "",
              "| stage | Hark p50 | Hark p95 | naive p50 | naive p95 |", "|---|---|---|---|---|"]
    for stage in sorted(set(ours["stages_ms"]) | set(naive["stages_ms"])):
        o, n = ours["stages_ms"].get(stage, {}), naive["stages_ms"].get(stage, {})
        lines.append(f"| {stage} | {o.get('p50', '–')} | {o.get('p95', '–')} | {n.get('p50', '–')} | {n.get('p95', '–')} |")
    lines += ["", "Each command (ms, push-to-talk / hands-free):", "",
              "| command | heard | path | push-to-talk | hands-free |", "|---|---|---|---|---|"]
    hands_free = {t["text"]: t["eos_to_first_audio"] for t in details["ours"].get("hands_free_turns", [])}
    lines += [f"| {t['text']} | {t['transcript']} | {t['source']} | {t['eos_to_first_audio']} | "
              f"{hands_free.get(t['text'], '–')} |" for t in details["ours"]["turns"]]
    path.write_text("\n".join(lines) + "\n")
