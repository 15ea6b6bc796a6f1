"""Times as people read them: relative ("3h ago", "in 21h") in the reader's language, with the
absolute time (also in their language, in UTC, said so) on the `<time>` element. Babel's CLDR data
words both, so no catalogue entry is needed per unit."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date, format_time, format_timedelta
from markupsafe import Markup, escape

BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}


def absolute_time(moment: datetime, language: str) -> str:
    """`Mar 1, 2025 12:00 PM UTC`, `2025年3月1日 12:00 UTC`: the date and minute in the reader's
    language; UTC said plainly, since a page without script cannot know the reader's zone."""
    locale = BABEL_LOCALES.get(language, "en")
    day = format_date(moment.astimezone(UTC), "medium", locale=locale)
    clock = format_time(moment, "short", tzinfo=UTC, locale=locale)
    return f"{day} {clock} UTC"


def relative_time(moment: datetime, now: datetime, language: str) -> str:
    """`3h ago`, `in 21h`; a unit is used from one whole unit up (21 hours stay hours)."""
    return format_timedelta(
        moment - now,
        add_direction=True,
        threshold=1,
        format="narrow",
        locale=BABEL_LOCALES.get(language, "en"),
    )


def time_tag(moment: datetime, now: datetime, language: str) -> Markup:
    """`<time datetime="…" title="absolute">relative</time>`."""
    iso = moment.astimezone(UTC).isoformat()
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        iso, absolute_time(moment, language), escape(relative_time(moment, now, language))
    )


def week_label(day: date, language: str) -> str:
    """`Week of Mar 3, 2025` said as a date: the week's Monday in the reader's language."""
    return format_date(day, "medium", locale=BABEL_LOCALES.get(language, "en"))


def day_label(day: date, language: str) -> str:
    return format_date(day, "medium", locale=BABEL_LOCALES.get(language, "en"))
