"""An on-device calendar in SQLite: add, ask about and remove appointments by day and time."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz, utils

from skills import when
from skills.sdk import Example, SkillContext, SkillError, SkillResult, missing, skill
from skills.store import Event

_TITLE_CUTOFF = 70.0
_CALENDAR = "[to|in|on|into] [my|the] calendar"


class NewEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="What it is, e.g. 'dentist' or 'dinner with Sam'", min_length=1, max_length=120,
                       json_schema_extra={"ask": "What should I put on your calendar?", "content": True})
    # No day is no guess: an entry made for "today" with no time was never said ("remind me to call mom").
    when: str | None = Field(None, description="Day and optional time as said, e.g. 'friday at 3 pm' or '2026-12-24'",
                             max_length=60, json_schema_extra={"ask": "When is that for?"})

    @model_validator(mode="before")
    @classmethod
    def _time_from_title(cls, raw: Any) -> Any:
        """With no time of its own, the title may end with one: "remind me to take out the trash
        tomorrow" fills only the title."""
        if isinstance(raw, dict) and raw.get("when") is None and isinstance(raw.get("title"), str):
            title, said = when.split_time(raw["title"])
            if said is not None:
                return {**raw, "title": title, "when": said}
        return raw

    @model_validator(mode="after")
    def _said(self) -> NewEvent:
        if self.when is None:
            raise missing(NewEvent, "when")
        return self


class EventQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    when: str | None = Field(None, description="The day asked about, e.g. 'tomorrow'; none = the coming week")
    title: str | None = Field(None, description="Only entries like this, e.g. 'meeting'")


class EventTarget(EventQuery):
    all: bool = Field(False, description="Every matching entry, not just one")


def say_event(event: Event, today: date) -> str:
    day = when.say_day(date.fromisoformat(event.day), today)
    at = f" at {when.say_time(datetime.strptime(event.at, '%H:%M'))}" if event.at else ""
    return f"{event.title} {day}{at}"


def _parse(text: str, ctx: SkillContext) -> when.When:
    try:
        return when.parse(text, ctx.now())
    except ValueError as exc:
        raise SkillError(f"I couldn't tell which day '{text}' is: {exc}.") from None


def _remove_added(args: BaseModel, data: dict, ctx: SkillContext) -> SkillResult:
    ctx.store.remove_event(data["event_id"])
    return SkillResult(speech="Removed the entry I just added.")


