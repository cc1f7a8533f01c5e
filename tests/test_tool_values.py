"""How a tool call's values are written: as the request says them (device.tool_values) and, for a
tool that sorts texts into categories, sorted by meaning (device.tool_categories)."""
from __future__ import annotations

from device.planner.grounding import code_said, flag_as_said
from device.tool_categories import listed_texts, sorted_into_categories, sorts_into_categories
from device.tool_values import as_written, filled_in, named_by_kind, option_said, written_as_said


def test_a_value_is_written_as_the_request_says_it() -> None:
    assert as_written("user_message", "Hey bunny, How are you doing?", "Hey bunny, How are you doing") == \
        "Hey bunny, How are you doing"
    assert as_written("user_message", "How are you?", "How are you? I'm fine.") == "How are you?"
    assert as_written("note", "All finished.", "is it done") == "All finished."  # the model's own words
    assert as_written("booking_code", " VX8812", "booking code VX8812") == "VX8812"
    assert as_written("longitude", 119.5383, "at 37.8651 N, 119.5383 W") == -119.5383
    assert as_written("lat", 33.9, "33.9 south, 18.4 east") == -33.9
    assert as_written("longitude", 18.4, "33.9 south, 18.4 east") == 18.4
    assert as_written("count", 119.5383, "119.5383 W") == 119.5383
    assert as_written("relative_delay", 5, "after 5 s") == 5
    assert as_written("sub_district_name", "Sai Kong Subdistrict", "in Sai Kong Subdistrict") == "Sai Kong"
    assert as_written("city", "Foster City", "in Foster City") == "Foster City"  # a city's name may hold City
    assert as_written("startLng", 2.5, "from 2.5 west") == -2.5
    # a sentence of the request copied whole is the instruction, its quoted part the value
    assert as_written("content", "Remove the 'dry cleaning' item from my list.",
                      "Hi, I'm Sam. Remove the 'dry cleaning' item from my list") == "dry cleaning"
    assert as_written("command", "echo 'hi'", "please run echo 'hi'") == "echo 'hi'"
    assert as_written("message", "I've said 'yes'", "I've said 'yes'. And 'no'.") == "yes"
    assert filled_in({"url": "https://h/v1/nodes?fabric={fabric}&pod={pod}", "fabric": "east-1", "pod": 3}) == \
        {"url": "https://h/v1/nodes?fabric=east-1&pod=3", "fabric": "east-1", "pod": 3}
    # a letter or two miscopied is the request's own stretch, whole words; a day rewritten stays
    assert as_written("loc", "221 Baker Street, Berkeley", "a ride from 221B Baker Street, Berkeley please") == \
        "221B Baker Street, Berkeley"
    assert as_written("day", "March 1, 2023", "on March 1st, 2023 please") == "March 1, 2023"
    assert as_written("city", "Lyon, France", "the weather in Lyons") == "Lyon, France"
    assert as_written("note", "An overview of AI technolgy", "a note: 'An overview of AI technology'?") == \
        "An overview of AI technology"  # not the quote around it
    # a place the model joined to another's region is the request's own "Place, Region"
    assert as_written("location", "Leeds, West Yorkshire", "I'm in Leeds. Weather in Bradford, West Yorkshire?") == \
        "Bradford, West Yorkshire"
    assert as_written("location", "Boston, MA", "the weather in Boston") == "Boston, MA"  # what the model knows
    # a city is written in its description's form: with its region only where that shows one
    plain = {"required": ["city"], "properties": {"city": {"type": "string", "description": "The city's name."}}}
    regional = {"required": ["city"], "properties": {"city": {"type": "string", "description": "as 'City, State'"}}}
    assert written_as_said({"city": "Austin, TX"}, plain, "weather in Austin, TX") == {"city": "Austin"}
    assert written_as_said({"city": "Austin, TX"}, regional, "weather in Austin, TX") == {"city": "Austin, TX"}
    assert written_as_said({"city": "Vancouver"}, regional, "weather for Vancouver, BC today") == {"city": "Vancouver, BC"}
    assert written_as_said({"city": "Paris"}, regional, "in Paris, and then Rome") == {"city": "Paris"}
    assert written_as_said({"city": "Vancouver"}, plain, "weather for Vancouver, BC today") == {"city": "Vancouver"}
    # the parameter's name after a text is the request's word for it, not part of it
    assert as_written("command", "start calc command", "open it using the start calc command") == "start calc"
    assert as_written("command", "ping command", "what does a ping command do") == "ping command"
    # a day and a country code in their description's form
    dated = {"required": ["day"], "properties": {"day": {"type": "string", "description": "as 'YYYY-MM-DD'"},
                                                 "country": {"type": "string", "description": "ISO 3166-1 alpha-2"}}}
    assert written_as_said({"day": "20230929", "country": "UK"}, dated, "on 20230929 in the UK") == \
        {"day": "2023-09-29", "country": "GB"}
    us_day = {"required": ["day"], "properties": {"day": {"type": "string", "description": "in 'MM/DD/YYYY' format"}}}
    assert written_as_said({"day": "2023-04-25"}, us_day, "a bus on 2023-04-25") == {"day": "04/25/2023"}
    assert written_as_said({"day": "2024-03-01"}, us_day, "a bus on 2024-02-29") == {"day": "02/29/2024"}  # the day said
    # a time with its seconds where its description's form has them
    timed = {"required": ["start"], "properties": {"start": {"type": "string", "description": "as 'YYYY-MM-DD HH:mm:ss'"}}}
    assert written_as_said({"start": "2024-03-12 16:00"}, timed, "on 2024-03-12 at 16:00") == \
        {"start": "2024-03-12 16:00:00"}
    assert written_as_said({"start": "2024-03-12 9:30"}, timed, "on 2024-03-12 at 9:30") == \
        {"start": "2024-03-12 09:30:00"}
    assert written_as_said({"start": "2024-03-12 15:00"}, timed, "on 2024-03-12 at 4 pm") == \
        {"start": "2024-03-12 16:00:00"}  # the time said, in the form
    minutes = {"required": ["start"], "properties": {"start": {"type": "string", "description": "'YYYY-MM-DD HH:MM'"}}}
    assert written_as_said({"start": "2024-03-12 16:00"}, minutes, "on 2024-03-12 at 16:00") == \
        {"start": "2024-03-12 16:00"}
    # a time is written without an offset where the call names its zone apart (not where that is UTC)
    event = {"required": ["at"], "properties": {"at": {"type": "string"}, "timezone": {"type": "string"}}}
    assert written_as_said({"at": "2023-11-01T16:00:00Z", "timezone": "Europe/London"}, event,
                           "move it to 2023-11-01 at 4pm London time") == {"at": "2023-11-01T16:00:00",
                                                                          "timezone": "Europe/London"}
    assert written_as_said({"at": "2023-11-01T16:00:00Z", "timezone": "UTC"}, event,
                           "move it to 2023-11-01 at 4pm UTC") == {"at": "2023-11-01T16:00:00Z", "timezone": "UTC"}
    assert written_as_said({"at": "2023-11-01T16:00:00Z"}, event, "move it to 2023-11-01 at 4pm")["at"] == \
        "2023-11-01T16:00:00Z"
    # a command the request gives is run as given: not added to, nor with its backslashes as escapes
    assert as_written("command", "docker ps -a | grep x", "is docker running? use docker ps") == "docker ps"
    assert as_written("command", "del 'C:\\Temp\runotes.txt'", 'delete it using del "C:\\Temp\\notes.txt"') == \
        'del "C:\\Temp\\notes.txt"'
    assert as_written("command", "echo hi", "say hi using the echo command") == "echo hi"  # named, not given
    assert as_written("command", "taskkill /IM code.exe", "kill it using taskkill for code.exe") == \
        "taskkill /IM code.exe"


