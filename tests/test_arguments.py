"""What the model writes is put in the home's words, and optional values it invented are dropped
(device.planner.targets, device.planner.grounding)."""
from device.planner.grounding import grounded, said_part, unrepeated
from device.planner.targets import canonical_target, made_up_targets

TARGET = {"name", "area", "floor", "domain", "device_class"}


def test_a_misheard_floor_and_a_kind_in_the_name_become_floor_and_domain(home):
    # Whisper heard "upstairs lights" as "up stairs lights"; the model put it all in the name.
    args = {"name": "all up stairs lights", "floor": "all"}
    assert canonical_target(args, TARGET, home) == {"floor": "Upstairs", "domain": "light"}


def test_areas_and_floors_are_named_as_the_home_names_them(home):
    assert canonical_target({"area": "kitchen"}, TARGET, home) == {"area": "Kitchen"}
    assert canonical_target({"area": "upstairs"}, TARGET, home) == {"floor": "Upstairs"}
    assert canonical_target({"area": "lights"}, TARGET, home) == {"domain": "light"}
    assert canonical_target({"area": "Living Room", "name": "Living Room"}, TARGET, home) == {"area": "Living Room"}


def test_device_names_and_unknown_places_are_kept_as_said(home):
    assert canonical_target({"name": "Kitchen Light"}, TARGET, home) == {"name": "Kitchen Light"}
    assert canonical_target({"name": "jacuzzi"}, TARGET, home) == {"name": "jacuzzi"}
    assert canonical_target({"area": "attic"}, TARGET, home) == {"area": "attic"}


def test_an_unknown_target_the_request_does_not_say_is_made_up(home):
    optional = {"name", "area"}
    loudest = "please turn the volume to the loudest setting"
    assert made_up_targets({"name": "Volume Control", "volume_level": 100}, optional, home, loudest) == \
        {"volume_level": 100}
    assert made_up_targets({"area": "current song area"}, optional, home, "go back to the previous song") == {}
    said = {"name": "the garage heater", "area": "Kitchen"}  # unknown but said; known but not said
    assert made_up_targets(said, optional, home, "turn on the garage heater in here") == said
    assert made_up_targets({"name": "made up"}, set(), home, "turn it on") == {"name": "made up"}  # required
    assert made_up_targets({"name": "The Two Towers"}, optional, home, "resume the two towers") == \
        {"name": "The Two Towers"}


def test_a_device_class_that_restates_the_kind_is_the_kind(home):
    # "turn off the lights": the model wrote device_class "light", which no light has.
    assert canonical_target({"domain": "light", "device_class": "light"}, TARGET, home) == {"domain": "light"}
    assert canonical_target({"device_class": "lights"}, TARGET, home) == {"domain": "light"}
    for real in ({"domain": "cover", "device_class": "blind"}, {"domain": "binary_sensor", "device_class": "light"}):
        assert canonical_target(real, TARGET, home) == real


def test_only_the_skills_own_fields_are_written(home):
    # A thermostat skill takes name, area and floor, not a domain; a list skill's name is a list's.
    assert canonical_target({"name": "bathroom"}, {"name", "area", "floor"}, home) == {"area": "Bathroom"}
    assert canonical_target({"name": "bathroom fans"}, {"name", "area", "floor"}, home) == {"name": "bathroom fans"}
    assert canonical_target({"name": "kitchen", "item": "milk"}, {"name", "item"}, home) == \
        {"name": "kitchen", "item": "milk"}


def test_optional_words_the_request_never_said_are_dropped() -> None:
    args = {"search_query": "miles davis", "media_class": "video", "area": "Living Room", "volume": 30}
    kept = grounded(args, {"required": ["search_query"]}, "put on some miles davis in the living room")
    assert kept == {"search_query": "miles davis", "area": "Living Room"}
    assert grounded({"when": "monday at 10 am"}, {}, "remind me about the plumber on monday at ten")


def test_optional_values_the_request_never_said_are_dropped():
    invented = {"start_hours": 16, "start_minutes": 14, "area": "kitchen", "media_class": "video"}
    assert grounded(invented, {}, "continue the timer in the kitchen") == {"area": "kitchen"}
    assert grounded({"start_hours": 1, "start_minutes": 0}, {}, "how long is left on my one hour timer") == \
        {"start_hours": 1}
    assert grounded({"minutes": 30}, {}, "set a timer for half an hour") == {"minutes": 30}
    assert grounded({"brightness": 100}, {}, "set the lamp to max brightness") == {"brightness": 100}
    assert grounded({"brightness": 40, "name": "x"}, {"required": ["name"]}, "dim the lights") == {"name": "x"}


def test_a_yes_no_is_said_when_the_request_names_what_it_switches():
    weather = {"properties": {"location": {"type": "string"}, "include_wind": {"type": "boolean"},
                              "aligned": {"type": "boolean"},
                              "all": {"type": "boolean"}}}
    assert grounded({"location": "Paris", "include_wind": True}, weather, "weather in Paris") == {"location": "Paris"}
    assert grounded({"location": "Paris", "include_wind": False}, weather, "weather and wind in Paris") == \
        {"location": "Paris", "include_wind": False}
    assert grounded({"aligned": True}, weather, "star history with the timelines aligned") == {"aligned": True}
    assert grounded({"all": True}, weather, "cancel all my alarms") == {"all": True}
    assert grounded({"all": True}, weather, "delete every alarm") == {"all": True}
    assert grounded({"all": True}, weather, "delete my alarm") == {}


