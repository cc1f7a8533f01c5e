"""Arbitrary tools (OpenAI/BFCL JSON schemas): the public tool planner and BFCL scoring."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from device.evaluate_tools import ToolRow, correct, read_bfcl
from device.tool_checks import (
    copies_description,
    example_copies,
    network_places,
    unsaid_hosts,
    without_made_up_queries,
    without_parts,
)
from device.tools import RELEVANCE, Tool, ToolCall, ToolPlanner, _only_mended, _read, relevance

WEATHER = {"name": "get_current_weather", "description": "Get the current weather in a city.",
           "parameters": {"type": "dict", "required": ["city"], "properties": {
               "city": {"type": "string", "description": "The city, e.g. 'Paris'"},
               "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}}}}
BOOKING = {"type": "function", "function": {
    "name": "book_table", "description": "Book a table at a restaurant.",
    "parameters": {"type": "object", "required": ["restaurant", "people"], "properties": {
        "restaurant": {"type": "string"}, "people": {"type": "integer"}}}}}
THERMOSTAT = {"name": "set_thermostat", "description": "Set the thermostat's target temperature.",
              "parameters": {"type": "dict", "required": ["temperature"], "properties": {
                  "temperature": {"type": "integer", "description": "degrees"}}}}

TODO = {"name": "todo_list", "description": "Add or remove an item on the user's to-do list.",
        "parameters": {"type": "dict", "required": ["action", "item"], "properties": {
            "action": {"type": "string", "enum": ["add", "remove"]},
            "item": {"type": "string", "description": "The to-do item"}}}}
MOVIES = {"name": "get_movies", "description": "List the movies showing in a city.",
          "parameters": {"type": "dict", "required": ["city"], "properties": {"city": {"type": "string"}}}}
CLEANER = {"name": "find_cleaner", "description": "Find a house cleaner for a service in a city.",
           "parameters": {"type": "dict", "required": ["service_id", "city_id"], "properties": {
               "service_id": {"type": "integer", "description": "The service: 1 for cleaning, 2 for ironing."},
               "city_id": {"type": "integer", "description": "The city, e.g. 1 for Leeds, 2 for York."}}}}
SALES_TAX = {"name": "sales_tax", "description": "The sales tax on a purchase in a US state.",
             "parameters": {"type": "dict", "required": ["amount", "state"], "properties": {
                 "amount": {"type": "number", "description": "The purchase amount in dollars"},
                 "state": {"type": "string", "description": "The state's abbreviation, such as 'CA' for "
                                                            "California or 'NY' for New York."}}}}


@pytest.fixture(scope="module")
def planner(pipeline) -> ToolPlanner:
    return ToolPlanner.from_settings(pipeline.settings)


def test_bfcl_and_openai_forms_are_read_alike() -> None:
    weather, booking = Tool.read(WEATHER), Tool.read(BOOKING)
    assert weather.args_schema()["type"] == "object" and booking.name == "book_table"
    assert relevance("what's the weather like in Oslo", weather) > relevance("what's the weather like in Oslo", booking)


def test_a_tool_that_runs_commands_fits_a_request_that_says_what_to_run() -> None:
    """"use docker ps" says none of the words of "Executes a command on Windows"."""
    shell = Tool.read({"name": "cmd.execute", "description": "Executes a command on Windows.",
                       "parameters": {"type": "dict", "required": ["command"],
                                      "properties": {"command": {"type": "string"}}}})
    assert relevance("is docker running? use docker ps to find out", shell) >= RELEVANCE
    assert relevance("is docker running", shell) < RELEVANCE


def test_a_tool_is_known_by_its_parameters_descriptions_and_options_too() -> None:
    """"Order me pizza" says no word of "ChaFod: change the food", only of its parameter's options."""
    food = Tool.read({"name": "ChaFod", "description": "Changes the food based on the customer's request",
                      "parameters": {"type": "dict", "required": ["TheFod"], "properties": {"TheFod": {
                          "type": "string", "description": "The name of the food to be changed",
                          "enum": ["PIZZA", "BURGER", "SALAD"]}}}})
    assert relevance("Order me pizza", food) > 0 and relevance("Tell me a joke", food) == 0


