"""`hark log`: the audit log of every turn, hash-chained so an edit or a removed row shows."""
from __future__ import annotations

import argparse
import json
from datetime import datetime

from rich.console import Console
from rich.markup import escape

from device.config import load_settings
from skills.store import Store

console = Console(highlight=False)


def cmd_log(args: argparse.Namespace) -> int:
    store = Store(load_settings().state_db)
    if args.verify:
        return _verify(store, args.json)
    entries = store.audit(args.tail)
    if args.json:
        print(json.dumps([e.model_dump() for e in entries], indent=2))
        return 0
    for entry in entries:
        record = entry.record
        when = datetime.fromtimestamp(entry.at).strftime("%Y-%m-%d %H:%M:%S")
        actions = ", ".join(f"{a['name']} {a['status']}" + (f" ({a['decision']})" if a.get("decision") else "")
                            for a in record.get("actions", [])) or "no action"
        console.print(f"[dim]{entry.id:>5} {when}[/] {escape(record.get('transcript', ''))!r} → {escape(actions)}")
        console.print(f"      [dim]reply:[/] {escape(record.get('reply', ''))}")
    return 0


def _verify(store: Store, as_json: bool) -> int:
    broken = store.verify_audit()
    count = len(store.audit())
    if as_json:
        print(json.dumps({"ok": broken is None, "rows": count, "first_broken_id": broken}))
    elif broken is None:
        console.print(f"audit log intact: {count} turns, hash chain verified")
    else:
        console.print(f"[red]audit log broken at row {broken}[/]: it was edited, or a row before it was removed")
    return 0 if broken is None else 1


def add_log_command(commands: argparse._SubParsersAction) -> None:
    log = commands.add_parser("log", help="show or verify the audit log of turns",
                              description="Every turn (transcript, plan, each decision and reason, results, "
                                          "timings, models) is appended to a hash-chained log in SQLite.")
    log.add_argument("--tail", type=int, metavar="N", help="only the last N turns")
    log.add_argument("--verify", action="store_true", help="check the hash chain; exit 1 if it is broken")
    log.add_argument("--json", action="store_true", help="machine-readable output")
    log.set_defaults(run=cmd_log)
