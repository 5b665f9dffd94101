"""Site languages: message catalogs (gettext .po files read with Babel) and one template environment per language.

Templates call ``_("Opening hours")``. Each language gets its own Jinja environment (an overlay of Pelican's) in
which every constant ``_("...")`` is replaced by its translation when the template is compiled, and the helpers
(``tr``, ``url``, ``day_name``...) are bound to that language: no per-call lookup of the page's language, and
macros need no context. That keeps 200,000 pages fast. ``_("... %(n)s", n=x)`` with values stays a call.

Messages are written in English; ``theme/translations/<lang>/LC_MESSAGES/messages.po`` holds each other language.
Adding Italian: add ``it`` to ``LANGUAGES`` in pelicanconf.py and an ``it`` catalog (docs/data-files.md).
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Callable, Iterator, Mapping
from datetime import date as date_type
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from babel import Locale
from babel.dates import format_date, get_timezone_location
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from plugins.directory.templating import direct

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CIVILITIES = {
    "dr": {"fr": "Dr", "en": "Dr", "it": "Dott.", "es": "Dr.", "ru": "д-р"},
    "pr": {"fr": "Pr", "en": "Prof.", "it": "Prof.", "es": "Prof.", "ru": "проф."},
    "mr": {"fr": "M.", "en": "Mr", "it": "Sig.", "es": "Sr.", "ru": ""},
    "ms": {"fr": "Mme", "en": "Ms", "it": "Sig.ra", "es": "Sra.", "ru": ""},
    "mx": {"fr": "Mx", "en": "Mx", "it": "", "es": "", "ru": ""},
}


class Catalogs:
    """One message dictionary per language, read from ``<folder>/<lang>/LC_MESSAGES/messages.po``; messages with
    plural forms apart, each language with its catalogue's plural rule (Russian's three forms...)."""

    def __init__(self, folder: Path, languages: list[str]) -> None:
        self.languages = languages
        self.messages: dict[str, dict[str, str]] = {}
        self.plurals: dict[str, dict[str, tuple[str, ...]]] = {}
        self.plural_rules: dict[str, Callable[[int], int]] = {}
        for lang in languages:
            po = folder / lang / "LC_MESSAGES" / "messages.po"
            entries: dict[str, str] = {}
            plurals: dict[str, tuple[str, ...]] = {}
            rule = "(n != 1)"  # English's, the source's
            if po.exists():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=lang)
                for m in catalog:
                    if not m.id or m.fuzzy:
                        continue
                    if isinstance(m.id, str) and m.string:
                        entries[m.id] = str(m.string)
                    elif isinstance(m.string, (tuple, list)) and all(m.string):
                        plurals[str(m.id[0])] = tuple(str(s) for s in m.string)
                rule = catalog.plural_expr
            self.messages[lang] = entries
            self.plurals[lang] = plurals
            self.plural_rules[lang] = gettext_module.c2py(rule)

    def gettext(self, lang: str, message: str) -> str:
        return self.messages.get(lang, {}).get(message, message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        """The form of ``singular`` for the number ``n`` in ``lang`` (the untranslated English one when missing)."""
        forms = self.plurals.get(lang, {}).get(singular)
        if forms is None:
            return singular if n == 1 else plural
        return forms[min(self.plural_rules[lang](n), len(forms) - 1)]


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


@cache
def language_name(code: str, lang: str) -> str:
    """``language_name("it", "fr")`` -> ``"italien"``."""
    return str(_locale(lang).languages.get(code, code))


def endonym(code: str) -> str:
    """A language named in itself: ``"Français"``, ``"English"``."""
    return (_locale(code).get_display_name(code) or code).capitalize()


@cache
def day_name(day: str, lang: str) -> str:
    """``day_name("mon", "fr")`` -> ``"lundi"``."""
    return str(_locale(lang).days["format"]["wide"][WEEKDAYS.index(day)])


def person_name(record: Mapping[str, Any], lang: str, default_lang: str) -> str:
    """``Dr Bruno Fioilleau``: civility in the page's language, given and family names."""
    titles = CIVILITIES.get(record.get("civility", ""), {})
    # An empty title is a choice (Russian names people without "Mr"), not a missing translation.
    civility = titles[lang] if lang in titles else localized(titles, lang, default_lang)
    return " ".join(part for part in (civility, record["given_name"], record["family_name"]) if part)


class InlineTranslations(Extension):
    """Replaces ``_("constant")`` by its translation at compile time (one subclass per language)."""

    messages: ClassVar[dict[str, str]] = {}

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            window = tokens[i : i + 4]
            if (
                len(window) == 4
                and window[0].test("name:_")
                and window[1].type == "lparen"
                and window[2].type == "string"
                and window[3].type == "rparen"
            ):
                yield Token(window[0].lineno, "string", self.messages.get(window[2].value, window[2].value))
                i += 4
                continue
            yield tokens[i]
            i += 1


def language_helpers(lang: str, catalogs: Catalogs, default_lang: str) -> dict[str, Callable[..., Any]]:
    """The template helpers of one language: translation, localized labels, names, dates."""

    def gettext(message: str, **values: Any) -> str:
        text = catalogs.gettext(lang, message)
        return text % values if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        """``ngettext("%(count)s professional", "%(count)s professionals", n)``: the language's form for ``n``,
        with ``count`` written as the language writes numbers (10 000, 10.000, 10,000)."""
        text = catalogs.ngettext(lang, singular, plural, n)
        return text % {"count": format_decimal(n, locale=lang), **values}

    def tr(text: Mapping[str, str] | str | None) -> str:
        return localized(text, lang, default_lang)

    def date(value: Any, form: str = "long") -> str:
        if isinstance(value, str):
            value = date_type.fromisoformat(value)
        return str(format_date(value, form, locale=lang))

    return {
        "_": gettext,
        "ngettext": ngettext,
        "tr": tr,
        "language_name": lambda code: language_name(code, lang),
        "day_name": lambda day: day_name(day, lang),
        "format_date": date,
        # "Monaco", "Монако": a zone's city as the e-mails write it (notify.local_time), for the scripts' times
        "zone_city": lambda zone: str(get_timezone_location(zone, locale=lang, return_city=True)),
        "person_name": lambda record: person_name(record, lang, default_lang),
        "gettext_in": catalogs.gettext,
    }


def language_environment(
    base: Environment,
    lang: str,
    catalogs: Catalogs,
    default_lang: str,
    extra_globals: Mapping[str, Any],
    *,
    shortcuts: bool = True,
) -> Environment:
    """An overlay of ``base`` for one language: translations inlined, helpers bound to ``lang``; with
    ``shortcuts``, those of plugins.directory.templating (when the installed Jinja2 allows them)."""
    inline = type(f"InlineTranslations_{lang}", (InlineTranslations,), {"messages": catalogs.messages.get(lang, {})})
    # auto_reload off: templates do not change during a build, and with it on every {% from ... import %} of every
    # page stat'ed the component's file again (five a page).
    env = base.overlay(extensions=[inline], cache_size=400, auto_reload=False)
    helpers = language_helpers(lang, catalogs, default_lang)
    env.globals = {
        **base.globals,
        **helpers,
        **extra_globals,
        "lang": lang,
        "LANGUAGE_NAMES": {code: endonym(code) for code in catalogs.languages},
    }
    env.filters = {**base.filters, "tr": helpers["tr"], "language_name": helpers["language_name"]}
    return direct(env) if shortcuts else env