@skill(
    name="CalendarAdd",
    undo=_remove_added,
    description="Add an appointment or event to the calendar on the device",
    permissions=["calendar"],
    examples=[
        f"(add|put|schedule) {{title}} {_CALENDAR} (on|for|at) {{when}}",
        "(add|put|schedule) {title} (on|for) {when} " + _CALENDAR,
        "add [an] event {title} (on|for|at) {when}",
        "(mark|note) {when} in my calendar (for|as) {title}",
        "(remind|alert|notify) me {when} (to|about|that) {title}",
        "{when} remind me (to|about) {title}",
        "remind me (to|about) {title} [{when}]",
        "(set|create|make) [a|an] reminder [for] {when} (to|about|that) {title}",
        "(set|create|make) [a|an] reminder (to|about) {title} [{when}]",
    ],
    phrasings=["(add|put|schedule|create|book|set up) [a|an] (meeting|appointment|event) [with {title}] {when}",
               "set [up] a reminder (to|for|about) {title} [{when}]",
               "(please|can you) (add|put) {title} (to|on|in) my (calendar|schedule|agenda|diary)",
               "i have [a|an] {title} {when}", "(make|create) [a] (note|reminder|entry) (for|about) {title} {when}",
               "don't let me forget (to|about) {title} [{when}]", "schedule {title} (for|at|on) {when}",
               "(add|put) {title} (on|for) {when}", "i need to remember to {title} {when}",
               "(mark|block) {when} (for|as) {title}", "(remind|alert|notify) me {when} (to|about) {title}",
               "(mark|flag) {when} as [my] {title}",
               "(set|save) {title}'s birthday (for|on) {when}",
               "(add|make) a note (to|about) {title} [{when}]",
               "(update|change) my (calendar|schedule) (to|for) {title}",
               "remind me (of|about) [the|my] {title} {when}", "remind me {when} that {title}",
               "(set|create|make|add) [a|an] (reminder|notification|alert|event|appointment) (for|about|that|to) {title} [{when}]",
               "(set|create|add) [a|an] (reminder|notification|event|appointment) {when} (for|about|to) {title}",
               "i('ve| have) got [a|an] {title} {when}", "(i'm|i am) (meeting|seeing|visiting) {title} {when}",
               "(book|arrange|plan|organise|organize) [a|an] {title} {when}",
               "(put|enter|save|pencil in|write) {title} (in|on|into) my (calendar|schedule|diary|agenda|planner) [{when}]",
               "(add|create|new) [a] [calendar] (event|entry|appointment) [for] {title} [{when}]",
               "(let me know|ping me|tell me) {when} (about|that) {title}", "remember (that|to) {title} {when}",
               "[a|the] (meeting|appointment|call|dinner|lunch|party) with {title} {when}",
               "(set|make) [a] (daily|weekly|repeating|recurring|monthly) reminder [for {when}] (to|for|about) {title}",
               "i need (a reminder|to be reminded) (to|about|of) {title} [{when}]",
               "(move|reschedule|push) [my|the] {title} to {when}",
               "(invite|add) {title} to [my|the] (meeting|event|party) [{when}]",
               "i (want|need|would like|'d like) to (meet|have lunch|have dinner|catch up) with {title} {when}",
               "(send|give) me a reminder (to|about) {title} [{when}]"],
)
def add_event(args: NewEvent, ctx: SkillContext) -> SkillResult:
    said = _parse(args.when, ctx)
    try:
        at = when.next_moment(said, ctx.now()) if said.clock or said.part_clock else None
    except ValueError as exc:
        raise SkillError(f"I can't add that: {exc}.") from None
    day = at.date() if at else said.day
    event = ctx.store.add_event(args.title.strip(), day.isoformat(), at.strftime("%H:%M") if at else None)
    reminder = " I'll remind you then." if event.at else ""  # device.alerts says it when its time comes
    return SkillResult(speech=f"Added {say_event(event, ctx.now().date())} to your calendar.{reminder}",
                       data={"event_id": event.id, "day": event.day, "at": event.at})


@skill(
    name="CalendarQuery",
    description="Say what is on the calendar for a day, or in the coming week",
    risk="read",
    permissions=["calendar"],
    examples=[
        "what('s| is) (on|in) my (calendar|schedule|agenda)",
        "what('s| is) (on|in) my (calendar|schedule|agenda) (for|on) {when}",
        "what [do] i have (on|for) {when}",
        "(do i have|are there) any (meetings|appointments|events) {when}",
        "when is my next (meeting|appointment|event)",
    ],
    phrasings=["what('s| is) (on|in) my (calendar|schedule|agenda|diary) [{when}]", "what('s| is) on {when}",
               "what do i have (on|going on|planned) [{when}]",
               "(do|did) i have (any|a) (meetings|appointments|events|plans|reminders) [{when}]",
               "am i (busy|free) {when}", "when is my [next] {title}", "what time is my {title}",
               "what are my (plans|appointments|meetings|events|reminders) [for] {when}",
               "(check|show|read|tell me) my (calendar|schedule|agenda|appointments|events|reminders)",
               "is there anything (on|in) my (calendar|schedule) [{when}]",
               "what('s| is) (happening|coming up|planned) [for me] {when}",
               "(remind me|tell me) what i have {when}", "what's my (day|week) (like|look like)",
               "(list|what are) my reminders",
               "(what time|when) (does|is) [the|my] {title} (start|begin|end)",
               "(who|what) is (attending|happening at) [the|my] {title}",
               "tell me (about|the details of) [the|my] {title} [on {when}]",
               "(list|tell me) [all] [the] events (between|from) {when}",
               "(are there|do i have) any (birthdays|holidays|anniversaries) {when}",
               "(what|which) (meetings|appointments|events|reminders) do i have [{when}]",
               "(what's|what is) (my|the) (schedule|agenda|plan) (for|on) {when}",
               "(where|what time|when) is [my|the] {title} [{when}]",
               "(what is|what's) the (address|location|place) (of|for) [my|the] {title}",
               "how many (meetings|appointments|events) (do i have|are there|have i got) {when}",
               "(do i have|have i got) (anything|something) (on|planned|scheduled) {when}",
               "(is|are) there [a|any] {title} (scheduled|planned|on) {when}",
               "(show|list|read) [me] [all] [my] (upcoming|next|today's) (events|meetings|appointments|reminders)",
               "(who|what) am i (meeting|seeing|doing) {when}", "(give|tell) me [the] details (of|about) [my|the] {title}",
               "(when|what day) is {title}'s birthday", "have i (got|scheduled) {title} {when}",
               "(did|have) you (add|put|schedule)[ed] [a|the|my] {title} (to|on|in) my (calendar|schedule)",
               "(did|have) you (added|scheduled|put) [a|the] {title} {when}",
               "do i have [a|an] {title} {when} [in my (calendar|schedule)]", "any {title} {when}",
               "what do i have to do {when}", "(who|what) (is coming|should i expect|will be) (to|at) [the|my] {title} [{when}]",
               "(give me|tell me) (information|more|details) about [the|my] {title} [{when}]",
               "what (meetings|events|appointments) (are|do i have) (on|in|for) {when}", "[my] (work|school|weekly|daily) schedule"],
)
def query_events(args: EventQuery, ctx: SkillContext) -> SkillResult:
    events, span = _find(args, ctx)
    if not events:
        return SkillResult(speech=f"Nothing is on your calendar {span}.", data={"events": []})
    spoken = "; ".join(say_event(e, ctx.now().date()) for e in events[:5])
    return SkillResult(speech=f"On your calendar {span}: {spoken}.", data={"events": [e.model_dump() for e in events]})


