"""Calculate (exact arithmetic, pint units, nothing eval'd) and SystemStatus (real sensors and disk)."""
from __future__ import annotations

import pytest

from device.planner.fast import FastPlanner


@pytest.mark.parametrize(("expression", "speech"), [
    ("twenty four times twenty four", "24 times 24 is 576."),
    ("how much is twelve divided by four", "12 divided by 4 is 3."),
    ("1/3 + 1/6", "1/3 + 1/6 is 0.5."),
    ("15 percent of 80", "15 percent of 80 is 12."),
    ("2 to the power of 10", "2 to the power of 10 is 1,024."),
    ("what is the square root of forty two", "Square root of 42 is about 6.48074."),
    ("square root of 144", "Square root of 144 is 12."),
    ("5 miles in km", "5 miles is 8.04672 km."),
    ("convert 100 fahrenheit to celsius", "100 fahrenheit is about 37.7778 celsius."),
    ("how many cups in a liter", "1 liter is about 4.22675 cups."),
])
def test_calculations(run, expression: str, speech: str) -> None:
    assert run("Calculate", expression=expression).speech == speech


@pytest.mark.parametrize(("expression", "why"), [
    ("7 divided by 0", "divides by zero"),
    ("2 ** 100000", "couldn't work out"),
    ("5 miles to kilograms", "can't convert"),
])
def test_impossible_calculations_are_explained(run, expression: str, why: str) -> None:
    failed = run("Calculate", expression=expression)
    assert failed.status == "failed" and why in failed.speech


@pytest.mark.parametrize("expression", ["__import__('os').system('true')", "the capital of France", "how many people live in Paris"])
def test_what_is_no_calculation_breaks_the_schema(run, expression: str) -> None:
    assert run("Calculate", expression=expression).status == "invalid"


def test_the_fast_path_leaves_questions_that_are_no_sums_to_the_llm(skills, home) -> None:
    fast = FastPlanner(skills, home)
    assert fast.plan("what is the capital of france") is None
    assert fast.plan("what is twenty four times twenty four").calls[0].name == "Calculate"
    assert fast.plan("how many miles in five kilometers").calls[0].name == "Calculate"


def test_system_status_reports_real_readings(run) -> None:
    status = run("SystemStatus")
    assert status.status == "done"
    data = status.result["data"]
    assert data["disk"]["total_gb"] > 0 and 0 <= data["memory_used_percent"] <= 100
    assert data["models_loaded"] == []
    assert "gigabytes of disk are free" in status.speech and "No models are loaded yet." in status.speech
