"""Calls of any tools, given as JSON schemas (OpenAI or BFCL style): the planner for skills and
functions written by anyone, with no templates or training sentences.

    from device.tools import ToolPlanner
    planner = ToolPlanner.from_settings()
    planner.plan("what's the weather in Paris", [{"name": "get_weather", "description": "...",
                                                  "parameters": {"type": "object", ...}}])
    # -> [ToolCall(name="get_weather", arguments={"city": "Paris"})], or [] when no tool fits

Two stages, as for our own skills: a lexical relevance check between the request and each tool
(name, description, and its parameters' names, descriptions and options; a tool that runs
commands fits a request that says what to run) keeps the model from calling a tool that has
nothing to do with the request (a small model calls something whenever it may); then the model
writes the calls under a grammar built from the relevant tools' schemas, so every call names a
given tool and its arguments have the schema's types (and a place whose description's form is
'City, State' has a region). The model's own "[]" (no call) stands only
when it finds no call far likelier than a call: the 0.5B model answered "[]" to one in six BFCL
requests that a tool it was offered fits ("add todo with content go to sleep at 9 pm"). A
required name or word the request never said is written again with the model kept from starting
it the same way ("my Indigo flight": "Delta", the airline it knows best, then "Indigo"); a call
still holding a required value never said ("buy tickets" with no destination) is not made: the
model invented it; so is one holding a web address whose host neither the request nor the tools
give ("api.example.com"); device.tool_checks finds such made-up values. A call written twice, or
two that the rewriting of their values makes one, is made once; one the token budget cut off is
not made. A code is said when the request says what the parameter's description gives it for ("1
represents Bangkok"). A part of a description's example the request never said ("CA" of 'San
Francisco, CA' in "Boston, CA") is written again without it. Each value is then written as the
request says it (device.tool_values): what it never said dropped, its day and time of day, its
letters, its option of a list. A call giving a place as a network address ("10.10.0.0") is not
made; one of a tool that sorts texts into categories has them sorted by meaning
(device.tool_categories).
"""
from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from device.embedder import Embedder
from device.errors import HarkError
from device.llm import LanguageModel
from device.planner.grammar import schema_grammar
from device.planner.grounding import stems
from device.tool_categories import sorted_into_categories, sorts_into_categories
from device.tool_checks import (
    example_copies,
    network_places,
    unsaid_hosts,
    unsaid_values,
    without_made_up_queries,
    without_parts,
)
from device.tool_values import COMMAND_NAMES, written_as_said

MAX_TOOLS_OFFERED = 3
MAX_CALL_TOKENS = 200
# Share of the request's content words that must appear in a tool's own words for the tool to
# be offered to the model (a word matches on its first five letters: "booking" ~ "book"). Low:
# a request that fits no tool is mostly caught by its calls' required values, which it never said.
# It is what keeps live_irrelevance right: 478 of its 884 rows fall under it, and 27 of
# live_simple's 258. Counting the parameters' descriptions and options as the tool's words ("Order
# me pizza": 'PIZZA') admitted 9 more live_simple rows (7 then right) and 57 irrelevance rows
# (31 then called); with the web-address rule (unsaid_hosts) live_irrelevance went 87.9% -> 87.0%.
# Letting the model decide below it made 12-16 of 36 live_simple rows right but called a
# tool for 52-66 of 156 irrelevance rows tried; admitting as well a tool whose description's meaning
# vector (all-MiniLM) is near the request's (cosine >= 0.3) admitted 8 of the 36 and 26 irrelevance rows;
# counting a request's word as the tool's where its MiniLM vector is near one of the tool's words
# (cosine >= 0.6, a tenth of the request's words) admitted 17 of the 36 and 126 of 531 irrelevance rows.
# The model's own measure, how much likelier the request is with the tool described than with no
# tool (log odds >= 10), admitted 8 of the 36 and 5 of 147 irrelevance rows the gate stops (>= 5: 14, 15).
RELEVANCE = 0.1
# How much likelier (log odds) the model must find "no call" than a call for its "[]" to stand.
# Its greedy "[]" alone left 48.8% of BFCL live_simple right; on the dev sets, 3.0 gave
# live_simple 51.2% and live_irrelevance 91.1%, 3.5 gave 54.7% and 87.7%, always writing a call
# 55.0% and 84.6% (0.5B model, all rows of both; none of its greedy calls had odds above 3.5).
# Behind the relevance gate, 4.0 would make 4 of 123 sampled live_multiple rows right and call a tool
# for 5 of the first 66 live_irrelevance rows the gate lets through.
NO_CALL_LOG_ODDS = 3.5
_TYPES = {"dict": "object", "float": "number", "tuple": "array", "int": "integer", "bool": "boolean", "str": "string"}