def test_a_web_address_neither_the_request_nor_the_tool_gives_is_made_up() -> None:
    fetch = Tool.read({"name": "requests.get", "description": "Send a GET request to "
                       "https://date.nager.at/api/v3/PublicHolidays",
                       "parameters": {"type": "dict", "required": ["url"], "properties": {"url": {"type": "string"}}}})
    known = json.dumps([fetch.model_dump()]).lower()
    request = "Fetch the data at https://www.example.org/stats.json"
    assert unsaid_hosts({"url": "https://api.example.com/stocks"}, known, request) == ["api.example.com"]
    proxied = {"params": {"proxy": "http://proxy.example.com:8080"}}
    assert unsaid_hosts(proxied, known, request) == ["proxy.example.com"]
    for url in ("https://www.example.org/stats.json", "https://example.org/stats.json",
                "https://date.nager.at/api/v3/PublicHolidays/2024/US", "http://[::1"):
        assert unsaid_hosts({"url": url}, known, request) == [], url


def test_a_web_address_the_request_gives_has_no_query_it_never_said() -> None:
    request = "the versions from https://example.com/versions.json please"
    assert without_made_up_queries({"url": "https://example.com/versions.json?page=1&limit=2"}, request) == \
        {"url": "https://example.com/versions.json"}
    given = "get https://example.com/v.json?page=1"
    assert without_made_up_queries({"url": "https://example.com/v.json?page=1"}, given) == \
        {"url": "https://example.com/v.json?page=1"}  # said whole
    assert without_made_up_queries({"url": "https://h.org/nodes?fabric=east"}, "nodes of fabric east") == \
        {"url": "https://h.org/nodes?fabric=east"}  # not given: the tool's own address, filled in


def test_a_value_that_copies_its_fields_description_is_no_value() -> None:
    track = {"type": "string", "description": "The title of the song to be played, e.g. 'Yellow Submarine'."}
    assert copies_description("The song title to be played.", track)
    for value in ("Yellow Submarine", "song title", 3):
        assert not copies_description(value, track), value


def test_a_value_of_any_type_is_a_plain_value_not_an_object() -> None:
    """A small model fills an unconstrained value with the parameter's own schema."""
    tool = Tool.read({"name": "reverse", "parameters": {"type": "dict", "properties": {
        "value": {"type": "any", "description": "A string, boolean or number."}}}})
    kinds = [option["type"] for option in tool.args_schema()["properties"]["value"]["anyOf"]]
    assert kinds == ["string", "number", "boolean"]


def test_a_place_whose_form_has_a_region_is_written_with_one() -> None:
    """The model wrote "Los Angeles" for 'City, State', such as 'Los Angeles, CA'."""
    def place(description: str) -> dict:
        tool = Tool.read({"name": "rent", "parameters": {"type": "dict", "properties": {
            "city": {"type": "string", "description": description}}}})
        return tool.args_schema()["properties"]["city"]

    form = re.compile(place("in the format of 'City, State', such as 'Los Angeles, CA'")["pattern"])
    assert form.match("Los Angeles, CA") and form.match("Paris, Ile-de-France, FR")
    assert not form.match("Los Angeles") and not form.match('Los Angeles, CA"')
    assert "pattern" not in place("The city's name, such as 'Oslo'.")


def test_a_tool_that_declares_no_parameters_takes_none() -> None:
    for parameters in ({"type": "dict", "required": [], "properties": {}}, {}):
        schema = Tool.read({"name": "get_version", "parameters": parameters}).args_schema()
        assert (schema["type"], schema["properties"], schema["additionalProperties"]) == ("object", {}, False)


def test_the_fitting_tool_is_called_with_values_from_the_request(planner: ToolPlanner) -> None:
    calls = planner.plan("What's the weather like in Oslo right now?", [BOOKING, WEATHER])
    assert [c.name for c in calls] == ["get_current_weather"]
    assert calls[0].arguments["city"].lower().startswith("oslo")


def test_no_call_when_no_tool_fits(planner: ToolPlanner) -> None:
    assert planner.plan("Tell me a joke about penguins", [WEATHER]) == []
    assert planner.plan("", [WEATHER]) == []


def test_no_call_when_the_request_lacks_a_required_value(planner: ToolPlanner) -> None:
    """The tool fits, but the request never names a restaurant: a call would carry an invented one."""
    assert planner.plan("I'd like to book a table for two people tonight", [BOOKING]) == []
    calls = planner.plan("Book a table for 4 people at Chez Panisse", [BOOKING])
    assert [c.name for c in calls] == ["book_table"] and "panisse" in calls[0].arguments["restaurant"].lower()


