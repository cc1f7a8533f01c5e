"""The weather from a local source: a weather entity of the home (a local station or a forecast
cached by the home backend). Offline, with no such entity, it says so plainly."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills.home import Target
from skills.sdk import SkillContext, SkillError, SkillResult, skill


class WeatherArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Weather source or place name, e.g. 'London'")


@skill(name="HassGetWeather", description="Say the current weather from the home's weather station",
       risk="read", permissions=["home.read"], examples=["what('s| is) the weather [like] [today]"])
def get_weather(args: WeatherArgs, ctx: SkillContext) -> SkillResult:
    try:
        station = ctx.home.resolve(Target(name=args.name, domain="weather"))[0]
    except SkillError:
        where = f" for {args.name}" if args.name else ""
        raise SkillError(f"I have no weather data{where}: this device is offline and has no weather station.") from None
    temperature = station.attributes.get("temperature")
    unit = str(station.attributes.get("temperature_unit", "degrees")).replace("°C", "degrees").replace("°F", "degrees")
    extra = f", {temperature} {unit}" if temperature is not None else ""
    condition = str(station.attributes.get("spoken_state") or station.state).replace("_", " ")
    return SkillResult(speech=f"{station.name}: {condition}{extra}.", data={"condition": station.state})
