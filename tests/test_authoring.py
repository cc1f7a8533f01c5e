"""Skill authoring as a plugin author does it: scaffold, pip install, list, say, test; drop-ins."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MODELS


def hark(*args: str, tmp: Path, site: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HARK_DATA_DIR": str(tmp / "data"), "HARK_MODELS_DIR": str(MODELS),
           "HARK_CONFIG_DIR": str(tmp / "config")}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-m", "device.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """`hark skills new acme_weather`, then a real pip install of it (into its own target dir)."""
    tmp = tmp_path_factory.mktemp("author")
    made = hark("skills", "new", "acme_weather", "--dir", str(tmp), tmp=tmp)
    assert made.returncode == 0, made.stderr
    site = tmp / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                          str(tmp / "acme_weather")], capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    return tmp, site


def test_scaffold_has_everything_a_plugin_needs(installed_plugin) -> None:
    tmp, _ = installed_plugin
    root = tmp / "acme_weather"
    assert {"pyproject.toml", "README.md", "acme_weather/skill.py", "tests/test_acme_weather.py"} <= {
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert '[project.entry-points."hark.skills"]' in (root / "pyproject.toml").read_text()


def test_installed_plugin_is_listed_and_answers(installed_plugin) -> None:
    tmp, site = installed_plugin
    listed = json.loads(hark("skills", "list", "--json", tmp=tmp, site=site).stdout)
    assert "AcmeWeather" in [s["name"] for s in listed["skills"]]
    turn = json.loads(hark("say", "acme weather", "--json", tmp=tmp, site=site).stdout)
    assert [(a["name"], a["status"]) for a in turn["actions"]] == [("AcmeWeather", "done")]
    assert turn["reply"] == "Hello from acme weather." and turn["source"] == "fast"


def test_skills_test_and_the_plugins_own_tests_pass(installed_plugin) -> None:
    tmp, site = installed_plugin
    checked = hark("skills", "test", "AcmeWeather", "--json", tmp=tmp, site=site)
    assert checked.returncode == 0, checked.stdout
    assert all(c["ok"] and c["routed_to"] == "AcmeWeather" for c in json.loads(checked.stdout))
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp / "acme_weather")],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(site)}, timeout=300)
    assert own.returncode == 0, own.stdout


def test_new_refuses_bad_names_and_existing_folders(installed_plugin) -> None:
    tmp, _ = installed_plugin
    again = hark("skills", "new", "acme_weather", "--dir", str(tmp), tmp=tmp)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert "can't be a skill package name" in hark("skills", "new", "class", tmp=tmp).stderr


def test_drop_in_skills_load_and_broken_ones_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "skills"
    folder.mkdir(parents=True)
    (folder / "coin.py").write_text(
        "from skills import NoArgs, SkillResult, skill\n"
        "@skill(name='FlipCoin', description='Flip a coin', risk='read', examples=['flip a coin'])\n"
        "def flip(args: NoArgs, ctx) -> SkillResult:\n    return SkillResult(speech='Heads.')\n")
    (folder / "broken.py").write_text("import not_a_real_module\n")
    listed = json.loads(hark("skills", "list", "--json", tmp=tmp_path).stdout)
    assert "FlipCoin" in [s["name"] for s in listed["skills"]]
    assert any("plugin broken" in w and "ModuleNotFoundError" in w for w in listed["warnings"])
    turn = json.loads(hark("say", "flip a coin", "--json", tmp=tmp_path).stdout)
    assert turn["reply"] == "Heads."


def test_show_a_skill(tmp_path: Path) -> None:
    shown = json.loads(hark("skills", "show", "HassStartTimer", "--json", tmp=tmp_path).stdout)
    assert shown["risk"] == "act" and "minutes" in shown["schema"]["properties"]
    resume = json.loads(hark("skills", "show", "HassMediaUnpause", "--json", tmp=tmp_path).stdout)
    assert resume["handoffs"] == {"name": "HassMediaSearchAndPlay.search_query"}
    shown = hark("skills", "show", "HassClimateGetTemperature", tmp=tmp_path).stdout
    assert "hand-off area naming nothing in the home -> HassGetWeather.name" in shown
    missing = hark("skills", "show", "Teleport", tmp=tmp_path)
    assert missing.returncode == 2 and "no skill called Teleport" in missing.stderr


def test_example_plugin_installs_routes_and_passes_its_tests(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "hark_dice"
    site = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                          str(example)], capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    turn = json.loads(hark("say", "roll 2 d20", "--json", tmp=tmp_path, site=site).stdout)
    assert [(a["name"], a["args"]) for a in turn["actions"]] == [("RollDice", {"number": 2, "sides": 20})]
    checked = hark("skills", "test", str(example), tmp=tmp_path, site=site)
    assert checked.returncode == 0, checked.stdout
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example / "tests")],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(site)}, timeout=300)
    assert own.returncode == 0, own.stdout


def test_skills_test_on_a_path_without_skills_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty_plugin"
    empty.mkdir()
    (empty / "helpers.py").write_text("VALUE = 1\n")
    run = hark("skills", "test", str(empty), tmp=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == f"hark: error: no skills declared at {empty} (give a skill .py file or a plugin folder)"
