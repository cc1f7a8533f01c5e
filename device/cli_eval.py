"""`hark eval`: run the planner over a JSONL file and, with --score, score it."""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

console = Console(highlight=False)


def cmd_eval(args: argparse.Namespace) -> int:
    from device.cli import _pipeline
    from device.evaluate import predict, read_rows, score

    rows = read_rows(args.input, args.limit)
    pipeline = _pipeline(args)
    preds = []
    with args.output.open("w") as out:
        for pred in track(predict(pipeline, rows, args.speech), total=len(rows), description="planning",
                          console=Console(stderr=True), disable=args.json):
            out.write(pred.model_dump_json() + "\n")
            out.flush()
            preds.append(pred)
    if not args.score:
        return 0
    result = score(rows, preds, pipeline.skills)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        _print_score(result)
    return 0


def _print_score(result) -> None:
    table = Table("group", "rows", "correct", "safe", box=None, padding=(0, 2))
    for group, summary in result.by_group.items():
        safe = f"{summary['safe']:.1%}" if "safe" in summary else ""
        table.add_row(group, str(int(summary["rows"])), f"{summary['correct']:.1%}", safe)
    console.print(table)
    safe = f", safe {result.safe:.1%}" if result.safe is not None else ""
    console.print(f"[bold]overall[/] {result.rows} rows: correct {result.correct:.1%}{safe}; "
                  f"planning p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms")


def add_eval_command(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    parser = commands.add_parser("eval", help="plan every row of a JSONL file; score known formats",
                                 description="Plan each {id, text} row (nothing with a side effect runs) "
                                             "and write one prediction a line.")
    parser.add_argument("input", type=Path, help="JSONL rows with id and text (optional: context)")
    parser.add_argument("--output", type=Path, required=True, help="predictions JSONL to write")
    parser.add_argument("--speech", action="store_true",
                        help="speak each text with our TTS (speed and noise perturbed) and transcribe it first")
    parser.add_argument("--score", action="store_true",
                        help="score HA intent tests (intent+slots) or action sets (kind+expect_any)")
    parser.add_argument("--limit", type=int, help="only the first N rows")
    parser.add_argument("--json", action="store_true", help="print the score as JSON")
    model_options(parser)
    parser.set_defaults(run=cmd_eval)


def cmd_bench(args: argparse.Namespace) -> int:
    """Both pipelines over the spoken commands; a table in docs/performance.md, the figures in JSON."""
    import json
    import platform

    from device.bench import bench, write_report
    from device.cli import _settings

    settings = _settings(args)
    if not args.json:
        console.print("[bold]hark bench[/]: speaking the commands, then running them through the device loop "
                      "and through the naive pipeline (a few minutes)…")
    result = bench(settings, args.quick)
    machine = f"{platform.machine()}, {settings.threads} threads, models {', '.join(result['ours']['models'])}"
    write_report(args.output, result["summary"], result, machine)
    args.output.with_suffix(".json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result["summary"], indent=2) if args.json else args.output.read_text())
    return 0


def add_bench_command(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    parser = commands.add_parser("bench", help="time spoken turns end to end against a naive pipeline",
                                 description="Speak a fixed list of commands with our TTS (speed and noise varied), "
                                             "play them in real time into the device loop, and time end of speech "
                                             "→ first reply audio, each stage, cold start and peak memory; the "
                                             "same commands through a naive pipeline give the speed-up.")
    parser.add_argument("--quick", action="store_true", help="only the first 6 commands")
    parser.add_argument("--output", type=Path, default=Path("docs/performance.md"),
                        help="the markdown report (the JSON goes beside it; default docs/performance.md)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    model_options(parser)
    parser.set_defaults(run=cmd_bench)