def test_lists_and_objects_keep_only_what_was_said():
    beer = {"properties": {"pairings": {"type": "array"}, "tags": {"type": "array"}}}
    assert grounded({"pairings": ["burger", "cheese"], "tags": ["pale", "ale"]}, beer, "a pale ale please") == \
        {"tags": ["pale", "ale"]}
    request = {"properties": {"url": {"type": "string"}, "params": {
        "type": "object", "properties": {"advisoryId": {"type": "string"}, "ip": {"type": "string"}}}},
        "required": ["url"]}
    args = {"url": "https://api.example.com/r", "params": {"advisoryId": "dac", "ip": "192.168.1.100"}}
    assert grounded(args, request, "details for advisory 'dac' from https://api.example.com/r") == \
        {"url": "https://api.example.com/r", "params": {"advisoryId": "dac"}}
    # an object with no properties of its own keeps its values only when all of them were said
    open_params = {"properties": {"url": {"type": "string"}, "params": {"type": "object"}}, "required": ["url"]}
    said = "get https://api.example.com/r with limit 20"
    assert grounded({"url": "https://api.example.com/r", "params": {"limit": 20}}, open_params, said) == \
        {"url": "https://api.example.com/r", "params": {"limit": 20}}
    assert grounded({"url": "https://api.example.com/r", "params": {"key": "value"}}, open_params, said) == \
        {"url": "https://api.example.com/r"}


def test_an_optional_value_that_copies_a_kept_one_says_nothing_of_its_own():
    sensor = {"properties": {"serial": {"type": "string"}, "networkIds": {"type": "array"}}, "required": ["serial"]}
    request = "alerts for the sensor with serial Q3CC-CRT3-SZ2G"
    assert grounded({"serial": "Q3CC-CRT3-SZ2G", "networkIds": ["Q3CC-CRT3-SZ2G"]}, sensor, request) == \
        {"serial": "Q3CC-CRT3-SZ2G"}
    unordered = {"properties": {"networkIds": {"type": "array"}, "serial": {"type": "string"}}}
    assert grounded({"networkIds": ["Q3CC-CRT3-SZ2G"], "serial": "Q3CC-CRT3-SZ2G"}, unordered, request) == \
        {"serial": "Q3CC-CRT3-SZ2G"}


def test_a_date_is_said_when_one_of_its_numbers_is():
    assert grounded({"date": "2023-04-05"}, {}, "the forecast for Paris on April 5th, 2023") == {"date": "2023-04-05"}
    assert grounded({"date": "2024-12-03 16:00"}, {}, "find a cleaner rated 4 stars or more") == {}


def test_an_optional_time_of_day_is_said_only_when_its_hour_is():
    request = "book a flight from Paris on the 12th of March 2023 at 3 in the afternoon"
    assert grounded({"return_time": "12/03/2023 14:00"}, {}, request) == {}
    assert grounded({"departure_time": "12/03/2023 15:00"}, {}, request) == {"departure_time": "12/03/2023 15:00"}
    assert grounded({"at": "2023-11-01T16:00:00"}, {}, "move it to November 1, 2023 at 4pm") == \
        {"at": "2023-11-01T16:00:00"}
    assert grounded({"at": "12:00"}, {}, "lunch with anna tomorrow at noon") == {"at": "12:00"}
    assert grounded({"at": "00:00"}, {}, "lock the door at midnight") == {"at": "00:00"}


def test_a_day_or_time_keeps_only_the_words_the_request_says():
    """The 0.5B model starts a reminder's `when` with the words said and goes on with its own; the
    whole value was dropped, and the reminder fell on the default day."""
    assert said_part("friday at 12:00 AM, FSU, USA", "remind me about my biology test at fsu on friday") == "friday"
    assert said_part("tomorrow at 10 am tonight", "remind me to take out the bins tonight") == "tonight"
    assert said_part("Thursday afternoon at 10 am, 12 pm", "a meeting with the cfo on thursday afternoon") == \
        "thursday afternoon"
    assert said_part("Wednesday at 4 pm", "schedule a haircut for next wednesday at 4pm") == "wednesday at 4 pm"
    assert said_part("at half past three", "call the vet at half past three") == "half past 3"
    assert said_part("this week", "how many meetings do i have this week") == "this week"
    assert said_part("wednesday at 6 am", "turn off the six am alarm for wednesday") == "wednesday 6 am"
    assert said_part("today's meeting at 5pm", "remove today's meeting at 5 pm") == "today's meeting at 5 pm"
    assert said_part("2026-12-05 09:00", "remind me to call mum") == ""
    assert said_part("in one hour", "remind me about the meeting in one hour") == "in 1 hour"