def test_the_option_the_request_says_is_the_one_chosen() -> None:
    todo = {"enum": ["add", "delete", "complete"]}
    assert option_said("add", todo, "I've finished 'taxes': mark it as completed") == "complete"
    assert option_said("add", todo, "add 'taxes' and mark 'rent' completed") == "add"  # said itself
    assert option_said("add", todo, "put taxes on my list") == "add"  # no option said
    power = {"enum": ["POWER_ON", "POWER_OFF"]}
    assert option_said("POWER_OFF", power, "turn the power on") == "POWER_ON"
    assert option_said("POWER_OFF", power, "power it off") == "POWER_OFF"


def test_a_language_is_said_by_its_name_and_a_code_by_its_meaning() -> None:
    speech = {"type": "dict", "required": ["text"], "properties": {
        "text": {"type": "string"}, "language": {"type": "string", "enum": ["en-US", "es-ES", "zh-CN"]}}}
    spanish = written_as_said({"text": "hola", "language": "es-ES"}, speech, "say 'hola' in Spanish")
    chinese = written_as_said({"text": "ni hao", "language": "en-US"}, speech, "say 'ni hao' in Chinese")
    assert spanish["language"] == "es-ES" and chinese["language"] == "zh-CN"
    assert "language" not in written_as_said({"text": "hi", "language": "en-US"}, speech, "say 'hi'")
    province = {"type": "integer", "description": "The province: 1 corresponds to Bangkok, 2 to Chiang Mai."}
    assert code_said(1, province, "a cleaner in Chiang Mai") == 2
    assert code_said(1, province, "a cleaner in Bangkok") == 1
    assert code_said(1, province, "a cleaner near me") == 1  # none said: the model's stays
    listed = {**province, "enum": [1, 2]}  # a list of codes: the said one, if it is listed
    assert code_said(1, listed, "a cleaner in Chiang Mai") == 2
    assert code_said(1, {**province, "enum": [1]}, "a cleaner in Chiang Mai") == 1
    # the one option the request says of a parameter left out; the one option a description lists in a longer text
    food = {"required": ["food", "meal"], "properties": {
        "food": {"type": "string"}, "unit": {"type": "string", "enum": ["grams", "ounces"]},
        "meal": {"type": "string", "description": "Options include 'lunch', 'dinner' or 'snack'."}}}
    assert written_as_said({"food": "tea", "meal": "morning snack"}, food, "16 ounces of tea for my morning snack") == \
        {"unit": "ounces", "food": "tea", "meal": "snack"}
    assert "unit" not in written_as_said({"food": "tea", "meal": "lunch"}, food, "tea for lunch")
    query = {"required": ["params"], "properties": {"params": {"type": "dict", "properties": {
        "node": {"type": "integer"}, "kind": {"type": "string", "enum": ["fastethernet", "ethernet"]}}}}}
    assert written_as_said({"params": {"node": 12}}, query, "Ethernet statistics of node 12") == \
        {"params": {"node": 12, "kind": "ethernet"}}
    # one moment said is one argument's: an optional one holding it too is the model's copy
    flight = {"required": ["depart"], "properties": {"depart": {"type": "string"}, "back": {"type": "string"}}}
    assert written_as_said({"depart": "20/06/2022 15:00", "back": "20/06/2022 17:00"}, flight,
                           "a flight on the 20th of June 2022 at 5 in the afternoon") == {"depart": "20/06/2022 17:00"}
    assert written_as_said({"depart": "20/06/2022 17:00", "back": "25/06/2022 17:00"}, flight,
                           "leave the 20th of June 2022 at 5 pm, back the 25th of June 2022") == \
        {"depart": "20/06/2022 17:00", "back": "25/06/2022 17:00"}  # two days said: two moments
    # a name the request marks with the kind of place a parameter names is that parameter's
    places = {"district_name": {"type": "string"}, "sub_district_name": {"type": "string"}, "city": {"type": "string"}}
    assert named_by_kind(places, "in Chiang Mai, Sankampang District, Ton Pao Subdistrict") == \
        {"district_name": "Sankampang", "sub_district_name": "Ton Pao"}
    assert named_by_kind(places, "find the best district for me") == {}  # no name marked


