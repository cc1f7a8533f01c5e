"""Earlier turns as skills see them (HistoryQuery, Undo), read from the audit log.

Undo takes back only the latest turn that changed something, only actions whose skill declares
`undo`, and never one that needed a spoken yes: a critical action is reversed by asking for it,
under the policy.
"""
from __future__ import annotations

from typing import Any

from skills.registry import SkillSet
from skills.sdk import SkillContext, SkillError, SkillResult
from skills.store import Store

RECENT = 10  # how many turns back "undo that" looks for the last change


class TurnHistory:
    def __init__(self, store: Store, skills: SkillSet) -> None:
        self._store, self._skills = store, skills

    def last_turn(self) -> dict[str, Any] | None:
        entries = self._store.audit(tail=1)
        return entries[0].record if entries else None

    def undo_last(self, ctx: SkillContext) -> SkillResult:
        """Undo the latest turn that changed something (questions in between don't count)."""
        done = next(filter(None, (self._changes(e.record) for e in reversed(self._store.audit(tail=RECENT)))), [])
        if not done:
            raise SkillError("There's nothing to undo: I haven't changed anything lately.")
        said = [self._undo_one(action, ctx).speech for action in reversed(done)]
        return SkillResult(speech=" ".join(s for s in said if s), data={"undone": [a["name"] for a in done]})

    def _changes(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The actions of a turn that ran and weren't just reading."""
        done = [a for a in record.get("actions", []) if a["status"] == "done"]
        return [a for a in done if a["name"] not in self._skills or self._skills[a["name"]].risk != "read"]

    def _undo_one(self, action: dict[str, Any], ctx: SkillContext) -> SkillResult:
        skill = self._skills.skills.get(action["name"])
        if action["name"] == "Undo":
            raise SkillError("I already undid that.")
        if action.get("decision") == "confirm" or (skill and skill.risk == "critical"):
            raise SkillError("That needed a yes, so I won't reverse it on my own; tell me what you want instead.")
        if skill is None or skill.undo is None:
            raise SkillError(f"I can't undo {action['name']}.")
        return skill.undo(skill.params.model_validate(action["args"]), action["result"].get("data", {}), ctx)
