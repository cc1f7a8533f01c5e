"""How the device itself is doing: battery, CPU temperature, free disk, memory and loaded models."""
from __future__ import annotations

import shutil
from pathlib import Path

import psutil

from skills.sdk import NoArgs, SkillContext, SkillResult, skill

LOW_DISK_FRACTION = 0.1


@skill(
    name="SystemStatus",
    description="Report the device's battery, CPU temperature, free disk space, memory and loaded models",
    risk="read",
    permissions=["system.read"],
    examples=[
        "(how is|how's) [the] (device|system|battery) [doing]",
        "(system|device) status",
        "(what is|what's|how much is) [the] battery [level|left]",
        "(how hot is|what is the temperature of) the (cpu|processor|device)",
        "how much (disk|storage) [space] is left",
    ],
    phrasings=["how (is|'s) (your|the) battery [doing]", "(what's|what is) (your|the) battery [level]",
               "how much (battery|storage|memory|disk space) (is left|do you have)",
               "(are you|is the device) (running hot|overheating|charging)", "(system|device) status"],
)
def system_status(args: NoArgs, ctx: SkillContext) -> SkillResult:
    data = {"battery": _battery(), "cpu_celsius": _cpu_temperature(), "disk": _disk(ctx.data_dir or Path.home()),
            "memory_used_percent": psutil.virtual_memory().percent, "models_loaded": ctx.loaded_models()}
    return SkillResult(speech=" ".join(_sentences(data)), data=data)


def _battery() -> dict | None:
    battery = psutil.sensors_battery() if hasattr(psutil, "sensors_battery") else None
    return None if battery is None else {"percent": round(battery.percent), "charging": bool(battery.power_plugged)}


def _cpu_temperature() -> float | None:
    """The hottest CPU sensor (a Pi calls it cpu_thermal, a PC coretemp or k10temp)."""
    sensors = psutil.sensors_temperatures() if hasattr(psutil, "sensors_temperatures") else {}
    readings = [t.current for entries in sensors.values() for t in entries if t.current]
    return round(max(readings), 1) if readings else None


def _disk(path: Path) -> dict:
    while not path.exists():
        path = path.parent
    usage = shutil.disk_usage(path)
    return {"free_gb": round(usage.free / 1e9, 1), "total_gb": round(usage.total / 1e9, 1)}


def _sentences(data: dict) -> list[str]:
    battery = data["battery"]
    said = [f"Battery at {battery['percent']} percent{', charging' if battery['charging'] else ''}." if battery
            else "I'm on mains power, with no battery."]
    if data["cpu_celsius"] is not None:
        said.append(f"The CPU is at {data['cpu_celsius']:.0f} degrees.")
    disk = data["disk"]
    low = " That's low." if disk["free_gb"] < disk["total_gb"] * LOW_DISK_FRACTION else ""
    said.append(f"{disk['free_gb']:.0f} gigabytes of disk are free.{low}")
    said.append(f"Memory is {data['memory_used_percent']:.0f} percent used.")
    models = data["models_loaded"]
    said.append(f"Models loaded: {', '.join(models)}." if models else "No models are loaded yet.")
    return said
