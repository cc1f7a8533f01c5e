"""Values of a tool call that the model made up rather than read from the request, found without
the model: a required value the request never says, a web address's host that neither the
request nor the tools give, a place given as a network address, a text that only copies its
parameter's description, a part of a description's example the request never said, a query the
model added to a web address the request gives. device.tools makes no call holding one, or
writes it again without it.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from device.planner.grounding import said_for, stems
from device.planner.moments import texts_in


def unsaid_values(arguments: dict[str, Any], schema: dict[str, Any], request: str) -> list[str | int | float]:
    """The required texts and numbers of a call, nested objects' too, that the request doesn't
    say, nor a code its description gives for what it says (a value from an enum may be the
    model's reading of the request, "greens" as SALAD; "compute the headway of this image" gave
    boxes at made-up positions). `schema` is the tool's own, descriptions kept."""
    unsaid = []
    for name in schema.get("required", []):
        field, value = (schema.get("properties") or {}).get(name) or {}, arguments.get(name)
        if isinstance(value, dict) and field.get("properties"):
            unsaid += unsaid_values(value, field, request)
        elif "enum" not in field and isinstance(value, (str, int, float)) and not isinstance(value, bool) \
                and (not said_for(value, field, request) or copies_description(value, field)):
            unsaid.append(value)
    return unsaid


# A web address in a text, and where it points.
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"]+", re.IGNORECASE)


def unsaid_hosts(arguments: dict[str, Any], known_text: str, request: str) -> list[str]:
    """The hosts of the web addresses in a call that neither the request nor the tools' schemas
    give: BFCL live_irrelevance had 18 requests for data the offered "requests.get" can't know
    where to fetch answered with a made-up service ("api.date.nager.at", "api.example.com");
    none of live_simple's right calls has one."""
    hosts = [_host(m.group(0)) for text in texts_in(arguments) for m in _URL.finditer(text)]
    return [h for h in hosts if h.removeprefix("www.") not in request.lower() and h not in known_text]


# What names a place, in a parameter's name or description (not where it also names a network's
# places: "the server's host name or IP address"); a network address or domain, which names none.
_PLACE_WORDS = stems("location city place town country region destination origin area")
_NETWORK_WORDS = stems("address host hostname server domain website web url uri link endpoint network")
_NETWORK_ADDRESS = re.compile(r"\b(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:[a-z]{2,3}|info))\b")


def network_places(arguments: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The places of a call that name an IP address or a domain ("example.com", "domain
    example.com, USA"): BFCL live_irrelevance asked for VirusTotal's reports on them, and the
    weather tool offered got them as its location (with a region where its form has one)."""
    properties = schema.get("properties") or {}
    return [value for name, value in arguments.items()
            if isinstance(value, str) and _NETWORK_ADDRESS.search(value.partition(",")[0])
            and (words := stems(f"{name} {(properties.get(name) or {}).get('description', '')}")) & _PLACE_WORDS
            and not words & _NETWORK_WORDS]


def without_made_up_queries(value: Any, request: str) -> Any:
    """The value with each web address the request gives written without the query the model
    added to it: "information from https://example.com/versions.json" got the url
    "https://example.com/versions.json?params=param1=value1"."""
    if isinstance(value, dict):
        return {key: without_made_up_queries(item, request) for key, item in value.items()}
    if not isinstance(value, str) or not _URL.fullmatch(value) or "?" not in value:
        return value
    given = value.partition("?")[0]
    return given if given.lower() in request.lower() and value.lower() not in request.lower() else value


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # not a well-formed address ("http://[::1"): it points nowhere to make up
        return ""


def copies_description(value: Any, field: dict[str, Any]) -> bool:
    """Whether a text only says its field's description, not a value: "I would like to listen to a
    song" gave track "The song title to be played." of "The title of the song to be played." (a
    description's quoted example is a value: 'San Francisco, CA')."""
    description = field.get("description")
    words = stems(value) if isinstance(value, str) else set()
    return isinstance(description, str) and len(words) >= 3 and words <= stems(_EXAMPLE.sub("", description))


# A description's quoted example ('San Francisco, CA', "City, State").
_EXAMPLE = re.compile(r"'([^'\n]+)'|\"([^\"\n]+)\"")


def example_copies(arguments: dict[str, Any], schema: dict[str, Any], request: str) -> set[str]:
    """The parts after a comma in the call's texts that the model took from the field's quoted
    example, not the request: "CA" of "Boston, CA" where the example is 'San Francisco, CA' (not
    of "San Francisco, CA" itself, where it is what the model knows)."""
    copies = set()
    for name, value in arguments.items():
        field = (schema.get("properties") or {}).get(name) or {}
        if isinstance(value, dict):
            copies |= example_copies(value, field, request)
        elif isinstance(value, str) and "," in value and isinstance(field.get("description"), str):
            head, *parts = [p.strip() for p in value.split(",")]
            for match in _EXAMPLE.finditer(field["description"]):
                example_head, *example_parts = [p.strip() for p in (match.group(1) or match.group(2)).split(",")]
                copies |= {p for p in parts if p in example_parts and head.lower() != example_head.lower()
                           and not re.search(rf"\b{re.escape(p)}\b", request, re.IGNORECASE)}
    return copies


def without_parts(value: Any, parts: set[str]) -> Any:
    """The value with these parts after a comma left out of each of its texts."""
    if isinstance(value, dict):
        return {key: without_parts(item, parts) for key, item in value.items()}
    if isinstance(value, str) and parts:
        head, *rest = value.split(",")
        return ",".join([head, *(p for p in rest if p.strip() not in parts)])
    return value
