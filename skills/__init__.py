"""Hark's skill SDK and built-in skills. Third-party skills use the same SDK: see docs/skills.md."""
from skills.sdk import Example, NoArgs, SkillContext, SkillError, SkillResult, skill

__all__ = ["Example", "NoArgs", "SkillContext", "SkillError", "SkillResult", "skill"]
