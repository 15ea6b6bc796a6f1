"""Reader-facing texts for error reasons. Marked with `N_` so the catalogue extractor finds them;
translated at render time."""

from __future__ import annotations

from app.core.states import CANCELLED, DELIVERED, FAILED, GONE, PENDING


def N_(message: str) -> str:
    return message


TITLES = {
    400: N_("That did not work"),
    401: N_("Sign in first"),
    403: N_("Not allowed"),
    404: N_("Nothing here"),
    405: N_("Not allowed"),
    410: N_("Gone"),
    413: N_("Too large"),
    429: N_("Slow down"),
    503: N_("Back in a moment"),
}

REASONS = {
    "text: empty": N_("Write something first: the note is empty."),
    "text: too_long": N_("The note is too long."),
    "summary: too_long": N_("The content warning is too long (at most 200 characters)."),
    "ttl: not_allowed": N_("Choose one of the lifetimes offered for this board."),
    "in_reply_to: not_in_thread": N_("You can only reply to a note of this thread."),
    "th_poster: forged_cookie": N_(
        "Your browser sent a cookie that this server did not make. It has been cleared; "
        "reload the page and try again."
    ),
    "csrf_missing": N_("This form did not come from this site. Reload the page and try again."),
    "cross_site": N_(
        "This form was sent from another site. Open the page here and send it from there."
    ),
    "csrf_invalid": N_(
        "This form has expired or did not come from this site. Reload the page and try again."
    ),
    "bad_token": N_("That deletion token does not belong to this note."),
    "board": N_("There is no such board."),
    "thread": N_("There is no such thread."),
    "note": N_("There is no such note."),
    "gone": N_("This note is gone. Notes expire, and their posters can delete them sooner."),
    "pow: missing": N_(
        "This board asks your browser to solve a small puzzle before posting. "
        "Turn on JavaScript, wait for the puzzle to be solved, and post again."
    ),
    "pow: invalid": N_("The puzzle answer was not right. Reload the page and post again."),
    "pow: spent": N_("That puzzle was already used. Reload the page and post again."),
    "report: invalid": N_("Choose what is wrong with the note (and keep the comment short)."),
    "rate_limited": N_(
        "You are posting faster than this board allows. Wait a little and try again."
    ),
    "too_large": N_("What you sent is larger than this server accepts."),
    "unavailable": N_(
        "This server cannot reach its database right now, so nothing you sent was stored. "
        "Try again in a minute."
    ),
    "not_found": N_("There is nothing at this address."),
    "method": N_("This address does not take that kind of request."),
    "before: bad_cursor": N_("That page link is broken. Go back to the board and try again."),
    "form: malformed": N_("The form arrived damaged. Reload the page and try again."),
    "not_authenticated": N_(
        "This page is for the moderators of this server. Sign in, or sign in again if your "
        "session has ended."
    ),
    "not_permitted": N_("Only an admin can change this; moderators can act on content only."),
    "report": N_("There is no such open report."),
}

LEDGER_STATES = {
    DELIVERED: N_("Done"),
    PENDING: N_("In progress"),
    FAILED: N_("Failed"),
    GONE: N_("Server gone"),
    CANCELLED: N_("Not sent"),
    "fetched": N_("Fetched it (someone there liked, boosted or replied)"),
}

REJECTED = N_("This note was not posted: it breaks the rules of this place (%(reason)s).")
CATEGORY_LABELS = {
    "sexual": N_("sexual content"),
    "harassment": N_("harassment"),
    "violence": N_("violence"),
    "fraud": N_("fraud"),
    "self_harm": N_("self-harm"),
    "hate": N_("hate"),
    "spam": N_("spam"),
    "profanity": N_("profanity"),
    "offensive": N_("offensive language"),
    "link": N_("links"),
    "contact": N_("contact details"),
    "duplicate": N_("a copy of a recent post"),
    "link_not_allowed": N_("a link to a site that is not allowed"),
    "link_shortener": N_("a shortened link"),
    "premoderation": N_("the board reviews new posts"),
    "silenced": N_("the sender is silenced"),
    "under_attack": N_("the instance is under attack"),
    "care": N_("care: it mentions self-harm, read it first"),
}

# Why a poster's note waits for a moderator, said to the poster (posted page), by the reason
# moderation recorded.
HELD_BECAUSE = {
    "link": N_("It contains a link, and links to most sites wait for a person to look at them."),
    "link_not_allowed": N_(
        "It contains a link to a site that is not on this server's list of allowed sites."
    ),
    "link_shortener": N_("It contains a shortened link, which could lead anywhere."),
    "contact": N_(
        "It contains what looks like contact details (an e-mail address, a phone number or a "
        "messenger ID). Sharing those here can put people at risk."
    ),
    "duplicate": N_("It looks like a copy of a recent post: floods copy and paste."),
    "premoderation": N_("On this board a moderator reads new posts before they go up."),
    "under_attack": N_(
        "The server is flooded with posts right now, so every new post waits for a moderator."
    ),
    "care": N_(
        "A person here reads it before anyone else does, because it sounds like you are going "
        "through something hard. If you are in danger now, please call one of the lines on the "
        "help page."
    ),
}
HELD_FLAGGED = N_("Our filters flagged it for %(reason)s; a person will decide.")
HELD_UNKNOWN = N_("A check flagged it; a person will decide.")

REPORT_CATEGORIES = {
    "spam": N_("Spam or advertising"),
    "sexual": N_("Sexual content"),
    "harassment": N_("Harassment or bullying"),
    "violence": N_("Violence or threats"),
    "self_harm": N_("Someone may hurt themselves"),
    "personal_data": N_("Personal information about someone"),
    "illegal": N_("Illegal content"),
    "other": N_("Something else"),
}

# Chart titles on the transparency page.
CHART_REMOVED = N_("Removed, per week")
CHART_HELD = N_("Held for review, per week")
CHART_REPORTS = N_("Reports received, per week")
