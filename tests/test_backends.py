"""Home backends against real servers on loopback: Debian's mosquitto broker, and an HTTP server
that answers Home Assistant's REST API the way HA does (the routes, auth and shapes we use)."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from device.config import HomeAssistantSettings, MqttSettings, Settings
from device.pipeline import Pipeline
from skills.backends import service_calls
from tests.conftest import MODELS

TOKEN = "test-long-lived-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(tmp_path: Path):
    """Debian's mosquitto on a free loopback port, for this test only."""
    assert shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists(), "install mosquitto (bootstrap.sh test does)"
    port = _free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    server = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(5)


def _subscriber(port: int, received: list) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    subscribed = threading.Event()
    client.on_message = lambda c, u, message: received.append((message.topic, json.loads(message.payload)))
    client.on_subscribe = lambda *a: subscribed.set()
    client.connect("127.0.0.1", port)
    client.subscribe("hark/#", qos=1)
    client.loop_start()
    assert subscribed.wait(5)
    return client


def _pipeline(tmp_path: Path, **settings) -> Pipeline:
    return Pipeline(Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config", models_dir=MODELS, **settings))


def test_mqtt_commands_reach_the_broker(tmp_path: Path, broker: int) -> None:
    received: list = []
    subscriber = _subscriber(broker, received)
    device = _pipeline(tmp_path, home_backend="mqtt", mqtt=MqttSettings(host="127.0.0.1", port=broker))
    turn = device.say("turn on the kitchen light")
    assert turn.actions[0].status == "done"
    device.say("set the bedroom lamp to 40 percent")
    for _ in range(50):
        if len(received) >= 2:
            break
        time.sleep(0.05)
    subscriber.loop_stop()
    assert received == [("hark/light.kitchen/set", {"state": "on"}),
                        ("hark/light.bedroom_lamp/set", {"state": "on", "brightness": 40})]


def test_an_unreachable_broker_is_a_spoken_reply_and_changes_nothing(tmp_path: Path) -> None:
    device = _pipeline(tmp_path, home_backend="mqtt", mqtt=MqttSettings(host="127.0.0.1", port=_free_port()))
    turn = device.say("turn on the kitchen light")
    assert turn.actions[0].status == "failed"
    assert turn.reply.startswith("I can't reach the MQTT broker at 127.0.0.1")
    kitchen = next(e for e in device.home.entities if e.id == "light.kitchen")
    assert kitchen.state == "off"


class FakeHomeAssistant(BaseHTTPRequestHandler):
    """Home Assistant's REST routes that Hark uses, with HA's auth and response shapes."""

    states = [
        {"entity_id": "light.kitchen_ceiling", "state": "off", "attributes": {"friendly_name": "Kitchen Ceiling"}},
        {"entity_id": "cover.garage_door", "state": "closed",
         "attributes": {"friendly_name": "Garage Door", "device_class": "garage"}},
        {"entity_id": "switch.kettle", "state": "off", "attributes": {"friendly_name": "Kettle"}},
        {"entity_id": "light.hall", "state": "on", "attributes": {"friendly_name": "Hall Light", "brightness": 204}},
    ]
    areas = {"light.kitchen_ceiling": "Kitchen", "switch.kettle": "Kitchen", "cover.garage_door": None, "light.hall": None}
    calls: list = []

    def log_message(self, *args) -> None:
        pass

    def _reply(self, code: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._reply(401, {"message": "Invalid authentication"})
            return False
        return True

    def do_GET(self) -> None:
        if self._authorized() and self.path == "/api/states":
            self._reply(200, self.states)

    def do_POST(self) -> None:
        if not self._authorized():
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/api/template":
            assert "area_name" in body["template"]
            self._reply(200, [[e, a] for e, a in self.areas.items()])
        elif self.path.startswith("/api/services/"):
            self.calls.append((self.path.removeprefix("/api/services/"), body))
            self._reply(200, [])
        else:
            self._reply(404, {"message": "Not found"})


@pytest.fixture
def home_assistant():
    FakeHomeAssistant.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHomeAssistant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_home_assistant_entities_areas_and_service_calls(tmp_path: Path, home_assistant: str) -> None:
    device = _pipeline(tmp_path, home_backend="homeassistant",
                       homeassistant=HomeAssistantSettings(url=home_assistant, token=TOKEN))
    assert {e.name: e.area for e in device.home.entities} == {
        "Kitchen Ceiling": "kitchen", "Garage Door": None, "Kettle": "kitchen", "Hall Light": None}
    assert device.say("turn on the kettle").actions[0].status == "done"
    assert device.say("set the kitchen ceiling to 30 percent").actions[0].status == "done"
    assert device.say("dim the hall light").reply == "Dimmed Hall Light to 55%."  # HA's 204 of 255 is 80%
    assert FakeHomeAssistant.calls == [
        ("homeassistant/turn_on", {"entity_id": "switch.kettle"}),
        ("light/turn_on", {"entity_id": "light.kitchen_ceiling", "brightness_pct": 30}),
        ("light/turn_on", {"entity_id": "light.hall", "brightness_pct": 55}),
    ]


def test_home_assistant_refusing_the_token_is_a_spoken_reply(tmp_path: Path, home_assistant: str) -> None:
    device = _pipeline(tmp_path, home_backend="homeassistant",
                       homeassistant=HomeAssistantSettings(url=home_assistant, token=TOKEN))
    device.home  # loads with the right token
    device.home._backend._token = "revoked"
    turn = device.say("turn on the kettle")
    assert turn.actions[0].status == "failed" and "refused my access token" in turn.reply


def test_unreachable_home_assistant_at_start_is_spoken_for_home_commands(tmp_path: Path, caplog) -> None:
    device = _pipeline(tmp_path, home_backend="homeassistant",
                       homeassistant=HomeAssistantSettings(url=f"http://127.0.0.1:{_free_port()}", token=TOKEN))
    turn = device.say("turn on the kettle")
    assert turn.actions[0].status == "failed" and turn.reply == "I can't reach Home Assistant right now."
    assert "Home Assistant at http://127.0.0.1" in caplog.text
    assert device.say("what time is it").actions[0].status == "done"


@pytest.mark.parametrize(("entity", "before", "after", "expected"), [
    ("cover.garage_door", {"state": "closed"}, {"state": "open", "position": 50},
     [("cover", "set_cover_position", {"position": 50})]),
    ("lock.front_door", {"state": "locked"}, {"state": "unlocked"}, [("lock", "unlock", {})]),
    ("media_player.kitchen", {"state": "playing", "volume_level": 30}, {"state": "playing", "volume_level": 45},
     [("media_player", "volume_set", {"volume_level": 0.45})]),
    ("climate.hall", {"state": "heat", "temperature": 19}, {"state": "heat", "temperature": 21},
     [("climate", "set_temperature", {"temperature": 21})]),
    ("vacuum.robot", {"state": "docked"}, {"state": "cleaning"}, [("vacuum", "start", {})]),
])
def test_changes_map_to_home_assistant_services(entity, before, after, expected) -> None:
    calls = [(c.domain, c.service, {k: v for k, v in c.data.items() if k != "entity_id"})
             for c in service_calls(entity, before, after)]
    assert calls == expected
