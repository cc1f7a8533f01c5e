"""Typed, documented settings, built once by the caller and passed in (no stage reads globals).

Where a setting comes from, strongest first: a command-line flag, an environment variable,
`config.toml` in the config dir, the default. docs/configuration.md lists every key.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from device.errors import HarkError

CONFIG_FILE = "config.toml"
# Settings an environment variable may give: field -> variable
ENVIRONMENT = {"models_dir": "HARK_MODELS_DIR", "stt_model": "HARK_STT_MODEL", "llm_model": "HARK_LLM_MODEL",
               "tts_model": "HARK_TTS_MODEL"}


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


class HomeAssistantSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field("http://homeassistant.local:8123", description="Base URL of Home Assistant")
    token: str = Field("", description="A long-lived access token (HA profile → Security); $HARK_HA_TOKEN")


class MqttSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field("localhost", description="Broker host")
    port: int = Field(1883, description="Broker port")
    topic_prefix: str = Field("hark", description="Commands go to PREFIX/ENTITY_ID/set")
    username: str | None = Field(None, description="Login, if the broker wants one")
    password: str | None = Field(None, description="Password, if the broker wants one")


class DeviceSettings(BaseModel):
    """The handheld: its button, light, sound cards and how it decides you stopped talking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ptt_pin: int | None = Field(17, description="GPIO (BCM) pin of the push-to-talk button, wired to ground; "
                                                "false = no button")
    led_pin: int | None = Field(None, description="GPIO pin of a status LED: on while listening, blinking while "
                                                  "thinking or speaking; false or unset = no LED")
    hands_free: bool = Field(False, description="Listen whenever the VAD hears speech, no button needed")
    vad_silence_ms: int = Field(700, gt=0, description="Silence that ends a hands-free utterance")
    vad_threshold: float = Field(0.5, gt=0, lt=1, description="Speech probability the VAD counts as speech")
    min_press_ms: int = Field(250, ge=0, description="A shorter press of the button is ignored (a bump)")
    max_utterance_seconds: float = Field(15.0, gt=0, le=30, description="Listening stops after this long")
    preroll_ms: int = Field(300, ge=0, le=2000, description="Audio kept from just before the press or the "
                                                            "VAD's start, so a first word said early isn't cut")
    input_device: int | str | None = Field(None, description="Microphone: name or index (hark devices); "
                                                             "None = the system's default")
    output_device: int | str | None = Field(None, description="Speaker: name or index; None = the default")
    preload_llm: bool = Field(True, description="Load the LLM at start-up (slower start, no wait on the first "
                                                "request the templates don't cover)")

    @field_validator("ptt_pin", "led_pin", mode="before")
    @classmethod
    def _false_means_none(cls, pin: Any) -> Any:
        """TOML has no null: `ptt_pin = false` says there is no button."""
        return None if pin is False else pin


class Settings(BaseModel):
    """Everything a Hark process needs to know, frozen once built."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    data_dir: Path = Field(default_factory=default_data_dir, description="State (SQLite) and models")
    config_dir: Path = Field(default_factory=default_config_dir, description="Settings; drop-in skills in skills/")
    models_dir: Path | None = Field(None, description="Installed models ($HARK_MODELS_DIR); None = DATA_DIR/models")
    area: str | None = Field(None, description="The room this device stands in, for 'lights off in here'")
    media_dir: Path | None = Field(None, description="Local music and media to play; None = DATA_DIR/media")
    home_file: Path | None = Field(None, description="Simulated home YAML; None = the packaged default")
    home_backend: Literal["simulated", "homeassistant", "mqtt"] = Field(
        "simulated", description="Where home commands go: the simulated home, Home Assistant's REST API, or MQTT")
    homeassistant: HomeAssistantSettings = Field(default_factory=HomeAssistantSettings)
    mqtt: MqttSettings = Field(default_factory=MqttSettings)
    device: DeviceSettings = Field(default_factory=DeviceSettings)
    stt_model: str | None = Field(None, description="($HARK_STT_MODEL) Catalog id of the STT model; None = the default")
    llm_model: str | None = Field(None, description="($HARK_LLM_MODEL) Catalog id of the LLM; None = the default")
    tts_model: str | None = Field(None, description="($HARK_TTS_MODEL) Catalog id of the TTS voice; None = the default")
    threads: int = Field(default_factory=lambda: os.cpu_count() or 2, description="CPU threads for models")
    llm_gpu_layers: int = Field(0, ge=-1, description="LLM layers to offload to the GPU on a CUDA build "
                                                      "(Jetson): -1 = all, 0 = CPU only")
    max_audio_seconds: float = Field(30.0, description="Longer input audio is cut to this length")
    skill_timeout_seconds: float = Field(5.0, description="A skill running longer fails that action")
    audit_retention_days: float = Field(365.0, gt=0, description="Audit log rows older than this are pruned")
    skills_allow: tuple[str, ...] | None = Field(
        None, description="Plugins allowed to load (entry-point or drop-in file names); None = all")

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


def load_settings(**given: Any) -> Settings:
    """Settings from flags (`given`, None = not given), the environment and config.toml."""
    path = default_config_dir() / CONFIG_FILE
    from_file = _read_config(path)
    from_env = {name: os.environ[var] for name, var in ENVIRONMENT.items() if os.environ.get(var)}
    if token := os.environ.get("HARK_HA_TOKEN"):
        from_env["homeassistant"] = {**from_file.get("homeassistant", {}), "token": token}
    try:
        return Settings(**{**from_file, **from_env, **{k: v for k, v in given.items() if v is not None}})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise HarkError(f"setting {where}: {error['msg']}", f"fix it in {path} (see docs/configuration.md)") from None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HarkError(f"{path} is not valid TOML: {exc}", "fix the file (see docs/configuration.md)") from None


def make_backend(settings: Settings):
    """The home backend the settings name."""
    from skills.backends import HomeAssistant, Mqtt, Simulated

    if settings.home_backend == "homeassistant":
        if not settings.homeassistant.token:
            raise HarkError("home_backend is homeassistant but no access token is set",
                            "set [homeassistant] token in config.toml or $HARK_HA_TOKEN")
        return HomeAssistant(settings.homeassistant.url, settings.homeassistant.token)
    if settings.home_backend == "mqtt":
        m = settings.mqtt
        return Mqtt(m.host, m.port, m.topic_prefix, m.username, m.password)
    return Simulated()
