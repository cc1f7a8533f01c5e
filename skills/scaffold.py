"""`hark skills new NAME`: a pip-installable skill plugin, ready to install, test and extend."""
from __future__ import annotations

import keyword
import re
from pathlib import Path

from device.errors import HarkError

_PYPROJECT = '''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "A Hark skill: {words}"
requires-python = ">=3.11"
dependencies = []  # Hark itself provides the SDK (pip install this into Hark's environment)

[project.entry-points."hark.skills"]
{module} = "{module}.skill"

[tool.setuptools]
packages = ["{module}"]
'''

_SKILL = '''"""{title}: a Hark skill. Rename, describe and extend it; see Hark's docs/skills.md."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills import SkillContext, SkillResult, skill


class {cls}Args(BaseModel):
    model_config = ConfigDict(extra="forbid")

    detail: str | None = Field(None, description="Anything the user added, e.g. a place")


@skill(
    name="{cls}",
    description="Say hello from {words}",  # the planner's LLM reads this line
    risk="read",  # read | act | critical
    permissions=[],
    examples=["{words}", "(ask|run) {words}"],  # hassil templates: the fast path matches them
)
def {module}(args: {cls}Args, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech="Hello from {words}.", data={{"detail": args.detail}})
'''

_TEST = '''"""Tests for {cls}: the skill runs against Hark's real executor, home and SQLite store."""
from pathlib import Path

from device.executor import Executor
from device.messages import ActionCall
from skills.home import Home
from skills.registry import SkillSet
from skills.sdk import SkillContext
from skills.store import Store

import {module}.skill


def test_{module}_answers(tmp_path: Path) -> None:
    found = SkillSet()
    found.add_module({module}.skill, origin="{module}")
    store = Store(tmp_path / "state.sqlite3")
    executor = Executor(found, SkillContext(home=Home.load(None, store), store=store), timeout_seconds=5)
    result = executor.run_one(ActionCall(name="{cls}", args={{}}))
    assert (result.status, result.speech) == ("done", "Hello from {words}.")
'''

_README = '''# {dist}

A skill for Hark, the offline voice assistant that acts.

```bash
pip install -e .          # into Hark's virtualenv
hark skills list          # {cls} is listed
hark say "{words}"        # and answers
hark skills test {cls}    # every example utterance routes to it
python -m pytest tests    # its own tests
```
'''


def scaffold(name: str, parent: Path) -> Path:
    """Write the plugin package NAME/ under parent; refuses to overwrite anything."""
    module = re.sub(r"\W+", "_", name.strip().lower()).strip("_")
    if not module or module[0].isdigit() or keyword.iskeyword(module):
        raise HarkError(f"'{name}' can't be a skill package name", "use letters, digits and _, e.g. acme_weather")
    root = parent / module
    if root.exists():
        raise HarkError(f"{root} already exists", "pick another name or remove the folder")
    words = module.replace("_", " ")
    values = {"dist": module.replace("_", "-"), "module": module, "words": words, "title": words.title(),
              "cls": "".join(part.capitalize() for part in module.split("_"))}
    files = {"pyproject.toml": _PYPROJECT, f"{module}/__init__.py": '"""{title} skill for Hark."""\n',
             f"{module}/skill.py": _SKILL, f"tests/test_{module}.py": _TEST, "README.md": _README}
    for relative, template in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(template.format(**values))
    return root
