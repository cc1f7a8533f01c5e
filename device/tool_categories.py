"""Tools that sort texts into categories: each parameter a category, a list of the texts that
belong to it ("record": acc_routing_start, atm_finder_start, ... each a list of queries). The
small model writes such a call's shape well and its sorting badly: it put "What is my balance?"
under acc_routing_start and the next query under atm_finder_start, one a category in turn. So
the texts the request lists are sorted again, each into the category whose name and description
are nearest to it in meaning (device.embedder): of BFCL live_simple's 8 such requests, the
model sorted none right, the meaning vectors 4 (of the 4 others, 3 have answers no call can
match: an empty list of allowed values, texts in another order than the request's).
"""
from __future__ import annotations

import re
from typing import Any

from device.embedder import Embedder

# A listed text: a bullet's line, a quoted text (a JSON list's items too).
_LISTED = re.compile(r"""(?m)^[ \t]*[-*•][ \t]*(.+?)[ \t]*$|(?<!\w)'([^'\n]{2,}?)'(?!\w)|"([^"\n]{2,}?)\"""")
_QUOTES = "'\"‘’“” "


def sorts_into_categories(parameters: dict[str, Any]) -> bool:
    """Whether every parameter (two or more) is a list of texts."""
    properties = parameters.get("properties") or {}
    return len(properties) >= 2 and all(
        isinstance(field, dict) and field.get("type") == "array"
        and isinstance(items := field.get("items"), dict) and items.get("type") in ("string", "str")
        for field in properties.values())


def listed_texts(request: str) -> list[str]:
    """The texts a request lists, in its order, each once: its bullets or quoted texts, else its
    lines after the first ("classify these sentences\\nlink my account\\nhello")."""
    text = request.replace("\\n", "\n")
    found = [next(group for group in match.groups() if group is not None) for match in _LISTED.finditer(text)]
    if not found:
        found = text.split("\n")[1:]
    return list(dict.fromkeys(cleaned for item in found if (cleaned := item.strip(_QUOTES))))


def sorted_into_categories(arguments: dict[str, Any], parameters: dict[str, Any], request: str,
                           embedder: Embedder) -> dict[str, Any]:
    """Each text the request lists (else each the model gave) in the category nearest to it in
    meaning; every category given, empty where no text is nearest to it."""
    categories = list(parameters["properties"])
    texts = listed_texts(request) or list(dict.fromkeys(
        text for value in arguments.values() if isinstance(value, list) for text in value if isinstance(text, str)))
    sorted_texts: dict[str, list[str]] = {name: [] for name in categories}
    if texts:
        meanings = embedder.embed([_category_text(name, parameters["properties"][name]) for name in categories])
        for text, nearness in zip(texts, embedder.embed(texts) @ meanings.T):
            sorted_texts[categories[int(nearness.argmax())]].append(text)
    return sorted_texts


def _category_text(name: str, field: dict[str, Any]) -> str:
    return f"{name.replace('_', ' ')}: {field.get('description', '')}"