class ToolCall(BaseModel):
    name: str
    arguments: dict[str, Any]


class Tool(BaseModel):
    name: str
    description: str = ""
    parameters: dict[str, Any] = {}

    @classmethod
    def read(cls, raw: dict[str, Any]) -> Tool:
        """A tool in OpenAI form ({"type": "function", "function": {...}}) or bare (BFCL)."""
        body = raw.get("function", raw) if raw.get("type") == "function" else raw
        try:
            return cls(name=body["name"], description=body.get("description", ""),
                       parameters=body.get("parameters") or {})
        except (KeyError, TypeError):
            raise HarkError(f"a tool without a name: {json.dumps(raw)[:80]}",
                            "give each tool as {name, description, parameters}") from None

    def words(self) -> set[str]:
        return stems(f"{self.name} {self.description} {' '.join(_property_words(self.parameters))}")

    def args_schema(self) -> dict[str, Any]:
        """A tool that declares no parameters takes none (the model filled "get_version" with its
        own schema); a nested object without properties stays open, as a dict of anything."""
        schema = _schema(self.parameters or {"type": "object", "properties": {}})
        return schema if schema.get("properties") else {**schema, "additionalProperties": False}


def _property_words(schema: dict[str, Any]) -> list[str]:
    """The parameters' names, descriptions and options, nested objects' too."""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return [word for name, sub in props.items() if isinstance(sub, dict)
            for word in (name, str(sub.get("description", "")), *map(str, sub.get("enum", [])), *_property_words(sub))]


# A place's form with its region ('City, State', 'City, Country'), and a text written in it: a
# name, a comma and more (no quote or backslash, which a JSON string would have to escape). The
# 0.5B model wrote "Los Angeles" for 'City, State', such as 'Los Angeles, CA': kept to the form, 3
# of 100 sampled BFCL live_multiple rows came right (4 with 'MM/DD/YYYY' days), no live_simple call
# changed, and of 103 live_irrelevance rows offered such a place none was newly called.
_PLACE_FORM = re.compile(r"'City, ", re.IGNORECASE)
_PLACE_WITH_REGION = r'^[^,"\\]+(, [^,"\\]+)+$'


