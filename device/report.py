"""How a turn looks to a person in a terminal (the machine-readable form is Turn's JSON)."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from device.messages import Turn

_STATUS_STYLE = {"done": "green", "failed": "yellow", "invalid": "red", "denied": "red",
                 "needs_confirmation": "cyan", "needs_input": "cyan", "cancelled": "dim"}


def print_turn(turn: Turn, console: Console) -> None:
    console.print(f"[bold]Transcript[/]  {turn.transcript or '(nothing heard)'}")
    for note in turn.notes:
        console.print(f"[dim]Note[/]        {note}")
    console.print(f"[bold]Plan[/]        via {turn.source or '-'} path")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    for column in ("action", "arguments", "decision", "status", "result"):
        table.add_column(column)
    for action in turn.actions:
        args = ", ".join(f"{k}={v!r}" for k, v in action.args.items()) or "-"
        style = _STATUS_STYLE.get(action.status, "white")
        table.add_row(action.name, escape(args), action.decision or "-", f"[{style}]{action.status}[/]",
                      escape(action.speech))
    if turn.actions:
        console.print(table)
    console.print(f"[bold]Reply[/]       {turn.reply}")
    timings = "  ".join(f"{stage} {ms:.0f} ms" for stage, ms in turn.timings_ms.items())
    console.print(f"[bold]Timings[/]     {timings or '-'}")
