"""The fast path: skills' example templates matched by hassil, with exact slot values.

Slot lists come from the home (entity, area and floor names) and standard number ranges.
Commands joined by "and"/"then" match when every part matches. A template that matches with
an unknown device name still produces the call, so the skill can say which name it didn't know.
"""
from __future__ import annotations

import re
from typing import Any

from hassil import Intents, RecognizeResult, recognize
from hassil.intents import RangeSlotList, SlotList, TextSlotList

from device.messages import ActionCall, Plan
from skills.home import Home
from skills.registry import SkillSet

_SPLIT = re.compile(r"\s*(?:,\s*)?\b(?:and then|then|and also|and)\b\s*", re.IGNORECASE)
# Number lists any template may use: (first, last).
_RANGES = {"hours": (1, 24), "minutes": (1, 1440), "seconds": (1, 86400), "percent": (0, 100),
           "brightness": (0, 100), "volume": (0, 100), "temperature": (0, 100), "position": (0, 100),
           "number": (0, 1000)}


def _slot_lists(home: Home) -> dict[str, SlotList]:
    lists: dict[str, SlotList] = {
        name: RangeSlotList(name=name, start=first, stop=last) for name, (first, last) in _RANGES.items()}
    lists["name"] = TextSlotList.from_strings([e.name for e in home.entities], allow_template=False, name="name")
    lists["area"] = TextSlotList.from_strings(home.area_names(), allow_template=False, name="area")
    lists["floor"] = TextSlotList.from_strings(home.floor_names(), allow_template=False, name="floor")
    return lists


def _intents(skills: SkillSet) -> Intents:
    data = {
        s.name: {"data": [{"sentences": [e.template], "slots": e.slots} for e in s.examples]}
        for s in skills if s.examples
    }
    return Intents.from_dict({"language": "en", "intents": data})


class FastPlanner:
    """Matches whole commands (or each part of a compound one) against the skills' templates."""

    def __init__(self, skills: SkillSet, home: Home) -> None:
        self._intents = _intents(skills)
        self._lists = _slot_lists(home)

    def plan(self, text: str) -> Plan | None:
        """Whole command first; then each part of a compound one; then a known phrasing whose
        device name we don't know (so the skill can say which name it didn't know)."""
        call = self._match(text, allow_unknown_names=False)
        if call is not None:
            return Plan(calls=[call], source="fast")
        parts = [p for p in _SPLIT.split(text) if p.strip()]
        if len(parts) > 1:
            calls = [self._match(p, allow_unknown_names=True) for p in parts]
            if all(calls):
                return Plan(calls=calls, source="fast")
        call = self._match(text, allow_unknown_names=True)
        return Plan(calls=[call], source="fast") if call else None

    def _match(self, text: str, allow_unknown_names: bool) -> ActionCall | None:
        result = recognize(text, self._intents, slot_lists=self._lists)
        if result is None and allow_unknown_names:
            result = recognize(text, self._intents, slot_lists=self._lists, allow_unmatched_entities=True)
            if result is not None and not _only_names_unmatched(result):
                return None
        return None if result is None else ActionCall(name=result.intent.name, args=_args(result))


def _only_names_unmatched(result: RecognizeResult) -> bool:
    unmatched = result.unmatched_entities_list
    return bool(unmatched) and all(e.name == "name" and e.text.strip() for e in unmatched)


def _args(result: RecognizeResult) -> dict[str, Any]:
    args = {name: (e.value if isinstance(e.value, (int, float)) else str(e.value or e.text).strip())
            for name, e in result.entities.items()}
    args.update({e.name: e.text.strip() for e in result.unmatched_entities_list})
    return {k: v for k, v in args.items() if v != ""}
