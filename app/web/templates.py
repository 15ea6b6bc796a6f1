"""Jinja2 rendering, one environment per language (translations are installed per environment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup

from app.core.i18n import HTML_LANG, LANGUAGES, Catalogues
from app.notes.rendering import TagUrl, render_text
from app.store.notes import Note
from app.web.messages import CATEGORY_LABELS, LEDGER_STATES, REPORT_CATEGORIES

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def render_note(note: Note, tag_url: TagUrl | None = None) -> Markup:
    """A note's body; with `tag_url`, its `#tags` link to our tag pages."""
    if note.content is None:
        return Markup("")
    if note.content_format == "html":
        # Remote HTML was sanitised when it arrived (federation.sanitize); stored as safe.
        return Markup(note.content)
    return render_text(note.content, tag_url)


def duration_describer(translations: NullTranslations) -> Callable[[int], str]:
    def describe(seconds: int) -> str:
        if seconds % 86400 == 0:
            days = seconds // 86400
            return translations.ngettext("%(num)d day", "%(num)d days", days) % {"num": days}
        if seconds % 3600 == 0:
            hours = seconds // 3600
            return translations.ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
        minutes = max(1, seconds // 60)
        return translations.ngettext("%(num)d minute", "%(num)d minutes", minutes) % {
            "num": minutes
        }

    return describe


def labeller(translations: NullTranslations, texts: dict[str, str]) -> Callable[[str], str]:
    """A code (report category, moderation reason) in words; the code itself when unknown."""

    def label(code: str) -> str:
        message = texts.get(code)
        return translations.gettext(message) if message else code.replace("_", " ")

    return label


def state_labeller(translations: NullTranslations) -> Callable[[str], str]:
    def label(state: str) -> str:
        message = LEDGER_STATES.get(state)
        return translations.gettext(message) if message else "—"

    return label


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
