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
