"""`hark emulate`: the handheld on a laptop, as a Textual app.

The same DeviceLoop as the handheld, with other endpoints (CONVENTIONS 9): the laptop's mic and
speaker (or silent virtual ones when it has none), a key instead of the GPIO button, a text box
instead of speech. The screen is a listener of the loop's events, like the handheld's LED.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, RichLog, Static

from device.audio import read_wav
from device.config import Settings
from device.endpoints import Microphone, SoundCard, VirtualInput, VirtualOutput
from device.errors import HarkError
from device.loop import DeviceLoop
from device.messages import PipelineEvent
from skills.store import Store

STATE_STYLE = {"starting": "dim", "idle": "bold", "listening": "bold green", "thinking": "bold yellow",
               "acting": "bold yellow", "speaking": "bold cyan", "stopped": "dim"}
AUDIT_TAIL = 6


def laptop_endpoints(settings: Settings) -> tuple[object, object, list[str]]:
    """The laptop's sound cards when it has them; silent virtual ones (and a note why) when not."""
    notes, mic, speaker = [], Microphone(settings.device.input_device), SoundCard(settings.device.output_device)
    try:
        mic.open()
        mic.close()
    except HarkError as exc:
        mic = VirtualInput(name="no microphone")
        notes.append(f"No microphone ({exc}): type your commands.")
    try:
        speaker.open()
    except HarkError as exc:
        speaker = VirtualOutput(name="no speaker")
        notes.append(f"No speaker ({exc}): replies are shown, not played.")
    return mic, speaker, notes


class Emulator(App):
    """A device screen: state, what it heard, the plan and each decision, questions waiting for a
    yes, running timers and the audit log's tail; ctrl+t is the push-to-talk key."""

    CSS = """
    #state { height: 3; content-align: center middle; border: round $accent; }
    #screen { width: 2fr; }
    #side { width: 1fr; }
    #transcript, #confirm { height: auto; min-height: 1; padding: 0 1; }
    #confirm { color: $warning; }
    #turns, #audit { border: round $panel; }
    #timers { height: auto; min-height: 3; border: round $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("ctrl+t", "talk", "Push to talk (press again to stop)", priority=True),
                Binding("escape", "hush", "Stop speaking"),
                Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, settings: Settings, dry_run: bool = False, audio: Path | None = None,
                 endpoints: tuple[object, object, list[str]] | None = None) -> None:
        super().__init__()
        mic, speaker, self.notes = endpoints or laptop_endpoints(settings)
        self.settings, self.audio = settings, audio
        self.loop = DeviceLoop(settings, mic, speaker, on_event=self.show, dry_run=dry_run)
        self.title = "Hark emulator" + (" (dry run: nothing changes)" if dry_run else "")

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="screen"):
                yield Static("starting", id="state")
                yield Static("", id="transcript")
                yield Static("", id="confirm")
                yield RichLog(id="turns", wrap=True, min_width=20)
            with Vertical(id="side"):
                yield Static("No timers.", id="timers")
                yield RichLog(id="audit", wrap=True, min_width=20)
        yield Input(placeholder="Type a command and press Enter (or ctrl+t and talk)", id="type")
        yield Footer()

    def on_mount(self) -> None:
        for selector, title in (("#turns", "turns: plan and decisions"), ("#timers", "timers"), ("#audit", "audit log")):
            self.query_one(selector).border_title = title
        for note in self.notes:
            self._log(f"[dim]{escape(note)}[/]")
        self.run_worker(self._run_device(), exclusive=True)
        self.set_interval(1.0, self.refresh_side)

    async def _run_device(self) -> None:
        try:
            await self.loop.run()
        except HarkError as exc:
            self._log(f"[red]{escape(str(exc))}[/]")

    def _log(self, markup: str) -> None:
        self.query_one("#turns", RichLog).write(Text.from_markup(markup))

    # The loop's events, on the app's own event loop
    def show(self, event: PipelineEvent) -> None:
        handler = getattr(self, f"_show_{event.type.replace('-', '_')}", None)
        if handler is not None:
            handler(event.data)

    def _show_state(self, data: dict) -> None:
        state = data["state"]
        note = f"  [dim]({escape(data['note'])})[/]" if data.get("note") else ""
        self.query_one("#state", Static).update(f"[{STATE_STYLE[state]}]{state.upper()}[/]{note}")
        if state == "idle" and self.audio is not None:  # --audio: injected once the models are loaded
            self.loop.hear(read_wav(self.audio, self.settings.max_audio_seconds))
            self.audio = None
        if state == "listening":
            self.query_one("#transcript", Static).update("[dim]listening…[/]")

    def _show_transcript(self, data: dict) -> None:
        self.query_one("#transcript", Static).update(f"Heard: [bold]{escape(data['text'])}[/]")

    def _show_plan(self, data: dict) -> None:
        self._log(f"[dim]plan via {data['source']} path[/]")

    def _show_action(self, data: dict) -> None:
        decision = f" ({data['decision']}: {escape(data['reason'])})" if data.get("decision") else ""
        self._log(
            f"  {data['name']} {escape(str(data['args']))} → [bold]{data['status']}[/]{decision}")
        waiting = {"needs_confirmation": "your yes or no", "needs_input": "your answer"}.get(data["status"])
        self.query_one("#confirm", Static).update(
            f"Waiting for {waiting}: {escape(data['result'].get('speech', ''))}" if waiting else "")

    def _show_reply(self, data: dict) -> None:
        self._log(f"[cyan]Hark:[/] {escape(data['text'])}")

    def _show_alert(self, data: dict) -> None:
        self._log(f"[magenta]{data['kind']}:[/] {escape(data['speech'])}")

    def _show_error(self, data: dict) -> None:
        self._log(f"[red]error:[/] {escape(data['message'])}")

    # The side panel reads the state file itself, as another process would
    def refresh_side(self) -> None:
        """Nothing once the panel is gone: the app is closing, and its interval may fire once more."""
        panel, log = self.query("#timers"), self.query("#audit")
        if not (panel and log):
            return
        store = Store(self.settings.state_db)
        try:
            now = datetime.now().timestamp()
            timers = [f"{t.command or t.name or 'timer'}: {int(t.left(now)) // 60}:{int(t.left(now)) % 60:02d} {t.state}"
                      for t in store.timers(state="running") + store.timers(state="paused")]
            panel.first(Static).update("\n".join(timers) or "No timers.")
            audit = log.first(RichLog)
            audit.clear()
            for entry in store.audit(AUDIT_TAIL):
                actions = ", ".join(f"{a['name']} {a['status']}" for a in entry.record.get("actions", []))
                transcript = escape(entry.record.get("transcript", ""))
                audit.write(Text.from_markup(f"[dim]{entry.id}[/] {transcript} → {actions or '-'}"))
        finally:
            store.close()

    # The keys
    def on_input_submitted(self, message: Input.Submitted) -> None:
        if message.value.strip():
            self._log(f"[bold]You:[/] {escape(message.value)}")
            self.loop.type_text(message.value)
        message.input.value = ""

    def action_talk(self) -> None:
        """A terminal reports key presses, not releases: the key starts listening, pressed again it stops."""
        if self.loop.state == "listening":
            self.loop.release()
        else:
            self.loop.press()

    def action_hush(self) -> None:
        self.loop.hush()

    async def action_quit(self) -> None:
        self.loop.shutdown()
        self.exit()
