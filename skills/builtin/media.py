"""Media players in the home: play from the local media folder, pause, resume, skip, volume, mute
(Home Assistant intent and slot names)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz import fuzz, process, utils

from skills.home import Entity, Target
from skills.sdk import Example, SkillContext, SkillError, SkillResult, skill

_VOLUME_STEP = 10
_PLAYERS = {"domain": "media_player"}
# What a player plays, and the words said around it: "pause the audiobook", "skip to the next
# episode" name what is playing, not a player called "audiobook" or "episode".
PLAYING_WORDS = set("""music song songs track tracks audio audiobook audiobooks book podcast podcasts episode
    episodes playback video movie film show album playlist station chapter media the this that my current last
    played playing next previous in on of a""".split())


def _verbs(verbs: str) -> list[Example | str]:
    """'pause the music', and 'pause the TV' where {name} is a media player."""
    return [f"{verbs} [the] (music|song|video)", Example(template=f"{verbs} [the] {{name}}", requires=_PLAYERS)]


class PlayerTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Media player name")
    area: str | None = Field(None, description="Room of the media player")

    @field_validator("name")
    @classmethod
    def _not_what_is_playing(cls, name: str | None) -> str | None:
        """No name where it names what is playing ("the audiobook"): the playing player is meant."""
        return None if name and set(name.lower().split()) <= PLAYING_WORDS else name


def players(ctx: SkillContext, target: PlayerTarget) -> list[Entity]:
    """The players meant: named or in the room; with neither, the playing one or the only one."""
    found = ctx.home.resolve(Target(name=target.name, area=target.area, domain="media_player"))
    if target.name or target.area or len(found) == 1:
        return found
    playing = [p for p in found if p.state == "playing"]
    if len(playing) == 1:
        return playing
    raise SkillError(f"Which player: {' or '.join(p.name for p in found[:3])}?")


def _each(ctx: SkillContext, target: PlayerTarget, state: str | None, **attributes) -> list[Entity]:
    chosen = players(ctx, target)
    for player in chosen:
        ctx.home.set_state(player, state or player.state, **attributes)
    return chosen


def _done(chosen: list[Entity], what: str) -> SkillResult:
    return SkillResult(speech=f"{what} on {chosen[0].name}.", data={"entities": [p.id for p in chosen]})


@skill(name="HassMediaPause", description="Pause the music or video", permissions=["media"],
       examples=_verbs("pause"),
       phrasings=["(stop|pause|halt) [the] (music|song|playback|audio|podcast|audiobook|video|radio)",
                  "stop playing", "(hold|pause) (it|that) [for a moment]"])
def pause(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_each(ctx, args, "paused"), "Paused")


@skill(name="HassMediaUnpause", description="Resume paused music or video", permissions=["media"],
       examples=[*_verbs("(resume|unpause)"), "[hit|press] play"],  # a bare "play" plays on, as a remote's button does
       phrasings=["(resume|continue|restart) [the] (music|song|playback|podcast|audiobook)", "keep playing",
                  "(carry|go) on [playing]"],
       handoffs={"name": "HassMediaSearchAndPlay.search_query"})  # "resume the two towers": no player, a title
def unpause(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_each(ctx, args, "playing"), "Playing")


def _playing_now(player: Entity) -> str:
    title = player.attributes.get("media_title")
    if player.state != "playing":
        return f"Nothing is playing on {player.name}."
    return f"{player.name} is playing {title}." if title else f"{player.name} is playing, but I don't know what."


@skill(name="MediaNowPlaying", description="Say what is playing: the song, episode or video's title", risk="read",
       permissions=["home.read"],  # it says a player's state: quiet hours, which refuse media, allow it
       examples=["what('s| is) playing [now|right now]", "what('s| is) playing on the {name}",
                 "what('s| is) playing in the {area}",
                 "what (song|track|music) is (this|that|playing|on) [now|right now]",
                 "what('s| is) (this|that|the) (song|track) [called]", "who (sings|is singing|sang) (this|that) [song]"],
       phrasings=["what is the (name|title) of (this|that|the) (song|track|music) [that's|that is] [playing] [now]",
                  "(tell me|what's|what is) the (name|title) of the (song|track) [that's playing|playing now]",
                  "who is the (artist|singer|band) of (this|the) song [playing] [now]",
                  "(which|what) song is (currently playing|playing now|on the radio|on now)",
                  "what am i listening to", "now playing", "(name|title) of (this|the current) (song|track)",
                  "(check|tell me) the (current|now) playing (song|music|track) [title]",
                  "what('s| is) the (band|artist|singer) [that's|that is] playing [now]"])
def now_playing(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    found = ctx.home.resolve(Target(name=args.name, area=args.area, domain="media_player"))
    playing = [p for p in found if p.state == "playing"] if not (args.name or args.area) else found
    if not playing:
        return SkillResult(speech="Nothing is playing.", data={"playing": []})
    return SkillResult(speech=" ".join(_playing_now(p) for p in playing[:2]),
                       data={"playing": [{"entity": p.id, "title": p.attributes.get("media_title")} for p in playing]})


def _skip(args: PlayerTarget, ctx: SkillContext, step: int) -> list[Entity]:
    chosen = players(ctx, args)
    for player in chosen:
        ctx.home.set_state(player, "playing", track=int(player.attributes.get("track", 1)) + step)
    return chosen


@skill(name="HassMediaNext", description="Skip to the next track or episode", permissions=["media"],
       examples=["(next|skip) [the] (song|track)", "skip [this] [song|track]"],
       phrasings=["(skip|next) [this] [song|track|one]", "play the next (song|track|one)",
                  "i don't like this song[,] (skip|next) [it]"],
       handoffs={"name": "HassMediaSearchAndPlay.search_query"})  # "skip to thriller": no player, a title
def next_track(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_skip(args, ctx, +1), "Next track")


@skill(name="HassMediaPrevious", description="Go back to the previous track", permissions=["media"],
       examples=["(previous|last) [the] (song|track)", "go back [a] (song|track)"],
       phrasings=["(go back|back up) [to the] (previous|last) (song|track)",
                  "play the (previous|last) (song|track|one) again", "replay [the] (last|previous) (song|track)"],
       handoffs={"name": "HassMediaSearchAndPlay.search_query"})  # "go back to yesterday": a title
def previous_track(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_skip(args, ctx, -1), "Previous track")


class VolumeArgs(PlayerTarget):
    volume_level: int = Field(ge=0, le=100, description="Volume in percent",
                              json_schema_extra={"ask": "To what volume, in percent?"})


@skill(name="HassSetVolume", description="Set the volume to a level", permissions=["media"],
       examples=["set [the] volume to {volume:volume_level} [percent]"],
       phrasings=["(set|change|put) [the] volume (to|at) {volume_level} [percent]",
                  "volume {volume_level} [percent]", "make [the] volume {volume_level}"])
def set_volume(args: VolumeArgs, ctx: SkillContext) -> SkillResult:
    return _done(_each(ctx, args, None, volume_level=args.volume_level), f"Volume {args.volume_level}%")


class VolumeStepArgs(PlayerTarget):
    volume_step: Literal["up", "down"] | int = Field("up", description="up, down, or a signed percent step")


@skill(name="HassSetVolumeRelative", description="Turn the volume up or down", permissions=["media"],
       examples=[Example(template="turn [the] volume up", slots={"volume_step": "up"}),
                 Example(template="turn [the] volume down", slots={"volume_step": "down"}),
                 Example(template="(raise|increase) the volume", slots={"volume_step": "up"}),
                 Example(template="(lower|reduce|decrease) the volume", slots={"volume_step": "down"})],
       phrasings=["(turn|crank|pump) it (up|down)", "(louder|quieter|softer) [please]",
                  "(increase|decrease|raise|lower|reduce) the (volume|sound) [a bit|by {volume_step}]",
                  "volume (up|down)", "make it (louder|quieter|softer)", "i can't hear (it|that|the music|you)",
                  "(it's|that's|this is) too (loud|quiet)", "(turn|bring) the (volume|sound|music) (up|down)"])
def step_volume(args: VolumeStepArgs, ctx: SkillContext) -> SkillResult:
    step = {"up": _VOLUME_STEP, "down": -_VOLUME_STEP}.get(args.volume_step, args.volume_step)
    chosen = players(ctx, args)
    for player in chosen:
        level = min(100, max(0, int(player.attributes.get("volume_level", 50)) + int(step)))
        ctx.home.set_state(player, player.state, volume_level=level)
    return _done(chosen, f"Volume {chosen[0].attributes['volume_level']}%")


@skill(name="HassMediaPlayerMute", description="Mute a media player", permissions=["media"],
       examples=_verbs("mute"),
       phrasings=["mute [the] (speakers|volume|sound|music|audio|tv)", "(be quiet|silence|quiet please)",
                  "(turn|switch) off the sound", "mute [yourself] [for a while]",
                  "(stop talking|don't talk|do not respond|no (talking|speaking|sound)|be silent|go quiet|shush|hush) [please]",
                  "(silence|quiet) (yourself|the speaker|the tv|the music)"])
def mute(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_each(ctx, args, None, is_volume_muted=True), "Muted")


@skill(name="HassMediaPlayerUnmute", description="Unmute a media player", permissions=["media"],
       examples=_verbs("unmute"),
       phrasings=["unmute [the] (speakers|volume|sound|music|tv)", "(turn|switch) the sound [back] on"])
def unmute(args: PlayerTarget, ctx: SkillContext) -> SkillResult:
    return _done(_each(ctx, args, None, is_volume_muted=False), "Unmuted")


MEDIA_SUFFIXES = {".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".mp4", ".mkv"}
_MATCH_CUTOFF = 80.0


class SearchArgs(PlayerTarget):
    search_query: str = Field(description="What to play: a title, artist, album or playlist", min_length=1,
                              json_schema_extra={"ask": "What should I play?"})
    media_class: str | None = Field(None, description="artist, album, track, playlist, podcast, movie, tv_show")


def find_media(folder: Path | None, query: str) -> Path | None:
    """The best match for the query among the folder's media files, by artist/album/title."""
    if folder is None or not folder.is_dir():
        return None
    files = [p for p in folder.rglob("*") if p.suffix.lower() in MEDIA_SUFFIXES]
    described = {str(p): " ".join(p.relative_to(folder).with_suffix("").parts).replace("_", " ") for p in files}
    best = process.extractOne(query, described, scorer=fuzz.token_set_ratio,
                              processor=utils.default_process, score_cutoff=_MATCH_CUTOFF)
    return Path(best[2]) if best else None


