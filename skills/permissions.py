"""What a skill may reach beyond its arguments, enforced while it runs.

A skill declares its permissions in its manifest (the `permissions` of `@skill`) and the policy
may refuse them. While a skill runs, Python's audit hooks (PEP 578) stop it from opening network
connections without `network` and from starting programs without `system`. The device's own
services (the Home Assistant and MQTT backends) run as trusted even when a skill calls them.

This keeps honest plugins to what they declared and makes overreach a spoken refusal and a log
line. It is not a sandbox against hostile code, which can do anything in-process (threads it
starts are not watched): install plugins you trust.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_GUARDED = {
    "network": ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo"),
    "system": ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty"),
}
_NEEDS = {event: permission for permission, events in _GUARDED.items() for event in events}
_state = threading.local()
_hook_lock = threading.Lock()
_hook_installed = False


class PermissionDenied(PermissionError):
    """A skill tried something its declared permissions don't cover."""

    def __init__(self, skill: str, permission: str) -> None:
        super().__init__(f"{skill} tried to use the {permission} permission, which it didn't declare")
        self.skill, self.permission = skill, permission


@dataclass
class Confinement:
    """The skill running in this thread, what it may do, and what it was refused (even if it
    caught the error)."""

    skill: str
    permissions: tuple[str, ...]
    refused: str | None = None


def _audit(event: str, args: tuple) -> None:
    permission = _NEEDS.get(event)
    running: Confinement | None = getattr(_state, "confinement", None)
    if permission and running and not getattr(_state, "trusted", False) and permission not in running.permissions:
        running.refused = permission
        raise PermissionDenied(running.skill, permission)


def _install_hook() -> None:
    """Audit hooks can't be removed, so one is added per process, on first need."""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


@contextmanager
def confined(skill: str, permissions: tuple[str, ...]) -> Iterator[Confinement]:
    """Run the block as `skill`, with only `permissions` (in this thread)."""
    _install_hook()
    _state.confinement = Confinement(skill, permissions)
    try:
        yield _state.confinement
    finally:
        _state.confinement = None


def run_confined(skill, args, ctx):
    """Run a skill under its declared permissions; overreach raises PermissionDenied even when
    the skill swallowed the refusal."""
    with confined(skill.name, skill.permissions) as confinement:
        outcome = skill.run(args, ctx)
    if confinement.refused:
        raise PermissionDenied(skill.name, confinement.refused)
    return outcome


@contextmanager
def trusted() -> Iterator[None]:
    """Run the block as the device itself (its backends), whichever skill called it."""
    before = getattr(_state, "trusted", False)
    _state.trusted = True
    try:
        yield
    finally:
        _state.trusted = before
