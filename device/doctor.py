"""`hark doctor`: is this machine ready to be the device? Each check says what it found and,
when it fails, the fix."""
from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from device.config import Settings, load_settings
from device.errors import HarkError

MIN_RAM_GB, GOOD_RAM_GB, MIN_FREE_GB = 1.0, 2.0, 1.0


class Check(BaseModel):
    """One finding."""

    name: str
    status: Literal["ok", "warn", "fail"]
    detail: str
    fix: str = ""


def check_python() -> Check:
    version = platform.python_version()
    if sys.version_info < (3, 11):
        return Check(name="python", status="fail", detail=f"Python {version}", fix="install Python 3.11 or newer")
    return Check(name="python", status="ok", detail=f"Python {version}")


def check_cpu() -> Check:
    flags = _cpu_flags()
    fast = [f for f in ("avx2", "fma", "f16c", "asimd", "neon", "asimddp") if f in flags]
    detail = f"{platform.machine()}, {_cores()} cores, {' '.join(fast) or 'no SIMD the models use'}"
    if not fast:
        return Check(name="cpu", status="warn", detail=detail, fix="expect slow planning: the LLM wants AVX2 or NEON")
    return Check(name="cpu", status="ok", detail=detail)


def _cpuinfo() -> list[tuple[str, str]]:
    """/proc/cpuinfo's (key, value) lines; none where there is no such file (macOS)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    return [(key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in text.splitlines())]


def _cpu_flags() -> set[str]:
    return {flag for key, value in _cpuinfo() if key in ("flags", "Features") for flag in value.split()}


def machine_name(threads: int) -> str:
    """The machine timings were taken on: "x86_64 (AMD EPYC), 2 threads" (a Pi gives its board's model)."""
    model = next((value for key, value in _cpuinfo() if key in ("model name", "Model") and value), None)
    return f"{platform.machine()}{f' ({model})' if model else ''}, {threads} threads"


def _cores() -> int:
    return os.cpu_count() or 1


def check_memory() -> Check:
    import psutil

    total = psutil.virtual_memory().total / 2**30
    detail = f"{total:.1f} GB RAM"
    if total < MIN_RAM_GB:
        return Check(name="memory", status="fail", detail=detail, fix="the default models need about 1 GB: use a 2 GB+ board")
    if total < GOOD_RAM_GB:
        return Check(name="memory", status="warn", detail=detail, fix="set [device] preload_llm = false to start lighter")
    return Check(name="memory", status="ok", detail=detail)


def check_disk(settings: Settings) -> Check:
    folder = next(p for p in (settings.data_dir, *settings.data_dir.parents) if p.exists())
    free = shutil.disk_usage(folder).free / 2**30
    detail = f"{free:.1f} GB free in {folder}"
    if free < MIN_FREE_GB:
        return Check(name="disk", status="fail", detail=detail, fix="free space: state, logs and model updates need 1 GB")
    return Check(name="disk", status="ok", detail=detail)


def check_audio(settings: Settings) -> list[Check]:
    from device.endpoints import list_devices

    try:
        devices = list_devices()
    except HarkError as exc:
        return [Check(name="audio", status="fail", detail=exc.problem, fix=exc.fix or "")]
    fix = "plug in a USB sound card or a mic HAT (install.sh --mic-hat), then see hark devices"
    found = []
    for kind, channels in (("microphone", "inputs"), ("speaker", "outputs")):
        names = [d.name for d in devices if getattr(d, channels)]
        found.append(Check(name=kind, status="ok", detail=", ".join(names)) if names else
                     Check(name=kind, status="fail", detail=f"no {kind} found", fix=fix))
    return found


def check_gpio(settings: Settings) -> Check:
    pin = settings.device.ptt_pin
    if pin is None:
        mode = "hands-free" if settings.device.hands_free else "none: hark run can't start a turn"
        status = "ok" if settings.device.hands_free else "warn"
        return Check(name="gpio", status=status, detail=f"no push-to-talk button configured ({mode})",
                     fix="" if status == "ok" else "set [device] ptt_pin or hands_free = true")
    from device.hardware import PushToTalkButton

    try:
        PushToTalkButton(pin, lambda: None, lambda: None).close()
    except HarkError as exc:
        return Check(name="gpio", status="fail", detail=exc.problem, fix=exc.fix or "")
    return Check(name="gpio", status="ok", detail=f"push-to-talk button on GPIO{pin}")


def check_models(settings: Settings) -> list[Check]:
    from device.modelstore import ModelStore

    store, found = ModelStore(settings.model_root), []
    for kind, chosen in (("stt", settings.stt_model), ("llm", settings.llm_model), ("tts", settings.tts_model),
                         ("embed", None)):
        try:
            entry = store.entry(chosen, kind)
        except HarkError as exc:
            found.append(Check(name=f"model {kind}", status="fail", detail=exc.problem, fix=exc.fix or ""))
            continue
        status = store.status(entry, deep=True)
        found.append(Check(name=f"model {kind}", status="ok", detail=f"{entry.id} verified (sha256)")
                     if status == "installed" else
                     Check(name=f"model {kind}", status="fail", detail=f"{entry.id}: {status}",
                           fix=f"run: hark models install {entry.id}"))
    return found


def check_gpu_offload(settings: Settings) -> Check:
    import llama_cpp

    supported = bool(llama_cpp.llama_supports_gpu_offload())
    detail = f"llama.cpp GPU offload {'built in' if supported else 'not built in'}; llm_gpu_layers = " \
             f"{settings.llm_gpu_layers}"
    if settings.llm_gpu_layers and not supported:
        return Check(name="gpu", status="warn", detail=detail,
                     fix='rebuild llama-cpp-python with CMAKE_ARGS="-DGGML_CUDA=on" (install.sh does on a Jetson)')
    return Check(name="gpu", status="ok", detail=detail)


def check_policy(settings: Settings) -> Check:
    from device.policy import Policy

    path = settings.config_dir / "policy.toml"
    try:
        Policy.load(path)
    except HarkError as exc:
        return Check(name="policy", status="fail", detail=exc.problem, fix=exc.fix or "")
    return Check(name="policy", status="ok", detail=f"{path}" if path.exists() else "defaults (no policy.toml)")


def examine(settings_loader: Callable[[], Settings] = load_settings) -> list[Check]:
    """Every check, in the order a person fixing the device would want them."""
    checks = [check_python(), check_cpu(), check_memory()]
    try:
        settings = settings_loader()
    except HarkError as exc:
        return [*checks, Check(name="config", status="fail", detail=exc.problem, fix=exc.fix or "")]
    config = settings.config_dir / "config.toml"
    found = str(config) if config.exists() else f"defaults (no {config})"
    checks += [Check(name="config", status="ok", detail=found), check_policy(settings),
               check_disk(settings), *check_audio(settings), check_gpio(settings), *check_models(settings),
               check_gpu_offload(settings)]
    return checks
