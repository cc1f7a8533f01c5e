"""The `hark` command line. Every command has --help; reporting commands have --json.

Exit codes: 0 = done (or waiting for a yes), 1 = an action failed or was denied, or nothing was
heard, 2 = bad input or setup
(one line on stderr that names the fix; never a traceback).
"""
from __future__ import annotations

import argparse
import ctypes
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from device.config import Settings, load_settings
from device.errors import HarkError
from device.messages import Turn

EXIT_FAILED_ACTION, EXIT_BAD_INPUT = 1, 2
FAILURES = {"failed", "invalid", "denied"}  # a question waiting for a yes is not a failure
SAMPLE_COMMAND = "turn on the kitchen light"
ALERT_POLL_SECONDS = 1
console = Console(stderr=False, highlight=False)


def _settings(args: argparse.Namespace) -> Settings:
    given = {"home_file": args.home, "threads": args.threads, "stt_model": args.stt_model,
             "llm_model": args.llm_model, "tts_model": args.tts_model}
    return load_settings(**given)


def _pipeline(args: argparse.Namespace):
    from device.pipeline import Pipeline

    return Pipeline(_settings(args), dry_run=getattr(args, "dry_run", False))


def _report(turn: Turn, as_json: bool) -> int:
    if as_json:
        print(turn.model_dump_json(indent=2))
    else:
        from device.report import print_turn

        print_turn(turn, console)
    failed = [a for a in turn.actions if a.status in FAILURES]
    for action in failed:
        print(f"hark: {action.name}: {action.speech or action.status}", file=sys.stderr)
    return EXIT_FAILED_ACTION if failed or not turn.transcript else 0


def _respond(pipeline, turn: Turn, args: argparse.Namespace) -> int:
    code = _report(turn, args.json)
    if args.play:
        from device.endpoints import SoundCard

        SoundCard(args.audio_device).play(pipeline.speak(turn.reply))
    return code


