"""Answers to the device's questions: yes or no, recognised on the fast path (hassil), or the
value a request left out ("What time should the alarm ring?" "seven thirty")."""
from __future__ import annotations

import re
from typing import Literal

from hassil import Intents, recognize
from text_to_num import alpha2digit

from device.planner.grounding import stems

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


# Words around a value said as an answer: "um, for seven thirty please", "it's milk."
_LEAD = re.compile(r"^(?:(?:um+|uh+|er+|well|oh|okay|ok|so|it's|it is|make it|for|at|to)\b[\s,]*)+", re.IGNORECASE)
_TAIL = re.compile(r"(?:[\s,]+(?:please|thanks|thank you))?[\s.!?,]*$", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def said_value(text: str, number: bool, frame: set[str] = frozenset()) -> str | float | None:
    """The value an answer says, without the words around it; for a number, the first number
    said ("twenty degrees" is 20.0). None when it says none. `frame` is the asking skill's own
    words (as stems): an answer that repeats the command around the value ("add milk", "milk to
    my shopping list") gives the value alone."""
    words = _unframed(_TAIL.sub("", _LEAD.sub("", text.strip())).strip(), frame)
    if not number:
        return words or None
    found = _NUMBER.search(alpha2digit(words, "en"))
    return float(found.group()) if found else None


def _unframed(value: str, frame: set[str]) -> str:
    """The words less a lead ("add", "please add") and a tail ("to my shopping list") made of the
    frame's words and common words, where they hold a frame word; the common words just before
    the value stay with it ("play the beatles" is "the beatles")."""
    words = value.split()
    said = [stems(w) for w in words]
    framed = [bool(s & frame) for s in said]
    framing = [f or not s for f, s in zip(framed, said)]
    start = 0
    while start < len(words) and framing[start]:
        start += 1
    lead = max((i + 1 for i in range(start) if framed[i]), default=0)
    end = len(words)
    while end > lead and framing[end - 1]:
        end -= 1
    tail = end if any(framed[end:]) else len(words)
    return " ".join(words[lead:tail]) or value
