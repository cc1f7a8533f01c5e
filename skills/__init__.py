"""Hark's skill SDK and built-in skills. Third-party skills use the same SDK: see docs/skills.md."""
from skills.sdk import Change, Example, NoArgs, Preview, SkillContext, SkillError, SkillResult, skill

__all__ = ["Change", "Example", "NoArgs", "Preview", "SkillContext", "SkillError", "SkillResult", "skill"]