@skill(
    name="CalendarRemove",
    description="Remove an appointment (or all of a day's) from the calendar",
    permissions=["calendar"],
    examples=[
        "(remove|delete|cancel) [the|my] {title} (from|in) my calendar",
        "(remove|delete|cancel) [the|my] {title} (on|for) {when}",
        Example(template="(clear|empty) my (calendar|schedule) (for|on) {when}", slots={"all": True}),
    ],
    phrasings=["(cancel|delete|remove|clear|drop) [my|the] {title} [(from|in) my (calendar|schedule)]",
               "(cancel|delete|remove) [the|my] (meeting|appointment|event|reminder) (with|about|for) {title}",
               "(remove|delete|clear) (all|everything) [events|meetings] (from|on) {when}",
               "i (don't|no longer) need [the|my] (reminder|appointment|meeting) (about|for|with) {title} [anymore]",
               "{title} is (cancelled|canceled|off)", "take {title} off my (calendar|schedule)",
               "(clear|empty|wipe) my (calendar|schedule|agenda) [for {when}]",
               "(cancel|delete|remove) [all] [my] (meetings|appointments|events|reminders) {when}",
               "(i can't|i won't) (make|go to) [the|my] {title} [{when}]",
               "(delete|remove|cancel) [the] (reminder|event|appointment) {when}"],
)
def remove_event(args: EventTarget, ctx: SkillContext) -> SkillResult:
    events, span = _find(args, ctx)
    if not events:
        raise SkillError(f"I found nothing like that on your calendar {span}.")
    if len(events) > 1 and not args.all:
        raise SkillError(f"Which one: {' or '.join(say_event(e, ctx.now().date()) for e in events[:3])}?")
    for event in events:
        ctx.store.remove_event(event.id)
    what = f"{len(events)} entries" if len(events) > 1 else say_event(events[0], ctx.now().date())
    return SkillResult(speech=f"Removed {what} from your calendar.", data={"event_ids": [e.id for e in events]})


def _find(args: EventQuery, ctx: SkillContext) -> tuple[list[Event], str]:
    """Entries on the day said (or in the coming week, or the coming year when only a title was
    said) whose title is like the one said, and words for that span."""
    today = ctx.now().date()
    said = _parse(args.when, ctx) if args.when else None
    if said and said.day:
        first = last = said.day
        span = when.say_day(said.day, today)
    else:
        first, last = today, today + timedelta(days=365 if args.title else 7)
        span = "in the coming year" if args.title else "this week"
    events = ctx.store.events(first.isoformat(), last.isoformat())
    if said and said.clock:
        events = [e for e in events if e.at and int(e.at[:2]) % 12 == said.clock.hour % 12]
    if args.title:
        events = [e for e in events if fuzz.partial_ratio(args.title, e.title, processor=utils.default_process) >= _TITLE_CUTOFF]
    return events, span
