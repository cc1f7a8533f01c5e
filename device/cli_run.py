"""`hark run` (the device loop, as a service or by hand) and `hark devices` (the sound cards)."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from functools import partial
from pathlib import Path

from rich.console import Console

from device.config import Settings
from device.endpoints import Microphone, SoundCard, VirtualInput, WavOutput, list_devices
from device.errors import HarkError
from device.messages import PipelineEvent

console = Console(highlight=False)
STATE_MARKS = {"listening": "[bold green]● listening[/]", "thinking": "[yellow]… thinking[/]",
               "acting": "[yellow]… acting[/]", "speaking": "[cyan]♪ speaking[/]"}


def endpoints(settings: Settings, input_wav: Path | None, output_wav: Path | None):
    """The microphone and speaker: a WAV file when given, else the configured sound cards."""
    mic = VirtualInput.from_wav(input_wav) if input_wav else Microphone(settings.device.input_device)
    speaker = WavOutput(output_wav) if output_wav else SoundCard(settings.device.output_device)
    return mic, speaker


def device_settings(args: argparse.Namespace) -> Settings:
    """Settings with this command's device flags laid over config.toml's [device]."""
    from device.cli import _settings

    settings = _settings(args)
    flags = {"hands_free": True if args.hands_free else None, "ptt_pin": args.ptt_pin,
             "input_device": args.input_device, "output_device": args.output_device}
    given = {k: v for k, v in flags.items() if v is not None}
    if args.no_button:
        given["ptt_pin"] = None
    return settings.model_copy(update={"device": settings.device.model_copy(update=given)})


class EventPrinter:
    """What `hark run` prints: one line per state change and stage, or the events as JSON lines."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def __call__(self, event: PipelineEvent) -> None:
        if self.as_json:
            print(event.model_dump_json(), flush=True)
            return
        line = self._line(event)
        if line:
            console.print(line)

    @staticmethod
    def _line(event: PipelineEvent) -> str | None:
        data = event.data
        if event.type == "state":
            note = f" [dim]({data['note']})[/]" if data.get("note") else ""
            return STATE_MARKS.get(data["state"], f"[dim]{data['state']}[/]") + note
        if event.type == "transcript":
            return f"  heard: {data['text']!r}"
        if event.type == "action":
            return f"  {data['name']} {data['args']} → {data['status']}"
        if event.type in ("reply", "alert"):
            return f"  {event.type}: {data.get('text') or data.get('speech')}"
        if event.type == "error":
            return f"  [red]error:[/] {data['message']}"
        return None


def cmd_run(args: argparse.Namespace) -> int:
    """The device loop until Ctrl-C or SIGTERM (or --max-turns)."""
    from device.loop import DeviceLoop
    from device.service import Notifier

    settings = device_settings(args)
    if settings.device.ptt_pin is None and not settings.device.hands_free:
        raise HarkError("with no button and hands-free off, nothing can start a turn",
                        "set [device] ptt_pin in config.toml, or pass --hands-free")
    mic, speaker = endpoints(settings, args.input_wav, args.output_wav)
    printer = EventPrinter(args.json)
    listeners = [printer]

    def tell_listeners(event: PipelineEvent) -> None:
        for listener in listeners:
            listener(event)

    loop = DeviceLoop(settings, mic, speaker, on_event=tell_listeners, dry_run=args.dry_run,
                      notifier=Notifier.from_environment(), max_turns=args.max_turns, remote=args.remote,
                      token=args.token or os.environ.get("HARK_SERVE_TOKEN") or None)
    with contextlib.ExitStack() as hardware:
        listeners += attach_hardware(settings, loop, hardware)
        if not args.json:
            console.print(f"[bold]hark[/]: loading models; then {how_to_talk(settings)} (Ctrl-C stops)")
        asyncio.run(_serve(loop))
    return 0


def attach_hardware(settings: Settings, loop, stack: contextlib.ExitStack, pin_factory=None) -> list:
    """The button (calls the loop) and the LED (listens to it) the settings name."""
    from device.hardware import PushToTalkButton, StatusLight

    listeners = []
    if settings.device.ptt_pin is not None:
        button = PushToTalkButton(settings.device.ptt_pin, loop.press, loop.release, pin_factory)
        stack.callback(button.close)
    if settings.device.led_pin is not None:
        light = StatusLight(settings.device.led_pin, pin_factory)
        stack.callback(light.close)
        listeners.append(light.show)
    return listeners


def how_to_talk(settings: Settings) -> str:
    ways = []
    if settings.device.ptt_pin is not None:
        ways.append(f"hold the button on GPIO{settings.device.ptt_pin} while you talk")
    if settings.device.hands_free:
        ways.append("just talk (hands-free)")
    return " or ".join(ways)


async def _serve(loop) -> int:
    aio = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError, RuntimeError):  # not the main thread: no signal handlers
            aio.add_signal_handler(signum, loop.shutdown)
    return await loop.run()


def cmd_emulate(args: argparse.Namespace) -> int:
    from device.emulator import Emulator

    settings = device_settings(args)
    if args.audio is not None and not args.audio.is_file():
        raise HarkError(f"{args.audio}: no such file", "give the path of a WAV recording")
    Emulator(settings, dry_run=args.dry_run, audio=args.audio).run()
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    devices = list_devices()
    if args.json:
        print("[" + ",".join(d.model_dump_json() for d in devices) + "]")
        return 0
    if not devices:
        console.print("No sound cards found. (On the handheld: is the HAT's overlay in /boot/firmware/config.txt?)")
    for d in devices:
        marks = " ".join(m for m, on in (("default in", d.default_input), ("default out", d.default_output)) if on)
        console.print(f"{d.index:>3}  {d.name:<40} in {d.inputs}  out {d.outputs}  {d.default_rate} Hz  {marks}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from device.doctor import examine

    checks = examine()
    if args.json:
        print("[" + ",".join(c.model_dump_json() for c in checks) + "]")
    for check in [] if args.json else checks:
        mark = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}[check.status]
        fix = f"\n      [dim]fix:[/] {check.fix}" if check.fix else ""
        console.print(f"{mark} {check.name:<10} {check.detail}{fix}")
    return 1 if any(c.status == "fail" for c in checks) else 0


