"""Yes or no, recognised on the fast path (hassil), for answering the device's questions."""
from __future__ import annotations

from typing import Literal

from hassil import Intents, recognize

_ANSWERS = Intents.from_dict({"language": "en", "intents": {
    "yes": {"data": [{"sentences": [
        "[(oh|well)] (yes|yeah|yep|yup|sure|ok|okay|correct|confirm[ed]|affirmative) [please|do it|go ahead|thanks]",
        "(go ahead|do it|please do|proceed|that's right|of course) [please]",
    ]}]},
    "no": {"data": [{"sentences": [
        "[(oh|well)] (no|nope|nah|negative) [thanks|thank you|don't|stop|cancel [it|that]]",
        "(cancel|stop|abort|don't|do not|never mind|nevermind|forget it) [it|that|please]",
    ]}]},
}})


def answer(text: str) -> Literal["yes", "no"] | None:
    """'yes' or 'no' when the whole utterance is an answer; None for anything else."""
    result = recognize(text, _ANSWERS)
    return result.intent.name if result else None