def cmd_say(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    return _respond(pipeline, pipeline.say(args.text, args.out), args)


def cmd_listen(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    if args.file is not None:
        return _respond(pipeline, pipeline.listen(args.file, args.out), args)
    from device.endpoints import Microphone, record

    if not args.json:
        console.print(f"[bold]Listening[/] for {args.seconds:.0f} s…")
    speech = record(args.seconds, Microphone(args.audio_device))
    return _respond(pipeline, pipeline.hear(speech, "the microphone", args.out), args)


def cmd_demo(args: argparse.Namespace) -> int:
    """Synthesise the sample command with our own voice, then run it as a real voice turn."""
    from device.audio import write_wav

    pipeline = _pipeline(args)
    with tempfile.TemporaryDirectory(prefix="hark-demo-") as tmp:
        sample = Path(tmp) / "sample.wav"
        write_wav(sample, pipeline.speak(args.text, steady=True))
        if not args.json:
            console.print(f"[dim]Sample[/]      spoken by our TTS: {args.text!r}")
        turn = pipeline.listen(sample, args.out)
    code = _report(turn, args.json)
    if not args.json:
        console.print(f"[bold]Spoken reply[/] written to {args.out}")
    return code


def cmd_alerts(args: argparse.Namespace) -> int:
    """Ring timers and alarms and run scheduled routines that came due: once, or every second with --watch."""
    pipeline = _pipeline(args)
    while True:
        alerts = pipeline.take_alerts()
        for alert in alerts:
            print(alert.model_dump_json() if args.json else f"{alert.kind}: {alert.speech}", flush=True)
        if alerts and args.out:
            from device.audio import write_wav

            write_wav(args.out, pipeline.ring(alerts))
        if alerts and args.play:
            from device.endpoints import SoundCard

            SoundCard(args.audio_device).play(pipeline.ring(alerts))
        if not args.watch:
            return 0
        time.sleep(ALERT_POLL_SECONDS)


def _device_arg(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def model_options(parser: argparse.ArgumentParser) -> None:
    """The home and models a command runs with."""
    parser.add_argument("--home", type=Path, help="simulated home YAML (HA fixture format)")
    parser.add_argument("--threads", type=int, help="CPU threads for the models (default: all cores)")
    for kind in ("stt", "llm", "tts"):
        parser.add_argument(f"--{kind}-model", metavar="ID", help=f"{kind.upper()} model id (see hark models list)")


def _turn_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="write the spoken reply to this WAV file")
    parser.add_argument("--play", action="store_true", help="play the spoken reply on the speaker")
    parser.add_argument("--audio-device", metavar="NAME|INDEX", type=_device_arg,
                        help="sound card for --mic/--play (default: the system's)")
    parser.add_argument("--json", action="store_true", help="print the turn record as JSON")
    model_options(parser)


def build_parser() -> argparse.ArgumentParser:
    from device.cli_admin import add_admin_commands
    from device.cli_eval import add_accuracy_command, add_bench_command, add_eval_command, add_eval_tools_command
    from device.cli_log import add_log_command
    from device.cli_routines import add_routines_command
    from device.cli_run import add_run_commands, add_serve_command

    parser = argparse.ArgumentParser(prog="hark", description="Hark: an offline voice assistant that acts.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show library log messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    say = commands.add_parser("say", help="run a turn from typed text", description="Run a turn from typed text.")
    say.add_argument("text", help='what you would say, e.g. "turn off the bedroom lamp"')
    _turn_options(say)
    say.set_defaults(run=cmd_say)

    listen = commands.add_parser("listen", help="run a turn from a WAV recording or the microphone",
                                 description="Run a whole voice turn from a WAV recording or the microphone.")
    source = listen.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="WAV file (any rate, mono or stereo, PCM)")
    source.add_argument("--mic", action="store_true", help="record from the microphone instead")
    listen.add_argument("--seconds", type=float, default=5.0, help="how long --mic records (default 5)")
    _turn_options(listen)
    listen.set_defaults(run=cmd_listen)

    demo = commands.add_parser("demo", help="a complete voice turn on a sample utterance",
                               description="Speak a sample command with our TTS and run it as a voice turn.")
    demo.add_argument("--text", default=SAMPLE_COMMAND, help=f"sample command (default: {SAMPLE_COMMAND!r})")
    _turn_options(demo)
    demo.set_defaults(run=cmd_demo, out=Path("reply.wav"))

    alerts = commands.add_parser("alerts", help="ring timers and alarms, run scheduled routines, as they come due",
                                 description="Ring (chime and spoken line) each timer and alarm that came due, "
                                             "and run each scheduled routine whose time came, once; --watch keeps "
                                             "doing it as they come due.")
    alerts.add_argument("--watch", action="store_true", help=f"check every {ALERT_POLL_SECONDS} s until Ctrl-C")
    _turn_options(alerts)
    alerts.set_defaults(run=cmd_alerts)

    for command in (say, listen, demo):
        command.add_argument("--dry-run", action="store_true",
                             help="plan and preview the actions, change nothing (prints the predicted effect)")
    add_admin_commands(commands)
    add_log_command(commands)
    add_routines_command(commands)
    add_eval_command(commands)
    add_eval_tools_command(commands)
    add_accuracy_command(commands)
    add_bench_command(commands)
    add_run_commands(commands)
    add_serve_command(commands)
    return parser


M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter: allocations from this size up get pages of their own."""


def return_freed_memory() -> None:
    """Make blocks of 128 KiB and more (the grammar's and the models' working buffers) go back to
    the system when freed. glibc otherwise raises that threshold after the first large free and
    keeps up to twice as much freed memory in its heaps: 80 MB more resident after a few LLM
    turns, the peak 30 MB higher (measured). Not glibc (musl, macOS): nothing to do."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    return_freed_memory()
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="hark: %(message)s")
    try:
        return args.run(args)
    except HarkError as exc:
        print(f"hark: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: still one line, the details behind -v
        if args.verbose:
            raise
        print(f"hark: internal error: {type(exc).__name__}: {exc} (rerun with -v and report it)", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