def add_run_commands(commands: argparse._SubParsersAction) -> None:
    from device.cli import _device_arg, model_options

    run = commands.add_parser("run", help="the device loop: push-to-talk (or hands-free) turns until stopped",
                              description="Run the device: idle → listening → thinking → acting → speaking, "
                                          "for every press of the button (or every utterance hands-free), "
                                          "ringing timers and alarms as they come due.")
    run.add_argument("--hands-free", action="store_true", help="listen whenever the VAD hears speech")
    run.add_argument("--ptt-pin", type=int, metavar="BCM", help="GPIO pin of the push-to-talk button")
    run.add_argument("--no-button", action="store_true", help="no GPIO button (hands-free only)")
    run.add_argument("--input-device", type=_device_arg, metavar="NAME|INDEX", help="microphone (hark devices)")
    run.add_argument("--output-device", type=_device_arg, metavar="NAME|INDEX", help="speaker (hark devices)")
    run.add_argument("--input-wav", type=Path, metavar="FILE", help="a WAV file as the microphone (then silence)")
    run.add_argument("--output-wav", type=Path, metavar="FILE", help="write what would be played to a WAV file")
    run.add_argument("--remote", metavar="HOST:PORT", help="satellite mode: STT, turns and TTS on a hark serve box "
                                                            "(this device's own models when it can't be reached)")
    run.add_argument("--token", help="the box's shared secret ($HARK_SERVE_TOKEN)")
    run.add_argument("--max-turns", type=int, metavar="N", help="stop after N replies (scripted checks)")
    run.add_argument("--dry-run", action="store_true", help="plan and preview every turn, change nothing")
    run.add_argument("--json", action="store_true", help="print each event as a JSON line")
    model_options(run)
    run.set_defaults(run=cmd_run)

    emulate = commands.add_parser("emulate", help="the handheld on your laptop: a terminal app (Textual)",
                                  description="Run the device in a terminal: its screen (state, transcript, plan and "
                                              "decisions, questions, timers, audit tail), ctrl+t as the push-to-talk "
                                              "key with the laptop's mic and speaker, and a text box to type into.")
    emulate.add_argument("--audio", type=Path, metavar="FILE", help="a WAV recording to run as the first turn")
    emulate.add_argument("--hands-free", action="store_true", help="listen whenever the VAD hears speech")
    emulate.add_argument("--input-device", type=_device_arg, metavar="NAME|INDEX", help="microphone (hark devices)")
    emulate.add_argument("--output-device", type=_device_arg, metavar="NAME|INDEX", help="speaker (hark devices)")
    emulate.add_argument("--dry-run", action="store_true", help="plan and preview every turn, change nothing")
    model_options(emulate)
    emulate.set_defaults(run=cmd_emulate, ptt_pin=None, no_button=True)

    devices = commands.add_parser("devices", help="list sound cards (for --input-device/--output-device)",
                                  description="List the sound cards PortAudio sees, with their channels and rates.")
    devices.add_argument("--json", action="store_true", help="print the list as JSON")
    devices.set_defaults(run=cmd_devices)

    doctor = commands.add_parser("doctor", help="check this machine can be the device, with a fix for each problem",
                                 description="Check Python, CPU, memory, config, policy, disk, sound cards, the "
                                             "GPIO button, each model (sha256) and GPU offload; exit 1 if any fails.")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.set_defaults(run=cmd_doctor)


def cmd_serve(args: argparse.Namespace) -> int:
    """Wyoming services on this box until Ctrl-C or SIGTERM."""
    from device.pipeline import Pipeline
    from device.wyoming_service import SERVICES, serve

    token = args.token or os.environ.get("HARK_SERVE_TOKEN") or None
    services = tuple(s.strip() for s in args.services.split(",") if s.strip())
    if not services or set(services) - set(SERVICES):
        raise HarkError(f"--services {args.services!r}", f"choose from {', '.join(SERVICES)}, comma-separated")
    pipeline = Pipeline(device_settings(args))
    ready = partial(console.print, f"[bold]hark[/]: serving {', '.join(services)} on tcp://{args.host}:{args.port}"
                                   f"{' (token required)' if token else ''}")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_until_signal(serve(pipeline, args.host, args.port, token, services, ready)))
    return 0


async def _until_signal(work) -> None:
    task = asyncio.ensure_future(work)
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    from device.cli import model_options

    serve = commands.add_parser("serve", help="offer our STT, TTS and turn handling as Wyoming services",
                                description="Serve asr (speech to text), tts (text to speech) and handle "
                                            "(a transcript in: planned, checked by the policy, run, audited; "
                                            "the reply out) over the Wyoming protocol, for Home Assistant and "
                                            "for satellites (hark run --remote).")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: loopback only; give a LAN address to serve the LAN)")
    serve.add_argument("--port", type=int, default=10700, help="TCP port (default 10700)")
    serve.add_argument("--token", help="a shared secret our satellites must send ($HARK_SERVE_TOKEN)")
    serve.add_argument("--services", default="asr,tts,handle", help="which to offer (default: asr,tts,handle)")
    model_options(serve)
    serve.set_defaults(run=cmd_serve, hands_free=False, ptt_pin=None, no_button=True, input_device=None,
                       output_device=None)
