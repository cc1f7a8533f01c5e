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
       risk="read", permissions=["home.read"], examples=["what('s| is) the weather [like] [today]"],
       phrasings=["what('s| is) the weather [like] [{when}|in {thing}|outside]",
                  "(how's|how is) the weather [{when}|outside]",
                  "(is it|will it be|is it going to be|is it gonna be) (raining|rainy|sunny|cloudy|cold|hot|warm|windy|snowing|stormy) [{when}|outside]",
                  "(will|is) it (rain|snow) [{when}]",
                  "do i need (an umbrella|a jacket|a coat|sunscreen|sunglasses) [{when}]",
                  "how (hot|cold|warm|windy) is it (outside|out) [{when}]",
                  "what('s| is) the (forecast|weather forecast|temperature outside) [for {when}]",
                  "(tell|give) me the weather [report|forecast]", "weather [report|forecast] [for {when}]",
                  "should i (wear|bring|take) a {thing} [{when}]", "what's it like outside",
                  "(is it|will it be) nice (out|outside) [{when}]", "what's the humidity [outside]",
                  "(is|will) (today|tomorrow) be [a] (sunny|rainy|hot|cold|nice|warm) day",
                  "it('s| is) (very|so) (hot|cold|sunny|windy) today[,] (isn't it|is not it)",
                  "how soon (will it|can we expect) (rain|snow|sun)",
                  "(ten|five|seven|three) day forecast",
                  "(any|is there) (rain|snow|storm) (expected|coming|forecast) [{when}]",
                  # a place or a day says the weather, not the thermostat
                  "what('s| is| will be) the [highest|lowest|high|low] temperature [going to be] (in {thing}|{when}|out there)",
                  "how (hot|cold|warm) (is it|will it be|is it going to be) (in {thing}|{when})",
                  "temperature (in {thing}|{when}|outside)"])
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
