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


def cmd_eval_tools(args: argparse.Namespace) -> int:
    from device.cli import _settings
    from device.evaluate_tools import predict, read_bfcl, score
    from device.tools import ToolPlanner

    rows = read_bfcl(args.input, args.limit)
    planner = ToolPlanner.from_settings(_settings(args))
    preds = []
    with args.output.open("w") as out:
        for pred in track(predict(planner, rows), total=len(rows), description="calling tools",
                          console=Console(stderr=True), disable=args.json):
            out.write(pred.model_dump_json() + "\n")
            preds.append(pred)
    result = score(preds)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        console.print(f"[bold]{args.input.name}[/] {result.rows} rows: correct {result.correct:.1%}; "
                      f"p50 {result.p50_ms:.0f} ms")
    return 0


def add_eval_tools_command(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    parser = commands.add_parser("eval-tools", help="call arbitrary tools for BFCL rows; score by BFCL's rules",
                                 description="Plan calls of each row's own tools (JSON schemas) with the tool "
                                             "planner (device.tools) and score them by BFCL's AST rules; for an "
                                             "irrelevance file, right means no call.")
    parser.add_argument("input", type=Path, help="a BFCL_v4_*.json file (its .answer.json beside it)")
    parser.add_argument("--output", type=Path, required=True, help="predictions JSONL to write")
    parser.add_argument("--limit", type=int, help="only the first N rows")
    parser.add_argument("--json", action="store_true", help="print the score as JSON")
    model_options(parser)
    parser.set_defaults(run=cmd_eval_tools)


def cmd_accuracy(args: argparse.Namespace) -> int:
    """Every evaluation set for each model; a table in docs/accuracy.md, the figures in JSON."""
    from device.accuracy import measure, write_report
    from device.cli import _settings
    from device.doctor import machine_name
    from device.modelstore import ModelStore

    settings = _settings(args)
    models = args.llm_models or [ModelStore(settings.model_root).entry(settings.llm_model, "llm").id]
    results = measure(args.data, models, args.sample, settings.threads, settings.model_root, quiet=args.json,
                      tool_sample=args.tool_sample)
    write_report(args.output, results, args.sample, machine_name(settings.threads), args.tool_sample)
    print(args.output.with_suffix(".json").read_text() if args.json else args.output.read_text())
    return 0


def add_accuracy_command(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    parser = commands.add_parser("accuracy", help="score the planner on the evaluation sets; write docs/accuracy.md",
                                 description="Run HA's intent tests, SLURP's commands and BFCL's live sets through "
                                             "the planner and the tool planner, for each LLM given, and write "
                                             "the table (and JSON beside it).")
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"),
                        help="folder with the evaluation sets (default ../shared/eval)")
    parser.add_argument("--models", dest="llm_models", nargs="+", metavar="ID",
                        help="LLM ids to compare (default: the configured one), e.g. qwen2.5-coder-0.5b-q4_k_m "
                             "qwen2.5-coder-1.5b-q4_k_m")
    parser.add_argument("--sample", type=int, default=200,
                        help="rows drawn at random from each set (seed 0; 0 = all rows; default 200)")
    parser.add_argument("--tool-sample", type=int,
                        help="rows drawn from each BFCL set, which take seconds each: every row's tools are a new "
                             "prompt (default: --sample)")
    parser.add_argument("--output", type=Path, default=Path("docs/accuracy.md"), help="the markdown report")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    model_options(parser)
    parser.set_defaults(run=cmd_accuracy)


def cmd_bench(args: argparse.Namespace) -> int:
    """Both pipelines over the spoken commands; a table in docs/performance.md, the figures in JSON."""
    import json

    from device.bench import bench, write_report
    from device.cli import _settings
    from device.doctor import machine_name

    settings = _settings(args)
    if not args.json:
        console.print("[bold]hark bench[/]: speaking the commands, then running them through the device loop "
                      "and through the naive pipeline (a few minutes)…")
    result = bench(settings, args.quick)
    machine = f"{machine_name(settings.threads)}, models {', '.join(result['ours']['models'])}"
    chosen = [f"--{kind}-model {getattr(args, f'{kind}_model')}" for kind in ("stt", "llm")
              if getattr(args, f"{kind}_model")]
    output = [f"--output {args.output}"] if args.output != Path("docs/performance.md") else []
    write_report(args.output, result["summary"], result, machine, " ".join(["hark bench", *chosen, *output]))
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