# Other templates of a description kept as their value's pattern ("in the format 'YYYY-MM-DD'", "'track:SongName
# artist:ArtistName'") changed no BFCL live_simple day, and their labels made 1 query right and 3 wrong:
# the model gave an artist to songs asked for without one ("track:Baby Shark artist:Baby").
def _schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A tool's parameter schema in the JSON Schema the grammar builder reads: BFCL's type names
    mapped, a place's form with a region kept as a pattern, other descriptions and defaults dropped
    (they only make the grammar bigger)."""
    if schema.get("type") == "any":  # BFCL's "a string, boolean or number": not an object shaped like the schema
        return {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
    kind = _TYPES.get(schema.get("type", ""), schema.get("type"))
    out: dict[str, Any] = {"type": kind} if kind in ("object", "array", "string", "number", "integer", "boolean") else {}
    if "enum" in schema:
        out["enum"] = schema["enum"]
    elif kind == "string" and _PLACE_FORM.search(str(schema.get("description", ""))):
        out["pattern"] = _PLACE_WITH_REGION
    if kind == "object":
        props = schema.get("properties") or {}
        out["properties"] = {name: _schema(sub) for name, sub in props.items()}
        out["required"] = [r for r in schema.get("required", []) if r in props]
        out["additionalProperties"] = False if props else out.get("additionalProperties", True)
    if kind == "array" and isinstance(schema.get("items"), dict):
        out["items"] = _schema(schema["items"])
    return out


def relevance(request: str, tool: Tool) -> float:
    """The share of the request's content words that the tool's own words contain; the gate's
    least for a tool that runs commands where the request says what to run."""
    asked = stems(request)
    share = len(asked & tool.words()) / len(asked) if asked else 0.0
    return max(share, RELEVANCE) if _says_what_to_run(request, tool) else share


# The words that say what a tool that runs commands is to run.
_WHAT_TO_RUN = re.compile(r"\b(?:using|use|run|execute)\b", re.IGNORECASE)


def _says_what_to_run(request: str, tool: Tool) -> bool:
    """Whether the request says what a tool that runs commands is to run ("is docker running?
    use docker ps"): its words are the command's, which no tool's description holds. BFCL
    live_simple had 7 such requests below the gate; of live_irrelevance's 35 requests offering
    such a tool only one says "execute", and the tool's words already let it through ("is vs
    code running" alone calls none)."""
    required = set(tool.parameters.get("required") or [])
    return bool(COMMAND_NAMES & required) and bool(_WHAT_TO_RUN.search(request))


def _call_schema(tool: Tool) -> dict[str, Any]:
    return {"type": "object", "properties": {"name": {"const": tool.name}, "arguments": tool.args_schema()},
            "required": ["name", "arguments"], "additionalProperties": False}


# Optional arguments may be left out: with every one to be written (null where not said), none of
# the 55 live_simple rows the model got wrong came right (it wrote defaults and misread names).
# Asking the model for each one it left out, alone after the call's others (a string default such as
# 'dontcare' kept from it), made no live_simple row right and one wrong (a made-up query in a URL).
def _calls_grammar(tools: list[Tool], fewest: int) -> str:
    return schema_grammar({"type": "array", "items": {"anyOf": [_call_schema(t) for t in tools]},
                           "minItems": fewest, "maxItems": 4})


# Other wordings scored lower on BFCL live_simple (0.5B model): Qwen's own tool prompt (<tools> tags)
# 63 against 69 right of the first 111 rows; worked examples with other tools before them 86 against
# 94 of the first 156 (28 against 30 of 51 without their "[]" case): the model answered "[]" more.
def _system(tools: list[Tool]) -> str:
    listed = "\n".join(json.dumps({"name": t.name, "description": t.description, "parameters": t.parameters})
                       for t in tools)
    return ("You turn a user's request into function calls. Functions:\n" + listed +
            '\nReply with a JSON list of calls [{"name": ..., "arguments": {...}}], taking argument values from '
            "the request, or [] when no function fits the request.")


class ToolPlanner:
    """Plans calls of the given tools with the local language model."""

    def __init__(self, model: LanguageModel, embedder: Embedder) -> None:
        self._model = model
        self._embedder = embedder

    @classmethod
    def from_settings(cls, settings=None) -> ToolPlanner:
        from device.config import load_settings
        from device.modelstore import ModelStore

        settings = settings or load_settings()
        store = ModelStore(settings.model_root)
        model = store.path(settings.llm_model, "llm")
        return cls(LanguageModel(model, settings.threads, gpu_layers=settings.llm_gpu_layers),
                   Embedder(store.path(None, "embed"), settings.threads))

    def plan(self, request: str, tools: list[dict[str, Any]]) -> list[ToolCall]:
        """The calls the request asks for, in order; [] when none of the tools fits it."""
        known = [Tool.read(t) for t in tools]
        scored = sorted((-relevance(request, t), i) for i, t in enumerate(known))  # ties keep their order
        relevant = [known[i] for score, i in scored if -score >= RELEVANCE][:MAX_TOOLS_OFFERED]
        if not relevant or not request.strip():
            return []
        system = f"<|im_start|>system\n{_system(relevant)}<|im_end|>\n"
        self._model.warm(system)  # the tools' part is reused by the next request that offers the same tools
        prompt = f"{system}<|im_start|>user\n{request.strip()[:2000]}<|im_end|>\n<|im_start|>assistant\n"
        raw = self._model.complete(prompt, _calls_grammar(relevant, fewest=0), MAX_CALL_TOKENS)
        if raw.replace(" ", "") == "[]" and self._no_call_log_odds(prompt) <= NO_CALL_LOG_ODDS:
            raw = self._model.complete(prompt, _calls_grammar(relevant, fewest=1), MAX_CALL_TOKENS)
        parameters = {t.name: t.parameters for t in relevant}
        known_text = json.dumps([t.model_dump() for t in relevant]).lower()
        calls = self._said_again(self._unexampled(_read(raw), prompt, relevant, request), prompt, relevant, request)
        calls = [ToolCall(name=c.name, arguments=without_made_up_queries(c.arguments, request)) for c in calls]
        if any(unsaid_values(c.arguments, parameters[c.name], request) for c in calls):
            return []  # "I'd like to buy tickets" gives no destination: the model made one up
        if any(unsaid_hosts(c.arguments, known_text, request) for c in calls):
            return []  # "the top 10 stocks of the Toronto exchange": a URL of a service the model knows
        if any(network_places(c.arguments, parameters[c.name]) for c in calls):
            return []  # "a VirusTotal report for 10.10.0.0" is no weather in a place called 10.10.0.0
        written = [ToolCall(name=c.name, arguments=self._written(c.arguments, parameters[c.name], request))
                   for c in calls]
        return [c for i, c in enumerate(written) if c not in written[:i]]  # two calls made one by their rewriting

    def _written(self, arguments: dict[str, Any], parameters: dict[str, Any], request: str) -> dict[str, Any]:
        """A call's values as the request says them; a tool's that sorts texts into categories
        with each text in its nearest one."""
        arguments = written_as_said(arguments, parameters, request)
        if not sorts_into_categories(parameters):
            return arguments
        return sorted_into_categories(arguments, parameters, request, self._embedder)

    def _said_again(self, calls: list[ToolCall], prompt: str, tools: list[Tool], request: str) -> list[ToolCall]:
        """The calls, written again where a required name or word is one the request never said,
        the model kept from starting it the same way: "my Indigo flight" got airline "Delta"
        first, the name the model knows best, and "Indigo" when kept from it. A value still not
        said means the request never gave one ("book a flight" has no destination). Not a number,
        nor a text with digits (a URL, a place's coordinates): one of those counts as said by any
        of its numbers, and written again it took the request's own (BFCL live_irrelevance: 3 of
        576 requests that fit no tool called one, a URL made of the request's node number)."""
        parameters = {t.name: t.parameters for t in tools}
        unsaid = [value for c in calls for value in unsaid_values(c.arguments, parameters[c.name], request)]
        if not unsaid or not all(isinstance(v, str) and not re.search(r"\d", v) for v in unsaid):
            return calls
        avoid = frozenset(self._model.first_token(str(value)) for value in unsaid) - {None}
        again = _read(self._model.complete(prompt, _calls_grammar(tools, fewest=1), MAX_CALL_TOKENS, avoid=avoid))
        return again if _only_mended(calls, again, unsaid) else calls

    def _unexampled(self, calls: list[ToolCall], prompt: str, tools: list[Tool], request: str) -> list[ToolCall]:
        """The calls, written again where a value took a part of its description's example that
        the request never said ("Boston, CA" for "weather in Boston", the example 'San Francisco,
        CA'): the model, kept from writing that part, writes what it knows ("Boston, MA"); a part
        it copies even so is dropped."""
        parameters = {t.name: t.parameters for t in tools}
        copied = {part for c in calls for part in example_copies(c.arguments, parameters[c.name], request)}
        if not copied:
            return calls
        avoid = frozenset(t for part in copied for piece in (part, f" {part}") if (t := self._model.token_id(piece)) is not None)
        again = _read(self._model.complete(prompt, _calls_grammar(tools, fewest=1), MAX_CALL_TOKENS, avoid=avoid))
        return [ToolCall(name=c.name,
                         arguments=without_parts(c.arguments, example_copies(c.arguments, parameters[c.name], request)))
                for c in again or calls]

    def _no_call_log_odds(self, prompt: str) -> float:
        """log P(the answer is "[]") - log P(it starts a call), over the ways the JSON list may
        begin: "[]" or "[" "]" against "[{" or "[" "{" (with or without a space)."""
        model = self._model
        first, second = model.next_logprobs(prompt), model.next_logprobs(prompt, then="[")
        opened = _mass(first, model, ["["])
        no_call = np.logaddexp(_mass(first, model, ["[]"]), opened + _mass(second, model, ["]", " ]"]))
        call = np.logaddexp(_mass(first, model, ["[{"]), opened + _mass(second, model, ["{", " {"]))
        return float(no_call - call)


def _read(raw: str) -> list[ToolCall]:
    """The whole calls of the model's list, each once: a small model writes its call again and
    again ("analyze the image at URL" called the pipeline twice, then was cut off by the token
    budget); a call the budget cut off is no call rather than half of one."""
    decoder, calls, at = json.JSONDecoder(), [], raw.find("[") + 1
    while at and (start := _next_object(raw, at)) is not None:
        try:
            call, at = decoder.raw_decode(raw, start)
        except json.JSONDecodeError:
            break
        try:
            read = ToolCall(**call)
        except (TypeError, ValidationError):
            break
        if read not in calls:
            calls.append(read)
    return calls


def _only_mended(calls: list[ToolCall], again: list[ToolCall], unsaid: list[Any]) -> bool:
    """Whether the calls written again are the first ones with only their unsaid values changed:
    "a train for the 9th of March to San Diego" names no origin, and the model, kept from its
    made-up one, moved the destination there and the date into the destination."""
    return [c.name for c in calls] == [c.name for c in again] and all(
        first.arguments.get(key) == value for first, second in zip(calls, again)
        for key, value in second.arguments.items() if key in first.arguments and first.arguments[key] not in unsaid)


# The next object of a list: past a comma and spaces.
_NEXT_OBJECT = re.compile(r"\s*,?\s*(\{)")


def _next_object(raw: str, at: int) -> int | None:
    """Where the next object of the list starts, after `at`."""
    match = _NEXT_OBJECT.match(raw, at)
    return match.start(1) if match else None


def _mass(logprobs: np.ndarray, model: LanguageModel, pieces: list[str]) -> float:
    """The log-probability that the next token is one of these pieces (those the vocabulary has as one token)."""
    ids = [i for i in map(model.token_id, pieces) if i is not None]
    return float(np.logaddexp.reduce(logprobs[ids])) if ids else -np.inf
