"""Jinja2 rendering, one environment per language (translations are installed per environment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup

from app.core.clock import utcnow
from app.core.i18n import HTML_LANG, LANGUAGES, Catalogues, duration_describer
from app.notes.rendering import TagUrl, excerpt, render_text
from app.notes.warnings import decode_labels, warning_text
from app.store.notes import Note
from app.web.messages import CATEGORY_LABELS, LEDGER_STATES, REPORT_CATEGORIES
from app.web.timefmt import absolute_time, time_tag

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def render_note(note: Note, tag_url: TagUrl | None = None) -> Markup:
    """A note's body; with `tag_url`, its `#tags` link to our tag pages."""
    if note.content is None:
        return Markup("")
    if note.content_format == "html":
        # Remote HTML was sanitised when it arrived (federation.sanitize); stored as safe.
        return Markup(note.content)
    return render_text(note.content, tag_url)


def labeller(translations: NullTranslations, texts: dict[str, str]) -> Callable[[str], str]:
    """A code (report category, moderation reason) in words; the code itself when unknown."""

    def label(code: str) -> str:
        message = texts.get(code)
        return translations.gettext(message) if message else code.replace("_", " ")

    return label


def removal_labeller(translations: NullTranslations) -> Callable[[str], str]:
    """Why notes were removed, as the transparency page counts them: a moderation category, a
    report's category ("report: spam"), or a moderator's review."""
    category = labeller(translations, CATEGORY_LABELS)
    report = labeller(translations, REPORT_CATEGORIES)

    def label(reason: str) -> str:
        if reason.startswith("report: "):
            shown = report(reason.removeprefix("report: "))
            return translations.gettext("reported: %(category)s") % {"category": shown}
        if reason == "removed in review":
            return translations.gettext("removed in review")
        return category(reason)

    return label


def state_labeller(translations: NullTranslations) -> Callable[[str], str]:
    def label(state: str) -> str:
        message = LEDGER_STATES.get(state)
        return translations.gettext(message) if message else "—"

    return label


def time_helpers(language: str) -> dict[str, Callable[..., Any]]:
    """`when(moment)`: a `<time>` saying how long ago or how soon, relative to the page's `now`;
    `absolute(moment)`: the date and time in the reader's language."""

    @jinja2.pass_context
    def when(context: jinja2.runtime.Context, moment: datetime) -> Markup:
        now = context.get("now") or utcnow()
        return time_tag(moment, now, language)

    def absolute(moment: datetime) -> str:
        return absolute_time(moment, language)

    return {"when": when, "absolute": absolute}


def warning_of(translations: NullTranslations) -> Callable[[Note], str | None]:
    """A note's content warning for this reader: the poster's own, or the ones moderation added,
    in the reader's language."""

    def warning(note: Note) -> str | None:
        labels = decode_labels(note.warning_labels)
        if labels:
            return warning_text(labels, translations.gettext)
        return note.summary

    return warning


def quote_of(note: Note) -> str:
    return excerpt(note.content, note.content_format)


@dataclass(frozen=True, slots=True)
class Templates:
    environments: dict[str, jinja2.Environment]
    translations: dict[str, NullTranslations]

    @classmethod
    def load(cls, catalogues: Catalogues) -> Templates:
        environments: dict[str, jinja2.Environment] = {}
        for code, translations in catalogues.by_language.items():
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                autoescape=jinja2.select_autoescape(("html", "xml")),
                extensions=["jinja2.ext.i18n"],
                undefined=jinja2.StrictUndefined,
            )
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            env.globals.update(
                render_note=render_note,
                describe=duration_describer(translations),
                state_label=state_labeller(translations),
                report_label=labeller(translations, REPORT_CATEGORIES),
                reason_label=labeller(translations, CATEGORY_LABELS),
                removal_label=removal_labeller(translations),
                content_warning=warning_of(translations),
                quote=quote_of,
                **time_helpers(code),
                languages=LANGUAGES,
                lang=code,
                html_lang=HTML_LANG[code],
            )
            environments[code] = env
        return cls(environments, dict(catalogues.by_language))

    def render(self, language: str, name: str, context: dict[str, Any]) -> str:
        return self.environments[language].get_template(name).render(context)

    def gettext(self, language: str, message: str) -> str:
        return self.translations[language].gettext(message)
