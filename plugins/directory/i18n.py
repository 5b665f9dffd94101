"""Site languages: message catalogs (gettext .po files read with Babel) and locale-aware labels for templates.

Templates call ``_("Opening hours")``; the language comes from the page being rendered (``lang`` in the template
context, else the article's or page's ``lang``). Messages are written in English; ``theme/translations/<lang>/
LC_MESSAGES/messages.po`` holds each other language. Adding Italian: add ``it`` to ``LANGUAGES`` in pelicanconf.py
and an ``it`` catalog (``pybabel init -i theme/translations/messages.pot -d theme/translations -l it``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as date_type
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from jinja2 import pass_context
from jinja2.runtime import Context


class Catalogs:
    """One message dictionary per language, read from ``<folder>/<lang>/LC_MESSAGES/messages.po``."""

    def __init__(self, folder: Path, languages: list[str]) -> None:
        self.languages = languages
        self.messages: dict[str, dict[str, str]] = {}
        for lang in languages:
            po = folder / lang / "LC_MESSAGES" / "messages.po"
            entries: dict[str, str] = {}
            if po.exists():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=lang)
                entries = {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
            self.messages[lang] = entries

    def gettext(self, lang: str, message: str) -> str:
        return self.messages.get(lang, {}).get(message, message)


def context_lang(context: Context) -> str:
    """The language of the page being rendered."""
    lang = context.get("lang")
    if lang:
        return str(lang)
    for name in ("article", "page"):
        content = context.get(name)
        if content is not None and getattr(content, "lang", None):
            return str(content.lang)
    return str(context.get("DEFAULT_LANG", "fr"))


def localized(text: Mapping[str, str] | str | None, lang: str, default_lang: str) -> str:
    """A per-language text object (``{"fr": ..., "en": ...}``) in ``lang``, else the default language, else any."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(default_lang) or next(iter(text.values()), "")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def language_name(code: str, lang: str) -> str:
    """``language_name("it", "fr")`` -> ``"italien"``."""
    return str(_locale(lang).languages.get(code, code))


def day_name(day: str, lang: str) -> str:
    """``day_name("mon", "fr")`` -> ``"lundi"``."""
    index = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(day)
    return str(_locale(lang).days["format"]["wide"][index])


CIVILITIES = {
    "dr": {"fr": "Dr", "en": "Dr", "it": "Dott."},
    "pr": {"fr": "Pr", "en": "Prof.", "it": "Prof."},
    "mr": {"fr": "M.", "en": "Mr", "it": "Sig."},
    "ms": {"fr": "Mme", "en": "Ms", "it": "Sig.ra"},
    "mx": {"fr": "Mx", "en": "Mx", "it": "Mx"},
}


def person_name(record: Mapping[str, Any], lang: str, default_lang: str) -> str:
    """``Dr Bruno Fioilleau``: civility in the page's language, given and family names."""
    civility = localized(CIVILITIES.get(record.get("civility", ""), {}), lang, default_lang)
    return " ".join(part for part in (civility, record["given_name"], record["family_name"]) if part)


def template_globals(catalogs: Catalogs, default_lang: str) -> dict[str, Any]:
    """The functions every template gets (translation, localized labels, names, dates)."""

    @pass_context
    def gettext(context: Context, message: str, **values: Any) -> str:
        text = catalogs.gettext(context_lang(context), message)
        return text % values if values else text

    @pass_context
    def tr(context: Context, text: Mapping[str, str] | str | None) -> str:
        return localized(text, context_lang(context), default_lang)

    @pass_context
    def lang_name(context: Context, code: str) -> str:
        return language_name(code, context_lang(context))

    @pass_context
    def weekday(context: Context, day: str) -> str:
        return day_name(day, context_lang(context))

    @pass_context
    def date(context: Context, value: Any, form: str = "long") -> str:
        if isinstance(value, str):
            value = date_type.fromisoformat(value)
        return str(format_date(value, form, locale=context_lang(context)))

    @pass_context
    def name(context: Context, record: Mapping[str, Any]) -> str:
        return person_name(record, context_lang(context), default_lang)

    def gettext_in(lang: str, message: str) -> str:
        return catalogs.gettext(lang, message)

    names = {code: (_locale(code).get_display_name(code) or code).capitalize() for code in catalogs.languages}
    return {
        "_": gettext,
        "tr": tr,
        "language_name": lang_name,
        "day_name": weekday,
        "format_date": date,
        "person_name": name,
        "LANGUAGE_NAMES": names,
        "gettext_in": gettext_in,
    }


def template_filters(globals_: dict[str, Any]) -> dict[str, Any]:
    """The same helpers as filters, for ``map()``: ``labels | map("tr")``."""
    return {"tr": globals_["tr"], "language_name": globals_["language_name"]}
