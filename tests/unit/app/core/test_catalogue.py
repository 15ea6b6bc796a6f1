"""The Simplified Chinese catalogue against the messages the code actually marks.

Extraction uses babel.cfg (the same mapping `pybabel extract -F babel.cfg .` would use), with
Jinja2's own extractor for the templates, so a new `_()` in a template or an `N_()` in Python
without a zh translation fails here, and so does a zh entry nothing uses any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import jinja2.ext
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.core.i18n import LOCALE_DIR, load_translations

ROOT = Path(__file__).resolve().parents[4]
ZH_PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po"
# A printf-style conversion: named (%(num)d), positional (%s) or an escaped percent (%%).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")

MsgId = str | tuple[str, ...]


def extracted_messages() -> dict[str, MsgId]:
    """Every marked message in app/, keyed by its singular msgid."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    methods = [
        (pattern, jinja2.ext.babel_extract if method == "jinja2" else method)
        for pattern, method in method_map
    ]
    found: dict[str, MsgId] = {}
    for _, _, msgid, _, _ in extract_from_dir(str(ROOT), methods, options_map):
        found[msgid[0] if isinstance(msgid, tuple) else msgid] = msgid
    return found


def zh_catalog() -> Catalog:
    with ZH_PO.open("rb") as handle:
        return read_po(handle, locale="zh")


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(PLACEHOLDER.findall(text))


def strings_of(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def test_extraction_finds_templates_python_and_plurals() -> None:
    found = extracted_messages()
    assert "Your note" in found  # a template
    assert "There is no such board." in found  # an N_() in app/web/messages.py
    assert found["%(num)d day"] == ("%(num)d day", "%(num)d days")  # ngettext in Python
    assert found["%(num)d reply"] == ("%(num)d reply", "%(num)d replies")  # ngettext in Jinja


def test_catalogue_zh_translates_every_extracted_message() -> None:
    catalog = zh_catalog()
    missing = []
    for key, msgid in extracted_messages().items():
        message = catalog.get(key)
        if message is None or message.fuzzy or not all(s.strip() for s in strings_of(message)):
            missing.append(key)
        elif isinstance(msgid, tuple) and message.id != msgid:
            missing.append(f"{key} (plural form changed)")
    assert missing == []


def test_catalogue_zh_has_no_obsolete_or_unused_entries() -> None:
    catalog = zh_catalog()
    used = extracted_messages()
    assert list(catalog.obsolete) == []
    unused = [m.id for m in entries(catalog) if (m.id[0] if m.pluralizable else m.id) not in used]
    assert unused == []


def test_catalogue_zh_keeps_python_format_placeholders() -> None:
    catalog = zh_catalog()
    mismatched = []
    for message in entries(catalog):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        # Chinese has one plural form: it must carry the plural msgid's placeholders.
        expected = placeholders(ids[-1])
        for string in strings_of(message):
            if placeholders(string) != expected:
                mismatched.append((ids[-1], string))
    assert mismatched == []
    assert [(m.id, errors) for m, errors in catalog.check() if errors] == []


def test_catalogue_zh_header_declares_simplified_chinese_with_one_plural() -> None:
    catalog = zh_catalog()
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == "zh_Hans"
    assert headers["Plural-Forms"] == "nplurals=1; plural=0;"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert catalog.num_plurals == 1
    assert all(len(strings_of(m)) == 1 for m in entries(catalog) if m.pluralizable)


@pytest.mark.parametrize(("count", "expected"), [(1, "1 天"), (7, "7 天")], ids=["one", "many"])
def test_catalogue_zh_compiles_in_memory_with_plurals(count: int, expected: str) -> None:
    translations = load_translations("zh")
    assert translations.gettext("Treehole") == "树洞"
    assert translations.ngettext("%(num)d day", "%(num)d days", count) % {"num": count} == expected
