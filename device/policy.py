"""The rules that decide, whatever the planner proposed: allow, confirm first, or deny.

Defaults: `read` and `act` skills are allowed, `critical` ones need a spoken yes, and so does any
call that would touch a lock, an alarm panel or an entrance cover (garage door, door, gate), or
that needs the `network` or `system` permission. `policy.toml` in the config dir overrides by
risk, by skill and by permission; a skill's own rule wins over the others.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from device.errors import HarkError
from skills.sdk import Preview, Skill

Decision = Literal["allow", "confirm", "deny"]
_STRICTNESS = {"allow": 0, "confirm": 1, "deny": 2}
CRITICAL_DOMAINS = {"lock", "alarm_control_panel"}
ENTRANCE_COVERS = {"garage", "garage_door", "door", "gate"}


class Verdict(BaseModel):
    """A decision and the reason for it, as written to the turn record."""

    decision: Decision
    reason: str


class Policy(BaseModel):
    """Per risk, per skill and per permission: allow, confirm or deny."""

    model_config = ConfigDict(extra="forbid")

    risk: dict[Literal["read", "act", "critical"], Decision] = Field(
        default_factory=lambda: {"read": "allow", "act": "allow", "critical": "confirm"})
    skills: dict[str, Decision] = {}
    permissions: dict[str, Decision] = Field(default_factory=lambda: {"network": "confirm", "system": "confirm"})
    confirm_timeout_seconds: float = Field(30.0, gt=0, description="An unanswered question is cancelled after this")

    @classmethod
    def load(cls, path: Path) -> Policy:
        if not path.exists():
            return cls()
        try:
            return cls.model_validate(tomllib.loads(path.read_text()))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0] if isinstance(exc, tomllib.TOMLDecodeError) else \
                f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {exc.errors()[0]['msg']}"
            raise HarkError(f"policy file {path} is not valid: {first}", "fix it or remove it for the defaults") from None

    def decide(self, skill: Skill, preview: Preview | None, entity_kinds: dict[str, str | None]) -> Verdict:
        """`entity_kinds` maps each entity the preview touches to its device_class."""
        if skill.name in self.skills:
            return Verdict(decision=self.skills[skill.name], reason=f"the policy's rule for {skill.name}")
        risk, why = _effective_risk(skill, preview, entity_kinds)
        verdicts = [Verdict(decision=self.risk[risk], reason=why)]
        verdicts += [Verdict(decision=self.permissions[p], reason=f"it needs the {p} permission")
                     for p in skill.permissions if p in self.permissions]
        return max(verdicts, key=lambda v: _STRICTNESS[v.decision])


def _effective_risk(skill: Skill, preview: Preview | None, entity_kinds: dict[str, str | None]) -> tuple[str, str]:
    """A skill's declared risk, raised to critical when its effect touches security devices."""
    for change in preview.changes if preview else []:
        domain = change.entity_id.split(".", 1)[0]
        if domain in CRITICAL_DOMAINS or (domain == "cover" and entity_kinds.get(change.entity_id) in ENTRANCE_COVERS):
            return "critical", f"it changes {change.name}, a security device"
    return skill.risk, f"{skill.name} is a {skill.risk} skill"
