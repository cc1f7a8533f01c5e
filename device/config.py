"""Typed, documented settings, built once by the caller and passed in (no stage reads globals)."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback) / "hark"


def default_data_dir() -> Path:
    """Where models and state live: $HARK_DATA_DIR, else $XDG_DATA_HOME/hark."""
    override = os.environ.get("HARK_DATA_DIR")
    return Path(override) if override else _xdg("XDG_DATA_HOME", ".local/share")


def default_config_dir() -> Path:
    """Where the user's settings and drop-in skills live: $HARK_CONFIG_DIR, else $XDG_CONFIG_HOME/hark."""
    override = os.environ.get("HARK_CONFIG_DIR")
    return Path(override) if override else _xdg("XDG_CONFIG_HOME", ".config")


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


class Settings(BaseModel):
    """Everything a Hark process needs to know, frozen once built."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    data_dir: Path = Field(default_factory=default_data_dir, description="State (SQLite) and models")
    config_dir: Path = Field(default_factory=default_config_dir, description="Settings; drop-in skills in skills/")
    models_dir: Path | None = Field(default_factory=lambda: _env("HARK_MODELS_DIR"),
                                    description="Installed models ($HARK_MODELS_DIR); defaults to DATA_DIR/models")
    area: str | None = Field(None, description="The room this device stands in, for 'lights off in here'")
    media_dir: Path | None = Field(None, description="Local music and media to play; None = DATA_DIR/media")
    home_file: Path | None = Field(None, description="Simulated home YAML; None = the packaged default")
    stt_model: str | None = Field(default_factory=lambda: _env("HARK_STT_MODEL"), description="($HARK_STT_MODEL) Catalog id of the STT model; None = the default")
    llm_model: str | None = Field(default_factory=lambda: _env("HARK_LLM_MODEL"), description="($HARK_LLM_MODEL) Catalog id of the LLM; None = the default")
    tts_model: str | None = Field(default_factory=lambda: _env("HARK_TTS_MODEL"), description="($HARK_TTS_MODEL) Catalog id of the TTS voice; None = the default")
    threads: int = Field(default_factory=lambda: os.cpu_count() or 2, description="CPU threads for models")
    max_audio_seconds: float = Field(30.0, description="Longer input audio is cut to this length")
    skill_timeout_seconds: float = Field(5.0, description="A skill running longer fails that action")
    skills_allow: tuple[str, ...] | None = Field(None, description="Entry-point names allowed to load")

    @property
    def model_root(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def skills_dir(self) -> Path:
        """Drop-in skill files: every .py here loads like an installed plugin."""
        return self.config_dir / "skills"

    @property
    def state_db(self) -> Path:
        return self.data_dir / "state.sqlite3"
