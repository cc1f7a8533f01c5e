"""Finds skills: every module named in the `hark.skills` entry-point group, built-ins included.

Also every `.py` file in a drop-in folder (the user's config dir). A plugin that fails to import,
declares a bad skill or reuses a name is skipped with a warning; the rest load. An allow-list
(entry-point names, drop-in file names) decides what may load at all.
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from skills.sdk import SKILL_TAG, Skill, collect

ENTRY_POINT_GROUP = "hark.skills"
log = logging.getLogger(__name__)


@dataclass
class SkillSet:
    """The loaded skills by name, and the warnings about what was skipped."""

    skills: dict[str, Skill] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Skill:
        return self.skills[name]

    def __contains__(self, name: str) -> bool:
        return name in self.skills

    def __iter__(self):
        return iter(self.skills.values())

    def fingerprint(self) -> str:
        """Changes whenever a skill, its schema or its examples change (e.g. to refresh caches)."""
        described = [(s.name, s.description, s.schema(), [e.model_dump() for e in s.examples]) for s in self]
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]

    def add_module(self, module: ModuleType, origin: str) -> None:
        for _, fn in inspect.getmembers(module, lambda m: callable(m) and hasattr(m, SKILL_TAG)):
            self._add(fn, origin)

    def _add(self, fn, origin: str) -> None:
        try:
            found = collect(fn, origin)
            found.params.model_json_schema()
        except Exception as exc:  # a plugin's bad declaration must not stop the device
            self.warn(f"skill {getattr(fn, '__name__', fn)} from {origin} skipped: {exc}")
            return
        if found.name in self.skills:
            self.warn(f"skill {found.name} from {origin} skipped: the name is taken by {self.skills[found.name].origin}")
            return
        self.skills[found.name] = found

    def warn(self, message: str) -> None:
        log.warning(message)
        self.warnings.append(message)


def _builtins_first(point) -> tuple[bool, str]:
    """Built-ins load first, so a plugin can never take a built-in skill's name."""
    return (getattr(point.dist, "name", None) != "hark", point.name)


def load_skills(allow: tuple[str, ...] | None = None, drop_in: Path | None = None) -> SkillSet:
    """Load every allowed entry point of the skills group, then the allowed `.py` files of the
    drop-in folder (allowed by file name without .py), skipping broken plugins."""
    found = SkillSet()
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_builtins_first):
        if allow is None or point.name in allow:
            _load(found, point.name, point.value, point.load)
    for path in sorted(drop_in.glob("*.py")) if drop_in and drop_in.is_dir() else []:
        if allow is None or path.stem in allow:
            _load(found, path.stem, str(path), lambda path=path: import_file(path))
    return found


def _load(found: SkillSet, name: str, origin: str, load: Callable[[], ModuleType]) -> None:
    try:
        module = load()
    except Exception as exc:  # import errors in third-party code are reported, not raised
        found.warn(f"plugin {name} ({origin}) skipped: {type(exc).__name__}: {exc}")
        return
    found.add_module(module, origin=origin)


def import_file(path: Path) -> ModuleType:
    """Import a skill file that is not part of any installed package."""
    spec = importlib.util.spec_from_file_location(f"hark_skill_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
