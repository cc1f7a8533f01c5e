"""Where home commands go: nowhere but SQLite (the simulated home), Home Assistant's REST API, or
an MQTT broker. A backend also says what the home is (entities and areas) when it knows.

Skills never see a backend: they set an entity's state through Home, which hands the change
here first, so a device that can't be reached leaves our state as it was.
"""
from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from typing import Any, Protocol

from pydantic import BaseModel

from skills.sdk import SkillError

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


class Backend(Protocol):
    def layout(self) -> dict[str, Any] | None:
        """The home in HA fixture form (areas, entities), or None to use the home file."""

    def apply(self, entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Make the device's state `after` ({"state": ..., attribute: ...}); raise SkillError if it can't."""


class Simulated:
    """The home file's devices, with state only in SQLite."""

    def layout(self) -> None:
        return None

    def apply(self, entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        return None


class ServiceCall(BaseModel):
    domain: str
    service: str
    data: dict[str, Any]


def service_calls(entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> list[ServiceCall]:
    """Home Assistant services that take an entity from `before` to `after`."""
    domain = entity_id.split(".", 1)[0]
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    named = [(_state_service(domain, changed), {}), *_attribute_services(domain, before, changed)]
    return [ServiceCall(domain=service.split(".")[0] if "." in service else domain, service=service.split(".")[-1],
                        data={"entity_id": entity_id, **data}) for service, data in named if service]


_STATE_SERVICES = {
    ("cover", "open"): "open_cover", ("cover", "closed"): "close_cover", ("valve", "open"): "open_valve",
    ("valve", "closed"): "close_valve", ("lock", "locked"): "lock", ("lock", "unlocked"): "unlock",
    ("vacuum", "cleaning"): "start", ("vacuum", "returning"): "return_to_base",
    ("media_player", "playing"): "media_play", ("media_player", "paused"): "media_pause",
}


def _state_service(domain: str, changed: dict[str, Any]) -> str | None:
    """The service for a new state, unless an attribute's own service below already sets it."""
    state = changed.get("state")
    if state is None or (domain == "light" and state == "on" and {"brightness", "color"} & changed.keys()):
        return None
    if domain in ("cover", "valve") and "position" in changed:
        return None
    if (domain, state) in _STATE_SERVICES:
        return _STATE_SERVICES[(domain, state)]
    return f"homeassistant.turn_{state}" if state in ("on", "off") else None


def _attribute_services(domain: str, before: dict[str, Any], changed: dict[str, Any]) -> list[tuple[str, dict]]:
    named = []
    light = {ha: changed[ours] for ours, ha in (("brightness", "brightness_pct"), ("color", "color_name")) if ours in changed}
    if domain == "light" and light and changed.get("state", "on") == "on":
        named.append(("turn_on", light))
    if "position" in changed and domain in ("cover", "valve"):
        named.append((f"set_{domain}_position", {"position": changed["position"]}))
    if "temperature" in changed and domain == "climate":
        named.append(("set_temperature", {"temperature": changed["temperature"]}))
    if "volume_level" in changed:
        named.append(("volume_set", {"volume_level": changed["volume_level"] / 100}))
    if "is_volume_muted" in changed:
        named.append(("volume_mute", {"is_volume_muted": changed["is_volume_muted"]}))
    if "track" in changed:
        forward = changed["track"] > int(before.get("track", 1))
        named.append(("media_next_track" if forward else "media_previous_track", {}))
    if "media_path" in changed:
        named.append(("play_media", {"media_content_id": changed["media_path"], "media_content_type": "music"}))
    return named


class Mqtt:
    """An MQTT broker: each change is published, QoS 1, as JSON {"state": ..., changed attributes}
    to `{prefix}/{entity_id}/set`, where the device (or a bridge such as Node-RED) acts on it.
    The devices are those of the home file."""

    def __init__(self, host: str, port: int, prefix: str, username: str | None = None,
                 password: str | None = None) -> None:
        self.host, self.port, self.prefix = host, port, prefix.rstrip("/")
        self._login = (username, password)

    def layout(self) -> None:
        return None

    def apply(self, entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        payload = {k: v for k, v in after.items() if before.get(k) != v or k == "state"}
        client = self._connected()
        try:
            message = client.publish(f"{self.prefix}/{entity_id}/set", json.dumps(payload), qos=1)
            message.wait_for_publish(TIMEOUT_SECONDS)
        except (RuntimeError, ValueError) as exc:
            log.error("MQTT publish to %s:%s failed: %s", self.host, self.port, exc)
            raise SkillError("The MQTT broker didn't take the command.") from None
        finally:
            client.loop_stop()
            client.disconnect()

    def _connected(self):
        import paho.mqtt.client as mqtt

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="hark", clean_session=True)
        if self._login[0]:
            client.username_pw_set(*self._login)
        answered, outcome = threading.Event(), {}
        client.on_connect = lambda c, userdata, flags, reason, props: (outcome.update(reason=reason), answered.set())
        try:
            client.connect(self.host, self.port, keepalive=30)
        except OSError as exc:
            log.error("MQTT broker %s:%s unreachable: %s", self.host, self.port, exc)
            raise SkillError(f"I can't reach the MQTT broker at {self.host} port {self.port}.") from None
        client.loop_start()
        if not answered.wait(TIMEOUT_SECONDS) or outcome["reason"].is_failure:
            client.loop_stop()
            log.error("MQTT broker %s:%s refused the connection: %s", self.host, self.port, outcome.get("reason"))
            raise SkillError("The MQTT broker refused my login; check the MQTT user name and password.")
        return client


class HomeAssistant:
    """Home Assistant's REST API with a long-lived access token: entities and areas come from it,
    and each change becomes the service calls HA would make for it."""

    AREAS_TEMPLATE = ("{% set ns = namespace(pairs=[]) %}{% for s in states %}"
                      "{% set ns.pairs = ns.pairs + [[s.entity_id, area_name(s.entity_id)]] %}{% endfor %}"
                      "{{ ns.pairs | to_json }}")

    def __init__(self, url: str, token: str) -> None:
        self.url, self._token = url.rstrip("/"), token

    def layout(self) -> dict[str, Any]:
        states = self._request("GET", "/api/states")
        areas = dict(self._request("POST", "/api/template", {"template": self.AREAS_TEMPLATE}))
        area_names = sorted({a for a in areas.values() if a})
        return {"areas": [{"id": _slug(a), "name": a} for a in area_names],
                "entities": [_ha_entity(s, areas.get(s["entity_id"])) for s in states]}

    def apply(self, entity_id: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        for call in service_calls(entity_id, before, after):
            self._request("POST", f"/api/services/{call.domain}/{call.service}", call.data)

    def _request(self, method: str, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(self.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {self._token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            log.error("Home Assistant %s %s: HTTP %s", method, path, exc.code)
            if exc.code in (401, 403):
                raise SkillError("Home Assistant refused my access token; make a new one in your HA profile.") from None
            raise SkillError(f"Home Assistant couldn't do that (error {exc.code}).") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            log.error("Home Assistant at %s unreachable: %s", self.url, exc)
            raise SkillError("I can't reach Home Assistant right now.") from None
        return json.loads(text) if text.strip() else None  # our template renders JSON too


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())


def _ha_entity(state: dict[str, Any], area: str | None) -> dict[str, Any]:
    attributes = dict(state.get("attributes", {}))
    if state["entity_id"].startswith("light.") and isinstance(attributes.get("brightness"), (int, float)):
        attributes["brightness"] = round(attributes["brightness"] * 100 / 255)  # HA's 0-255, ours in percent
    name = attributes.get("friendly_name") or state["entity_id"].split(".", 1)[1].replace("_", " ")
    return {"id": state["entity_id"], "name": name, "area": _slug(area) if area else None,
            "state": str(state.get("state", "unknown")), "attributes": attributes}
