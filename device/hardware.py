"""The handheld's button and status light, through gpiozero (an optional extra, CONVENTIONS 12).

gpiozero picks its pin library itself (lgpio on a Raspberry Pi); tests and desktops pass its
own MockFactory, so the same code runs everywhere.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable

from device.errors import HarkError
from device.messages import PipelineEvent

_GPIO_FIX = "install the GPIO extra (pip install 'hark[gpio]'), or set [device] ptt_pin to nothing"


def _gpiozero():
    try:
        import gpiozero
    except ImportError:
        raise HarkError("gpiozero is not installed", _GPIO_FIX) from None
    # gpiozero warns once per pin library it tries; our one-line error says what matters
    warnings.filterwarnings("ignore", category=gpiozero.PinFactoryFallback)
    return gpiozero


class PushToTalkButton:
    """A button wired from a GPIO pin to ground: press and release call the loop."""

    def __init__(self, pin: int, on_press: Callable[[], None], on_release: Callable[[], None],
                 pin_factory=None) -> None:
        gpiozero = _gpiozero()
        try:
            self._button = gpiozero.Button(pin, pull_up=True, bounce_time=0.01, pin_factory=pin_factory)
        except gpiozero.GPIOZeroError as exc:
            raise HarkError(f"cannot use GPIO{pin} for the button ({exc})",
                            "run on the handheld as a user in the gpio group, or pick another ptt_pin") from None
        self._button.when_pressed = lambda: on_press()
        self._button.when_released = lambda: on_release()

    def close(self) -> None:
        self._button.close()


class StatusLight:
    """An LED that shows the loop's state: off idle, on listening, fast blink thinking, slow blink speaking."""

    BLINK = {"thinking": 0.1, "acting": 0.1, "speaking": 0.5}

    def __init__(self, pin: int, pin_factory=None) -> None:
        gpiozero = _gpiozero()
        try:
            self._led = gpiozero.LED(pin, pin_factory=pin_factory)
        except gpiozero.GPIOZeroError as exc:
            raise HarkError(f"cannot use GPIO{pin} for the LED ({exc})", "pick another led_pin") from None

    def show(self, event: PipelineEvent) -> None:
        """An event listener: follows `state` events, ignores the rest."""
        if event.type != "state":
            return
        state = event.data["state"]
        if state == "listening":
            self._led.on()
        elif state in self.BLINK:
            self._led.blink(on_time=self.BLINK[state], off_time=self.BLINK[state])
        else:
            self._led.off()

    def close(self) -> None:
        self._led.close()