def test_a_required_number_must_be_said(planner: ToolPlanner) -> None:
    # The model finds a call likely enough here and writes one (temperature 25): the rule stops it.
    assert planner.plan("change the thermostat temperature please", [THERMOSTAT]) == []
    assert planner.plan("Set the thermostat to 21 degrees.", [THERMOSTAT]) == [
        ToolCall(name="set_thermostat", arguments={"temperature": 21})]


def test_a_required_code_is_said_by_what_the_description_gives_it_for(planner: ToolPlanner) -> None:
    assert planner.plan("find a house cleaner for ironing in York", [CLEANER]) == [
        ToolCall(name="find_cleaner", arguments={"service_id": 2, "city_id": 2})]
    assert planner.plan("What's the sales tax on $1,250 in New York?", [SALES_TAX]) == [
        ToolCall(name="sales_tax", arguments={"amount": 1250, "state": "NY"})]
    assert planner.plan("find a house cleaner", [CLEANER]) == []  # no city said: the model's is made up


def test_a_fitting_tool_is_called_though_the_model_would_rather_not(planner: ToolPlanner) -> None:
    # Left to its greedy choice the 0.5B model answers [] to both: "no call" is only its likelier
    # answer, not likely enough.
    assert planner.plan("add todo with content water the plants", [TODO]) == [
        ToolCall(name="todo_list", arguments={"action": "add", "item": "water the plants"})]
    assert planner.plan("list movies in Leeds?", [MOVIES]) == [ToolCall(name="get_movies", arguments={"city": "Leeds"})]


def test_one_request_can_make_several_calls(planner: ToolPlanner) -> None:
    calls = planner.plan("What's the weather in Oslo and in Rome?", [WEATHER])
    assert [c.name for c in calls] == ["get_current_weather"] * 2
    assert [c.arguments["city"] for c in calls] == ["Oslo", "Rome"]


def test_a_time_of_day_is_the_one_the_request_says(planner: ToolPlanner) -> None:
    # The 0.5B model writes 17:00 for both; the date it copies right.
    reschedule = {"name": "reschedule_meeting", "description": "Move a meeting to a new date and time.",
                  "parameters": {"type": "dict", "required": ["meeting", "new_time"], "properties": {
                      "meeting": {"type": "string", "description": "The meeting's name"},
                      "new_time": {"type": "string", "description": "The new date and time, in ISO 8601 format, "
                                                                    "e.g. 2024-05-01T09:00:00"}}}}
    for request, when in [("move the budget review to February 6, 2025 at 8pm", "2025-02-06T20:00"),
                          ("move the budget review to the 4th of march 2025 at 7 in the evening", "2025-03-04T19:00")]:
        [call] = planner.plan(request, [reschedule])
        assert call.arguments["new_time"].startswith(when), call


def test_a_part_of_the_descriptions_example_is_not_copied(planner: ToolPlanner) -> None:
    """The 0.5B model writes "Chicago, TX" here: the example's state, not Chicago's."""
    forecast = {"name": "get_forecast", "description": "Tomorrow's weather forecast for a place.",
                "parameters": {"type": "dict", "required": ["place"], "properties": {"place": {
                    "type": "string", "description": "The place, in the format 'City, State', such as 'Austin, TX'."}}}}
    [call] = planner.plan("what will the weather be like in Chicago tomorrow?", [forecast])
    head, *rest = [part.strip() for part in call.arguments["place"].split(",")]
    assert head == "Chicago" and "TX" not in rest, call
    [call] = planner.plan("forecast for Austin", [forecast])
    assert call.arguments["place"] == "Austin, TX"  # the example's own city: its state is known
    schema = forecast["parameters"]
    assert example_copies({"place": "Boise, TX"}, schema, "weather in Boise") == {"TX"}
    assert example_copies({"place": "Waco, TX"}, schema, "weather in Waco, tx") == set()  # said
    assert without_parts({"place": "Boise, TX", "days": 2}, {"TX"}) == {"place": "Boise", "days": 2}


def test_a_place_is_no_network_address() -> None:
    weather = WEATHER["parameters"]
    assert network_places({"city": "10.10.0.0"}, weather) == ["10.10.0.0"]
    assert network_places({"city": "slack.com"}, weather) == ["slack.com"]
    assert network_places({"city": "domain example.com, USA"}, weather) == ["domain example.com, USA"]  # a region added
    assert network_places({"city": "St. Louis, MO"}, weather) == network_places({"city": "St.Louis"}, weather) == []
    server = {"properties": {"location": {"type": "string", "description": "The server's host name"}}}
    assert network_places({"location": "db.example.com"}, server) == []


