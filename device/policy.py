"""The rules that decide, whatever the planner proposed: allow, confirm first, or deny.

Defaults: `read` and `act` skills are allowed, `critical` ones need a spoken yes, and so does any
call that would touch a lock, an alarm panel or an entrance cover (garage door, door, gate), or
that needs the `network` or `system` permission. `policy.toml` in the config dir overrides by
risk, by skill and by permission; a skill's own rule wins over the others. Quiet hours (off unless
set) refuse skills with the listed permissions and lower the voice; a rate limit stops a plan
that would make more changes in a minute than a person would ask for.
"""
from __future__ import annotations

import tomllib
from datetime import datetime, time
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


class QuietHours(BaseModel):
    """A span of the day (it may cross midnight) when the device keeps quiet."""

    model_config = ConfigDict(extra="forbid")

    start: time = Field(description="e.g. 22:00")
    end: time = Field(description="e.g. 07:00")
    deny: list[str] = Field(default_factory=lambda: ["media"], description="Permissions refused meanwhile")
    volume: float = Field(0.3, gt=0, le=1, description="The voice's loudness meanwhile (1 = normal)")

    def covers(self, moment: datetime) -> bool:
        now = moment.time()
        return self.start <= now < self.end if self.start <= self.end else (now >= self.start or now < self.end)

    def describe(self) -> str:
        return f"it's quiet hours ({self.start:%H:%M} to {self.end:%H:%M})"


class Policy(BaseModel):
    """Per risk, per skill and per permission: allow, confirm or deny."""

    model_config = ConfigDict(extra="forbid")

    risk: dict[Literal["read", "act", "critical"], Decision] = Field(
        default_factory=lambda: {"read": "allow", "act": "allow", "critical": "confirm"})
    skills: dict[str, Decision] = {}
    permissions: dict[str, Decision] = Field(default_factory=lambda: {"network": "confirm", "system": "confirm"})
    confirm_timeout_seconds: float = Field(30.0, gt=0, description="An unanswered question is cancelled after this")
    quiet_hours: QuietHours | None = None
    max_changes_per_minute: int = Field(20, ge=1, description="Calls of act/critical skills, all plans together")

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

    def decide(self, skill: Skill, preview: Preview | None, entity_kinds: dict[str, str | None],
               now: datetime) -> Verdict:
        """`entity_kinds` maps each entity the preview touches to its device_class."""
        if self.is_quiet(now) and set(skill.permissions) & set(self.quiet_hours.deny):
            return Verdict(decision="deny", reason=self.quiet_hours.describe())
        if skill.name in self.skills:
            return Verdict(decision=self.skills[skill.name], reason=f"the policy's rule for {skill.name}")
        risk, why = _effective_risk(skill, preview, entity_kinds)
        verdicts = [Verdict(decision=self.risk[risk], reason=why)]
        verdicts += [Verdict(decision=self.permissions[p], reason=f"it needs the {p} permission")
                     for p in skill.permissions if p in self.permissions]
        return max(verdicts, key=lambda v: _STRICTNESS[v.decision])

    def is_quiet(self, now: datetime) -> bool:
        return self.quiet_hours is not None and self.quiet_hours.covers(now)

    def voice_volume(self, now: datetime) -> float:
        return self.quiet_hours.volume if self.is_quiet(now) else 1.0


def _effective_risk(skill: Skill, preview: Preview | None, entity_kinds: dict[str, str | None]) -> tuple[str, str]:
    """A skill's declared risk, raised to critical when its effect touches security devices."""
    for change in preview.changes if preview else []:
        domain = change.entity_id.split(".", 1)[0]
        if domain in CRITICAL_DOMAINS or (domain == "cover" and entity_kinds.get(change.entity_id) in ENTRANCE_COVERS):
            return "critical", f"it changes {change.name}, a security device"
    return skill.risk, f"{skill.name} is {'an' if skill.risk == 'act' else 'a'} {skill.risk} skill"
