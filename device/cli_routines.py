"""`hark routines`: the routines taught by voice, listed or removed from the shell."""
from __future__ import annotations

import argparse
import json
from datetime import datetime

from rich.console import Console
from rich.markup import escape

from device.config import load_settings
from device.errors import HarkError
from skills.builtin.routines import find, title
from skills.store import Store

console = Console(highlight=False)


def cmd_routines(args: argparse.Namespace) -> int:
    store = Store(load_settings().state_db)
    if args.remove:
        return _remove(store, args.remove, args.json)
    routines = store.routines()
    if args.json:
        print(json.dumps([r.model_dump() for r in routines], indent=2))
        return 0
    if not routines:
        console.print("No routines. Teach one by voice: \"when I say good night, turn off the lights\".")
    for routine in routines:
        due = f" [dim](next {datetime.fromtimestamp(routine.next_at):%a %H:%M})[/]" if routine.next_at else ""
        console.print(f"{routine.id:>4}  {escape(title(routine))}{due}: {escape(routine.summary)}")
    return 0


def _remove(store: Store, which: str, as_json: bool) -> int:
    routines = store.routines()
    routine = next((r for r in routines if str(r.id) == which), None) or find(routines, which)
    if routine is None:
        raise HarkError(f"no routine {which!r}", "see them with: hark routines")
    store.update_routine(routine.id, "removed")
    print(json.dumps({"removed": routine.id}) if as_json else f"removed routine {routine.id} ({title(routine)})")
    return 0


def add_routines_command(commands: argparse._SubParsersAction) -> None:
    routines = commands.add_parser("routines", help="list or remove the routines taught by voice",
                                   description="Routines are taught by voice (\"when I say good night, turn off "
                                               "the lights\", \"every weekday at 7, tell me the time\").")
    routines.add_argument("--remove", metavar="ID_OR_PHRASE", help="remove a routine by its id or its phrase")
    routines.add_argument("--json", action="store_true", help="machine-readable output")
    routines.set_defaults(run=cmd_routines)