def test_the_models_list_is_read_for_its_whole_calls_each_once() -> None:
    """A small model may write its call again until the token budget cuts it off."""
    call = '{"name": "describe_image", "arguments": {"url": "http://x/a.jpg"}}'
    assert _read(f'[{call}, {call}, {{"name": "describe_image", "argu') == [
        ToolCall(name="describe_image", arguments={"url": "http://x/a.jpg"})]
    assert _read(f'[{call} ,{call.replace("a.jpg", "b.jpg")}]')[1].arguments == {"url": "http://x/b.jpg"}
    assert _read("[]") == _read('[{"name": "describe_image", "arguments": {"url": "http:') == []


def test_a_call_written_again_may_change_only_its_made_up_values() -> None:
    """Kept from its made-up origin, the model moved the destination there instead."""
    first = [ToolCall(name="find_trains", arguments={"origin": "Boston", "destination": "Albany", "day": "friday"})]
    mended = [ToolCall(name="find_trains", arguments={"origin": "Troy", "destination": "Albany", "day": "friday"})]
    moved = [ToolCall(name="find_trains", arguments={"origin": "Albany", "destination": "friday"})]
    assert _only_mended(first, mended, ["Boston"])
    assert not _only_mended(first, moved, ["Boston"])
    assert not _only_mended(first, [ToolCall(name="find_buses", arguments=mended[0].arguments)], ["Boston"])


def test_bfcl_rules() -> None:
    row = ToolRow(id="x", request="", tools=[WEATHER],
                  answer=[{"get_current_weather": {"city": ["Paris, France", "Paris"], "unit": ["", "celsius"]}}])
    assert correct(row, [ToolCall(name="get_current_weather", arguments={"city": "paris"})])
    assert correct(row, [ToolCall(name="get_current_weather", arguments={"city": "Paris,France", "unit": "celsius"})])
    assert not correct(row, [ToolCall(name="get_current_weather", arguments={"city": "Rome"})])
    assert not correct(row, [ToolCall(name="get_current_weather", arguments={"city": "Paris", "extra": 1})])
    assert not correct(row, [])
    abstain = ToolRow(id="y", request="", tools=[WEATHER], answer=None)
    assert correct(abstain, []) and not correct(abstain, [ToolCall(name="get_current_weather", arguments={})])


def _bfcl_files(folder: Path) -> Path:
    rows = [{"id": "t_0", "question": [[{"role": "user", "content": "What is the weather in Lisbon?"}]],
             "function": [WEATHER]},
            {"id": "t_1", "question": [[{"role": "user", "content": "Book a table for 4 at Nopa"}]],
             "function": [BOOKING["function"]]}]
    answers = [{"id": "t_0", "ground_truth": [{"get_current_weather": {"city": ["Lisbon"], "unit": ["", "celsius"]}}]},
               {"id": "t_1", "ground_truth": [{"book_table": {"restaurant": ["Nopa"], "people": [4]}}]}]
    source = folder / "BFCL_v4_live_simple.json"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    source.with_name("BFCL_v4_live_simple.answer.json").write_text("".join(json.dumps(a) + "\n" for a in answers))
    return source


def test_eval_tools_command_scores_a_bfcl_file(tmp_path: Path, pipeline) -> None:
    source = _bfcl_files(tmp_path)
    assert [r.answer is not None for r in read_bfcl(source)] == [True, True]
    result = subprocess.run([sys.executable, "-m", "device.cli", "eval-tools", str(source), "--output",
                             str(tmp_path / "pred.jsonl"), "--json"], capture_output=True, text=True,
                            env={**os.environ, "HARK_DATA_DIR": str(tmp_path), "HARK_MODELS_DIR": str(pipeline.settings.models_dir)})
    assert result.returncode == 0, result.stderr
    score = json.loads(result.stdout)
    assert score["rows"] == 2 and score["correct"] >= 0.5  # the model may say "Lisboa"
    assert len((tmp_path / "pred.jsonl").read_text().splitlines()) == 2


def test_a_file_without_answers_is_one_line(tmp_path: Path) -> None:
    lone = tmp_path / "BFCL_v4_live_simple.json"
    lone.write_text("{}\n")
    result = subprocess.run([sys.executable, "-m", "device.cli", "eval-tools", str(lone), "--output",
                             str(tmp_path / "p.jsonl")], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "answer.json" in result.stderr