def test_a_yes_or_no_is_the_one_the_words_before_its_subject_say() -> None:
    request = "set the fan to medium with quality monitoring, and disable the power-saving mode"
    assert flag_as_said("powerSaveEnabled", True, request) is False
    assert flag_as_said("monitoringEnabled", False, request) is True
    assert flag_as_said("shuffle", False, "play it on shuffle") is True
    assert flag_as_said("include_wind", True, "the weather in Oslo") is True  # not said of: the model's


RECORD = {"type": "dict", "properties": {
    "get_balance": {"type": "array", "items": {"type": "string"}, "description": "Queries asking for a balance."},
    "atm_finder": {"type": "array", "items": {"type": "string"}, "description": "Queries asking where an ATM is."}}}


def test_the_texts_a_request_lists_are_its_bullets_quotes_or_lines() -> None:
    weather = {"type": "dict", "properties": {"city": {"type": "string"}, "days": {"type": "array", "items": {
        "type": "string"}}}}  # one list of texts: no categories
    assert sorts_into_categories(RECORD) and not sorts_into_categories(weather)
    assert listed_texts("Sort these:\n- 'What is my balance?'\n- 'I'm near an ATM?'") == \
        ["What is my balance?", "I'm near an ATM?"]
    assert listed_texts('classify ["where is an ATM", "my balance"]') == ["where is an ATM", "my balance"]
    assert listed_texts("classify these\\nwhere is an ATM\\nhello") == ["where is an ATM", "hello"]


def test_each_listed_text_goes_to_the_category_nearest_in_meaning(pipeline) -> None:
    request = "classify:\n- 'Find me a cash machine nearby'\n- 'How much money is in my checking account?'"
    model_sorted = {"get_balance": ["Find me a cash machine nearby", "How much money is in my checking account?"]}
    sorted_texts = sorted_into_categories(model_sorted, RECORD, request, pipeline.embedder)
    assert sorted_texts == {"get_balance": ["How much money is in my checking account?"],
                            "atm_finder": ["Find me a cash machine nearby"]}
