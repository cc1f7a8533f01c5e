"""Talking to systemd when run as a service: ready once the models are loaded, alive each tick.

The unit (firmware_scripts/hark.service) is Type=notify with a watchdog: if the loop stops
ticking, systemd restarts the device. sd_notify is one datagram on a Unix socket; no library.
"""
from __future__ import annotations

import os
import socket


class Notifier:
    """sd_notify on the socket systemd names in $NOTIFY_SOCKET; does nothing when not a service."""

    def __init__(self, address: str | None) -> None:
        self._address = "\0" + address[1:] if address and address.startswith("@") else address

    @classmethod
    def from_environment(cls) -> Notifier:
        return cls(os.environ.get("NOTIFY_SOCKET"))

    def ready(self) -> None:
        self._send("READY=1\nSTATUS=listening for the push-to-talk button")

    def alive(self) -> None:
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def _send(self, message: str) -> None:
        if not self._address:
            return
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)  # the loop must never wait on the service manager
            try:
                sock.sendto(message.encode(), self._address)
            except OSError:  # systemd went away (shutdown) or is behind: nothing to tell now
                pass