def test_a_value_in_number_words_is_said_as_the_request_says_it():
    assert grounded({"item": "three"}, {}, "remove item three") == {"item": "three"}
    assert grounded({"item": "item 3"}, {}, "remove item three") == {"item": "item 3"}
    assert grounded({"item": "four"}, {}, "remove item three") == {}


def test_a_number_with_thousands_separators_is_said():
    assert grounded({"amount": 1000000}, {}, "a loan of 1,000,000 pesos") == {"amount": 1000000}
    assert grounded({"amount": 1000}, {}, "a loan of 1,000,000 pesos") == {}


def test_a_code_is_said_when_the_request_says_what_its_description_gives_it_for():
    province = {"properties": {"province_id": {"description": "For example, 1 represents Bangkok, 2 for Chiang Mai."},
                               "service_id": {"description": "1 for cleaning service, 2 for big cleaning service"},
                               "state": {"description": "The state's abbreviation, such as 'CA' for California "
                                                        "or 'NY' for New York."}}}
    assert grounded({"province_id": 1}, province, "cleaners in Bangkok") == {"province_id": 1}
    assert grounded({"province_id": 1}, province, "cleaners in Chiang Mai") == {}
    assert grounded({"province_id": 2}, province, "cleaners in Chiang Rai") == {}  # every word it is given for
    assert grounded({"service_id": 1}, province, "a cleaning service in Bangkok") == {"service_id": 1}
    assert grounded({"service_id": 2}, province, "a cleaning service in Bangkok") == {}  # "big" unsaid
    assert grounded({"state": "NY"}, province, "the sales tax in New York") == {"state": "NY"}
    assert grounded({"state": "CA"}, province, "the sales tax in New York") == {}


def test_a_quoted_value_is_said():
    assert grounded({"track": "Bohemian Rhapsody"}, {}, "can you play 'Bohemian Rhapsody' in the kitchen") == \
        {"track": "Bohemian Rhapsody"}
    assert grounded({"track": "Yesterday"}, {}, "play 'Bohemian Rhapsody' in the kitchen") == {}


def test_a_text_sharing_only_little_words_with_the_request_was_not_said():
    request = "two tickets on the 9th of june in Leeds, and my seat by the aisle"
    assert grounded({"movie": "The Matrix", "user": "my_username", "seat": "aisle"}, {}, request) == {"seat": "aisle"}
    assert grounded({"mode": "POWER_ON"}, {}, "the air conditioner turned on with cool mode") == {"mode": "POWER_ON"}


def test_a_word_the_model_loops_on_is_said_once():
    # "set an appointment for allen on tomorrow": the 0.5B model wrote "tomorrow" four times.
    looped = {"title": "allen", "when": "tomorrow tomorrow tomorrow tomorrow", "count": 2}
    assert unrepeated(looped, "set an appointment for allen on tomorrow") == {**looped, "when": "tomorrow"}
    assert unrepeated({"when": "4 am today today today"}, "remind me at four am today") == {"when": "4 am today"}
    assert unrepeated({"query": "Rebel Rebel"}, "play rebel rebel by bowie") == {"query": "Rebel Rebel"}  # as said
    assert unrepeated({"phone": "555 555 5555"}, "call 555 555 5555") == {"phone": "555 555 5555"}


def test_an_optional_text_that_copies_another_argument_says_nothing():
    # The 0.5B model filled a CMS item's MetaTitle and UrlName with its Title, and a county with the state.
    schema = {"properties": {"Title": {}, "MetaTitle": {}, "UrlName": {}}, "required": ["Title"]}
    call = {"Title": "Julian is testing12", "MetaTitle": "Julian is testing12", "UrlName": "julian is testing12"}
    assert grounded(call, schema, "add an article titled 'Julian is testing12'") == {"Title": "Julian is testing12"}
    assert grounded({"state": "CA", "county": "CA"}, {}, "tax on $999 in CA") == {"state": "CA"}
    # ... and a district with what the province's code stands for
    places = {"properties": {"province_id": {"description": "For example, 1 for Bangkok, 2 for Chiang Mai."},
                             "district_name": {}}, "required": ["province_id"]}
    assert grounded({"province_id": 1, "district_name": "Bangkok"}, places, "cleaners in Bangkok") == {"province_id": 1}
    assert grounded({"province_id": 1, "district_name": "Bang Kapi"}, places, "cleaners in Bangkok, Bang Kapi") == \
        {"province_id": 1, "district_name": "Bang Kapi"}


def test_a_long_optional_text_is_said_only_when_most_of_its_words_are():
    request = "I need to add a news article titled 'Julian is testing'. Can you find a movie directed by James Gray?"
    made_up = {"Content": "This is a sample news article for testing purposes.", "cast": "James Gray, Donnie Wahlquist"}
    assert grounded(made_up, {}, request) == {}
    said = {"filter": "accountName:AcmeCorp AND applicationName:SalesApp", "when": "June 3rd every day of the month"}
    assert grounded(said, {}, "using the filter 'accountName:AcmeCorp AND applicationName:SalesApp' on june third") == said
