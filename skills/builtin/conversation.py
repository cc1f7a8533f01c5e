"""Conversation: answers, a polite "I can't do that offline", small talk, never mind, announcements."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skills.sdk import Example, NoArgs, SkillContext, SkillResult, skill


class AnswerArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The short spoken answer, one or two sentences", max_length=400)


class UnsupportedArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Left to templates: a small model's reasons read badly ("I can't the user needs..."), so the
    # model declines with the plain sentence instead.
    reason: str | None = Field(None, description="What was asked that can't be done offline, e.g. 'order food'",
                               max_length=120, json_schema_extra={"llm": False})


@skill(name="Answer", description="Answer a question in words; changes nothing", risk="read",
       phrasings=["who (is|was|were) {thing}", "what (is|are|was|were) [a|an|the] {thing}",
                  "(when|where) (is|was|did|were) {thing}",
                  "how (tall|old|big|far|long|deep|heavy|fast|high|many|much) (is|are|was) {thing}",
                  "how many {thing} (are there|does {thing} have) [in {thing}]", "what does {thing} mean",
                  "define {thing}", "(what's|what is) the (definition|meaning) of {thing}",
                  "(tell me|what do you know) about {thing}",
                  "what is the (capital|population|currency|language) of {thing}",
                  "(who|when) (invented|discovered|wrote|painted|founded|directed) {thing}",
                  "why (is|are|do|does) {thing}", "how (do|does) {thing} work",
                  "(is|are) {thing} (a|an|the) {thing}",
                  "which {thing} is the (biggest|largest|smallest|tallest|longest|oldest)",
                  "(tell me|say|make up) a (joke|story|riddle|fun fact|poem)",
                  "(make me laugh|say something funny|entertain me)", "how are you [doing] [today]",
                  "what('s| is) your (name|favourite|favorite {thing})", "(who|what) are you",
                  "(are|do) you {thing}", "do you (like|love|know|have) {thing}",
                  "i('m| am) (bored|tired|sad|happy|hungry|lonely|stressed)", "what do you think (of|about) {thing}",
                  "(sing|rap) [me] a song", "you('re| are) (great|funny|smart|awesome|the best|stupid|annoying)",
                  "i (love|like|hate) you", "(who|what company) (made|built|created) you",
                  "what('s| is) the meaning of life", "(can|could) you (help me|tell me) {thing}",
                  "how do you (spell|say|pronounce) {thing}", "what rhymes with {thing}",
                  "give me (a|some) (tip|advice|idea) (for|about|on) {thing}",
                  "what should i (do|eat|cook|wear|name) {thing}", "is it (true|possible) that {thing}",
                  "(what|which) (year|century) (was|did) {thing}"])
def answer(args: AnswerArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=args.text)


@skill(
    name="Unsupported",
    description="Say politely that a request needs something this offline device can't do",
    risk="read",
    phrasings=["(send|write|compose) [an|a] (email|mail|e-mail) to {thing} [about {thing}|saying {thing}]",
               "email {thing} [about|that] {thing}",
               "(check|read|open) my (email|emails|e-mails|inbox|mail|messages|voicemail)",
               "(do|did) i (have|get|receive) (any|new|unread) (emails|mail|messages|e-mails) [from {thing}]",
               "(any|new) (emails|mail|messages) from {thing}",
               "(reply|respond) to [the] (email|message) from {thing}",
               "(forward|delete) [the] email (from|about) {thing}",
               "(what is|what's|find) {thing}'s (email [address]|phone number|address|number)",
               "(add|save) {thing} (to|in|as) my contacts",
               "(text|message|call|phone|ring|dial|facetime|skype) {thing}",
               "send (a|an) (text|message|sms|whatsapp) to {thing} [saying {thing}]",
               "(post|tweet|share|upload) {thing} (on|to) (facebook|twitter|instagram|social media|linkedin)",
               "(update|change) my (facebook|twitter|instagram) (status|profile)",
               "(check|what's new on|any updates on) [my] (facebook|twitter|instagram|social media|notifications|feed)",
               "(complain|write) to {thing} on (twitter|facebook)",
               "what('s| is) the (latest|today's|breaking|top|current) news [about|on|from|in {thing}]",
               "(tell|give|read) me the (news|headlines|latest news)",
               "(any|what's the) news (about|on|from) {thing}", "what's (happening|going on) in the world",
               "(latest|current) (sports|political|tech|business|local) news",
               "(order|buy|purchase|get) [me] [some] {thing} (online|delivered|from {thing})",
               "(order|buy) [me] [a|an|some] {thing}", "i (want|would like|'d like) to order {thing}",
               "(does|do|is there) {thing} (deliver|do delivery|do takeaway|do takeout|open)",
               "(where|what's the status of) my (order|delivery|package|parcel)",
               "(book|call|get|order) [me] (a|an) (taxi|cab|uber|lyft|ride|car) [to {thing}|for {thing}]",
               "(book|buy|get|find) [me] [a] (train|plane|bus|flight|airline|concert|movie|theatre) (ticket|tickets|seat) [to|for {thing}]",
               "when (is|does) the next (train|bus|flight|tram) (to|from|leave for) {thing}",
               "(how is|how's|what's) the traffic [(on|to|near) {thing}]",
               "how long (will it|does it|would it) take to (get|drive|go|walk|commute) to {thing}",
               "(give me|get) directions to {thing}", "navigate (me) to {thing}",
               "(is there|are there) (traffic|delays|roadworks) [on {thing}]",
               "(book|reserve) [a] (table|hotel|room|restaurant) [for {thing}|at {thing}]",
               "what('s| is) the (stock|share) price (of|for) {thing}",
               "how (is|are) {thing} (stock|shares|stocks) doing [today]",
               "how('s| is) the (stock market|dow|nasdaq|ftse) [doing] [today]",
               "(what's|what is) the (exchange|conversion) rate (of|for|between|from) {thing} (and|to) {thing}",
               "how much is (a|one|{number}) (dollar|dollars|euro|euros|pound|pounds|yen|rupees) in {thing}",
               "convert {number} (dollars|euros|pounds|yen|rupees) (to|into) {thing}",
               "(recommend|suggest) [me] (a|some|a good) (restaurant|bar|cafe|movie|film|book|show|series|place|hotel|event) [to {thing}|in {thing}|near me]",
               "what (movies|films|shows) are (playing|showing|on|out) [{thing}|near me]",
               "what('s| is) (happening|going on|on) (in town|near me|nearby|this weekend|tonight)",
               "(are there|any) (events|concerts|festivals|things to do) (near me|nearby|in {thing}|this weekend)",
               "(where|what) is the (nearest|closest|best) {thing} [near me|around here]",
               "find [me] a {thing} (nearby|near me|around here)", "(let's|i want to|can we) play (a game|{thing})",
               "play (a game|trivia|a quiz|chess|cards) with me", "(start|open) [a|the] (game|quiz|trivia)",
               "(how do i|how to|how can i) (make|cook|bake|prepare) {thing}",
               "(give|find|show) me a recipe for {thing}", "what can i (make|cook|bake) with {thing}",
               "(what|which) (song|music|track) is (this|playing|that)",
               "who (sings|sang|wrote|is singing) (this|that) [song]",
               "i (like|love|hate|don't like|dislike) this (song|music|artist|band|track)",
               "(add|save) this song to my (favourites|favorites|playlist|library)",
               "(remember|note) that i (like|love|don't like) {thing}",
               "(search|google|look up|browse) {thing} [online|on the internet|on the web]",
               "(open|go to|visit) {thing} (website|dot com|.com)",
               "(translate|say) {thing} (in|into) (french|spanish|german|chinese|japanese)",
               "(pay|transfer) {thing} (to|for) {thing}", "what('s| is) my (bank balance|account balance)",
               "(turn on|start|open) [the] (camera|webcam) and (record|take a picture)",
               "take a (picture|photo|selfie)",
               "(let's|lets|let us|shall we) play [a game of] {thing}",
               "play (chess|poker|solitaire|cards|tic tac toe|trivia|pinball|snake|scrabble|checkers|games) [with me]",
               "i (feel like|want to) play[ing] (a game|chess|cards|{thing}) [with you]",
               "(turn on|turn off|enable|disable|stop) (shuffle|repeat) [mode]", "(shuffle|repeat) (on|off)",
               "(repeat|loop) (this|that|the current) (song|track|album)",
               "(i need|need|get me|book me) a (taxi|cab|uber|ride) {when} [to {thing}]",
               "(have|send) (an uber|a taxi|a cab|a car) (to|at) my (house|place|home) [in {thing}]",
               "(add|save) {thing} to my (contacts|contact list|address book)",
               "check if i (got|have) any (emails|mail|messages) [from {thing}]"],
)
def unsupported(args: UnsupportedArgs, ctx: SkillContext) -> SkillResult:
    if args.reason:
        return SkillResult(speech=f"Sorry, I can't {args.reason.rstrip('.')} on this device; it works offline.")
    return SkillResult(speech="Sorry, I can't do that: I work offline and have no skill for it.")


@skill(name="HassNevermind", description="The user takes the request back; do nothing", risk="read",
       examples=["(never mind|nevermind|forget it|cancel that)"],
       phrasings=["(never mind|nevermind|forget it|forget about it|cancel that|stop|that's all|nothing)",
                  "i didn't (mean|say) (that|anything)"])
def nevermind(args: NoArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech="")


class RespondArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    response: str | None = Field(None, description="What to say back", max_length=200)


@skill(name="HassRespond", description="Reply to small talk such as a greeting or thanks", risk="read",
       examples=[Example(template="(hello|hi|hey) [there]", slots={"response": "Hello!"}),
                 Example(template="(thank you|thanks) [a lot]", slots={"response": "You're welcome."})],
       phrasings=["(good morning|good night|good evening|good afternoon)",
                  "(thanks|thank you) [so much|very much|a lot]", "(hi|hello|hey) [hark|there]",
                  "(nice|good) to (meet|see) you"])
def respond(args: RespondArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=args.response or "OK.")


class BroadcastArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(description="The message to announce", max_length=300,
                         json_schema_extra={"ask": "What should I announce?"})


@skill(name="HassBroadcast", description="Announce a message out loud in the home", permissions=["media"],
       phrasings=["(announce|broadcast) [that] {message} [to everyone|to the house]",
                  "tell everyone [that] {message}", "(say|shout) {message} to (everyone|the house|all rooms)"])
def broadcast(args: BroadcastArgs, ctx: SkillContext) -> SkillResult:
    return SkillResult(speech=f"Announcement: {args.message}", data={"message": args.message})
