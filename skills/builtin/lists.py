"""Shopping and to-do lists, kept in SQLite. A list is named like Home Assistant's todo entities;
"the shopping list" always exists."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz, process, utils

from skills.sdk import Example, SkillContext, SkillError, SkillResult, missing, skill
from skills.store import ListItem

SHOPPING = "Shopping List"
_ITEM_CUTOFF = 80.0


class ItemArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(description="The thing to add or tick off, e.g. 'milk'", min_length=1, max_length=120,
                      json_schema_extra={"ask": "Which item?"})


class ListItemArgs(ItemArgs):
    name: str | None = Field(None, description="Which list, e.g. 'Shopping List' or 'Chores'")


# The item is needed unless the whole list is cleared.
class RemoveArgs(ListItemArgs):
    item: str | None = Field(None, description="The thing to remove, e.g. 'milk'", min_length=1, max_length=120,
                             json_schema_extra={"ask": "Which item?"})
    all: bool = Field(False, description="Every item: the whole list is cleared")

    @model_validator(mode="after")
    def _item_or_all(self) -> RemoveArgs:
        if self.item is None and not self.all:
            raise missing(RemoveArgs, "item")
        return self


class ListArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="Which list; the shopping list if not said")


def list_name(ctx: SkillContext, name: str | None) -> str:
    """The list meant: a todo entity of the home, or the shopping list."""
    if not name or "shopping" in name.casefold():
        return SHOPPING
    known = [e.name for e in ctx.home.entities if e.domain == "todo"]
    best = process.extractOne(name, known, scorer=fuzz.token_set_ratio, processor=utils.default_process,
                              score_cutoff=85)
    if best is None:
        raise SkillError(f"I don't have a list called {name}.")
    return best[0]


def find_item(ctx: SkillContext, name: str, item: str) -> ListItem:
    open_items = ctx.store.items(name, done=False)
    best = process.extractOne(item, {i.id: i.item for i in open_items}, scorer=fuzz.token_set_ratio,
                              processor=utils.default_process, score_cutoff=_ITEM_CUTOFF)
    if best is None:
        raise SkillError(f"{item} isn't on the {name}.")
    return next(i for i in open_items if i.id == best[2])


def _add(ctx: SkillContext, name: str, item: str) -> SkillResult:
    ctx.store.add_item(name, item.strip(), ctx.now().timestamp())
    return SkillResult(speech=f"Added {item.strip()} to the {name}.", data={"list": name, "item": item.strip()})


def _complete(ctx: SkillContext, name: str, item: str) -> SkillResult:
    found = find_item(ctx, name, item)
    ctx.store.set_item_done(found.id, True)
    return SkillResult(speech=f"Ticked off {found.item}.", data={"list": name, "item": found.item})


@skill(name="HassShoppingListAddItem", description="Add something to the shopping list", permissions=["lists"])
def shopping_add(args: ItemArgs, ctx: SkillContext) -> SkillResult:
    return _add(ctx, SHOPPING, args.item)


@skill(name="HassShoppingListCompleteItem", description="Tick something off the shopping list",
       permissions=["lists"])
def shopping_complete(args: ItemArgs, ctx: SkillContext) -> SkillResult:
    return _complete(ctx, SHOPPING, args.item)


@skill(name="HassListAddItem", description="Add something to a named list", permissions=["lists"],
       phrasings=["add {item} to [my|the] {name} list", "put {item} on [my|the] {name} list",
                  "(include|write down) {item} on [my|the] {name} list",
                  "(remind me|i need) to (buy|get|pick up) {item}",
                  "we('re| are) (out of|low on|running low on|running out of) {item}",
                  "(we've|we have|i've|i have) (run|ran) out of {item}", "we need [more|some] {item}",
                  "(note|jot) down [that i need] {item}", "(can you|please) add {item} [to my list]",
                  "(create|make|start) [a|an] [new] list [called|named|for] [{name}]",
                  "(create|make|start) a [new] {name} list", "(create|make) a list of {item}",
                  "(add|put) {item} (to|on|in) [my|a|the] [new] list", "(new|another) list [for {name}]",
                  "(also|and) add {item} [please]"])
def list_add(args: ListItemArgs, ctx: SkillContext) -> SkillResult:
    return _add(ctx, list_name(ctx, args.name), args.item)


@skill(name="HassListCompleteItem", description="Tick something off a named list", permissions=["lists"],
       phrasings=["(mark|check|tick) {item} (as done|as complete|off) [on my {name} list]",
                  "i (bought|picked up) [the] {item}", "{item} is done", "(complete|check off) {item}"])
def list_complete(args: ListItemArgs, ctx: SkillContext) -> SkillResult:
    return _complete(ctx, list_name(ctx, args.name), args.item)


def _restore(args: RemoveArgs, data: dict[str, Any], ctx: SkillContext) -> SkillResult:
    for item in data["items"]:
        ctx.store.add_item(data["list"], item, ctx.now().timestamp())
    what = data["items"][0] if len(data["items"]) == 1 else f"{len(data['items'])} items"
    return SkillResult(speech=f"Put {what} back on the {data['list']}.")


_CLEAR = "(clear|empty) [out] [the|my] [whole|entire] shopping list"


@skill(name="ListRemoveItem", description="Remove something from a list, or clear the whole list", permissions=["lists"],
       undo=_restore,
       examples=["(erase|strike) {item} from [the|my] shopping list [completely]",
                 "(take|cross) {item} off [the|my] shopping list",
                 Example(template=_CLEAR, slots={"all": True}),
                 Example(template="(remove|delete|erase) (everything|all [the] items) (from|on) [the|my] shopping list",
                         slots={"all": True})],
       phrasings=["(remove|delete|erase|take) {item} (from|off) [my|the] [{name}] list",
                  "cross {item} off [my|the] [{name}] list", "(scratch|strike) {item} [from|off] [my|the] list",
                  "i don't need {item} anymore",
                  "(delete|remove|clear|erase|get rid of|empty) [the|my] [whole|entire] [{name}] list",
                  "(remove|delete|take out|take off) {item} [from (it|my list|the list)]",
                  "(no more|forget [about]|never mind) {item} [on the list]", "i (don't|no longer) want {item} [on my list]",
                  "(remove|delete) the (first|last|second) (item|list|thing) [on my list]",
                  "(delete|remove|clear) my {name} list", "remove item (one|two|three|{number}) [from the list]",
                  "take {item} off [the|my] [{name}] list", "(remove|delete) a list [of {item}]"])
def list_remove(args: RemoveArgs, ctx: SkillContext) -> SkillResult:
    name = list_name(ctx, args.name)
    if args.all:
        return _clear(ctx, name)
    found = find_item(ctx, name, args.item)
    ctx.store.remove_item(found.id)
    return SkillResult(speech=f"Removed {found.item} from the {name}.", data={"list": name, "items": [found.item]})


def _clear(ctx: SkillContext, name: str) -> SkillResult:
    """Every item off the list; the ones still to get come back on an undo."""
    items = ctx.store.items(name)
    for item in items:
        ctx.store.remove_item(item.id)
    still_open = [i.item for i in items if not i.done]
    if not still_open:
        return SkillResult(speech=f"The {name} is already empty.", data={"list": name, "items": []})
    count = f"{len(still_open)} items" if len(still_open) > 1 else "1 item"
    return SkillResult(speech=f"Cleared the {name} ({count}).", data={"list": name, "items": still_open})


@skill(name="ListQuery", description="Read out what is on a list", risk="read", permissions=["lists"],
       examples=["what('s| is) on [the|my] shopping list", "read [me] [the|my] shopping list"],
       phrasings=["what('s| is) on (my|the) [{name}] list", "(read|tell) me [what's on] my [{name}] list",
                  "what do i (need|have) to (buy|get|do) [today]", "(check|show|open) my [{name}] list[s]",
                  "(do|did) i have {item} on [my|the] list", "what (lists|list items) do i have",
                  "what's left on my [{name}] list",
                  "(what|which) lists do i have", "(show|read|tell) me [all] [the] items (on|in) [my|the] {name} list",
                  "(is|are) there {item} on my list", "how many (items|things) are on my [{name}] list",
                  "(open|find|show) [me] [the] {name} list", "what (is|was) on [my] list[s] [{when}]"])
def list_query(args: ListArgs, ctx: SkillContext) -> SkillResult:
    name = list_name(ctx, args.name)
    items = [i.item for i in ctx.store.items(name, done=False)]
    if not items:
        return SkillResult(speech=f"The {name} is empty.", data={"items": []})
    spoken = ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]
    return SkillResult(speech=f"On the {name}: {spoken}.", data={"items": items})