@skill(name="HassMediaSearchAndPlay", description="Find music or video in the device's media folder and play it",
       permissions=["media"], examples=["play {item:search_query}"],
       phrasings=["play [me] [some] {search_query}", "put on [some] {search_query}",
                  "(can|could) you play {search_query} [please]",
                  "i (want|would like|'d like) to (hear|listen to) {search_query}", "let me hear {search_query}",
                  "play [a|some] (song|songs|music|tracks) (by|from) {search_query}",
                  "play [my] {search_query} playlist", "play [the] [latest|next] episode of {search_query}",
                  "play [the] [audiobook|podcast|album] {search_query}",
                  "start [playing] [the] {search_query} (playlist|album|podcast|audiobook|radio)",
                  "(play|put on) [some] (music|a song|something) [please]",
                  "i('m| am) in the mood for [some] {search_query}",
                  "(tune in to|play) [the] {search_query} (radio|station)", "shuffle [my] {search_query}",
                  "play something (relaxing|upbeat|happy|calm|by {search_query})", "music please",
                  "some {search_query} music [please]",
                  "put [the] {search_query} on",
                  "(music|radio) on [please]",
                  "play {search_query} (now|next)",
                  "(start|open|resume|continue) [the|my] (audiobook|audio book|podcast|book|radio) [{search_query}]",
                  "read [me] [the|my] (book|audiobook) [{search_query}]",
                  "(resume|continue) (playing|listening to|reading) {search_query}",
                  "(tune|switch|change) [in|into|to] [the] (radio|station|channel|frequency) [to] {search_query}",
                  "(play|start|read) chapter {number} [of {search_query}]",
                  "(play|start|read) [me] {search_query} (from|at) [the] (beginning|chapter {number}|where i left off)",
                  "(play|start|find|open|locate) [my|the] [latest|next|new|last] (episode|podcast|audiobook) [of {search_query}]",
                  "(play|turn on|put on|tune to|switch to|open) [the] {search_query} (radio|station|channel|fm|podcast)",
                  "(turn|switch) on the radio [station]", "go to [my|the] [favourite|favorite] (radio|station|channel|playlist)",
                  "(add|put) {search_query} (to|on) [my|the] playlist",
                  "(can i hear|let's hear|let's listen to) [some] {search_query}", "open [my] (music|spotify|playlist|podcasts)"])
def search_and_play(args: SearchArgs, ctx: SkillContext) -> SkillResult:
    found = find_media(ctx.media_dir, args.search_query)
    if found is None:
        raise SkillError(f"I couldn't find {args.search_query} in the media folder.")
    chosen = players(ctx, args)
    title = found.stem.replace("_", " ")
    for player in chosen:
        ctx.home.set_state(player, "playing", media_title=title, media_path=str(found))
    return SkillResult(speech=f"Playing {title} on {chosen[0].name}.", data={"path": str(found)})
