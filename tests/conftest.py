"""Shared fixtures: real SQLite in a temp dir, the packaged home, the installed real models."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from device.audio import AudioChunk, write_wav
from device.config import Settings, default_data_dir
from device.executor import Executor
from device.messages import ActionCall
from device.pipeline import Pipeline
from skills.home import Home, Target
from skills.registry import SkillSet, load_skills
from skills.sdk import SkillContext
from skills.store import Store

# Tests share the models `hark models install` put in the user's data dir; state is per test.
MODELS = default_data_dir() / "models"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", models_dir=MODELS)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.sqlite3")


@pytest.fixture
def home(store: Store) -> Home:
    return Home.load(None, store)


@pytest.fixture(scope="session")
def skills() -> SkillSet:
    return load_skills()


@pytest.fixture
def context(home: Home, store: Store) -> SkillContext:
    return SkillContext(home=home, store=store)


class Clock:
    """The device's clock, which a test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def device(tmp_path: Path, skills: SkillSet, clock: Clock):
    """Start a device process on the test's state file: each call is a fresh process (a restart),
    and returns `run(skill_name, **args) -> ActionResult`."""

    def start():
        store = Store(tmp_path / "state.sqlite3")
        executor = Executor(skills, SkillContext(home=Home.load(None, store), store=store, now=clock), 5)
        return lambda skill_name, **args: executor.run_one(ActionCall(name=skill_name, args=args))

    return start


@pytest.fixture
def start(tmp_path: Path, clock: Clock):
    """A whole device (pipeline) on the test's data dir; each call is a fresh process (a restart)."""
    return lambda: Pipeline(Settings(data_dir=tmp_path / "data", models_dir=MODELS, config_dir=tmp_path / "config"),
                            clock=clock)


def state(device: Pipeline, name: str) -> str:
    """The state of the device entity with that name."""
    return device.home.resolve(Target(name=name))[0].state


@pytest.fixture
def store_at(tmp_path: Path):
    """Open the state file the `device` fixture uses, as another process would."""
    return lambda: Store(tmp_path / "state.sqlite3")


@pytest.fixture
def run(device):
    return device()


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """One pipeline for the whole session, so each real model loads once."""
    data = tmp_path_factory.mktemp("pipeline-data")
    return Pipeline(Settings(data_dir=data, models_dir=MODELS))


@pytest.fixture(scope="session")
def spoken(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory):
    """Make a WAV of a sentence spoken by our own TTS (optionally stereo and at another rate)."""
    folder = tmp_path_factory.mktemp("spoken")

    def make(text: str, rate: int | None = None, channels: int = 1) -> Path:
        chunks = list(pipeline.speak(text, steady=True))
        path = folder / f"{abs(hash((text, rate, channels)))}.wav"
        samples = np.concatenate([np.frombuffer(c.audio, "<i2") for c in chunks]).astype(np.float32) / 32767
        source_rate = chunks[0].rate
        if rate and rate != source_rate:
            from device.audio import resample

            samples = resample(samples, source_rate, rate)
        pcm = np.repeat((samples * 32767).astype("<i2")[:, None], channels, axis=1).tobytes()
        write_wav(path, [AudioChunk(rate=rate or source_rate, width=2, channels=channels, audio=pcm)])
        return path

    return make
