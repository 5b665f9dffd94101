"""Site languages: message catalogs (gettext .po files read with Babel) and one template environment per language.

Templates call ``_("Opening hours")``. Each language gets its own Jinja environment (an overlay of Pelican's) in
which every constant ``_("...")`` is replaced by its translation when the template is compiled, and the helpers
(``tr``, ``url``, ``day_name``...) are bound to that language: no per-call lookup of the page's language, and
macros need no context. That keeps 200,000 pages fast. ``_("... %(n)s", n=x)`` with values stays a call.
``ngettext("%(count)s result", "%(count)s results", n)`` picks the form of the number with the catalog's own
``Plural-Forms`` (French writes "1 résultat", "0 résultat", "2 résultats"); ``plural_samples`` gives the scripts
one form per plural category of the language (``Intl.PluralRules`` picks among them in the browser).

Messages are written in English; ``theme/translations/<lang>/LC_MESSAGES/messages.po`` holds each other language.
Adding Italian: add ``it`` to ``LANGUAGES`` in pelicanconf.py and an ``it`` catalog (docs/data-files.md).
"""

from __future__ import annotations

import gettext as gettext_module
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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

# the day of a date pattern ("d", not "dd" nor a quoted letter): French writes the first of a month "1er"
FRENCH_DAY = re.compile(r"(?<![d'])d(?![d'])")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CIVILITIES = {
    "dr": {"fr": "Dr", "en": "Dr", "it": "Dott.", "es": "Dr.", "ru": "д-р"},
    "pr": {"fr": "Pr", "en": "Prof.", "it": "Prof.", "es": "Prof.", "ru": "проф."},
    "mr": {"fr": "M.", "en": "Mr", "it": "Sig.", "es": "Sr.", "ru": ""},
    "ms": {"fr": "Mme", "en": "Ms", "it": "Sig.ra", "es": "Sra.", "ru": ""},
    "mx": {"fr": "Mx", "en": "Mx", "it": "", "es": "", "ru": ""},
}


class Catalogs:
    """One message dictionary per language, read from ``<folder>/<lang>/LC_MESSAGES/messages.po``; plural
    messages apart, with the catalog's rule for choosing among their forms (Russian's three forms...)."""

    def __init__(self, folder: Path, languages: list[str]) -> None:
        self.languages = languages
        self.messages: dict[str, dict[str, str]] = {}
        self.plurals: dict[str, dict[str, tuple[str, ...]]] = {}  # singular -> the forms, in the catalog's order
        self.rules: dict[str, Callable[[int], int]] = {}  # n -> index of its form
        for lang in languages:
            po = folder / lang / "LC_MESSAGES" / "messages.po"
            entries: dict[str, str] = {}
            plurals: dict[str, tuple[str, ...]] = {}
            if po.exists():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=lang)
                for m in catalog:
                    if not m.id or m.fuzzy:
                        continue
                    if isinstance(m.string, tuple | list):
                        if all(m.string):
                            plurals[str(m.id[0])] = tuple(str(form) for form in m.string)
                    elif m.string:
                        entries[str(m.id)] = str(m.string)
                self.rules[lang] = gettext_module.c2py(catalog.plural_expr)
            self.messages[lang] = entries
            self.plurals[lang] = plurals

    def gettext(self, lang: str, message: str) -> str:
        return self.messages.get(lang, {}).get(message, message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        """The form of ``n`` (untranslated: the singular for 1, else the plural, as English writes)."""
        forms = self.plurals.get(lang, {}).get(singular)
        if forms is None:
            return singular if n == 1 else plural
        return forms[min(self.rules[lang](n), len(forms) - 1)]


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


def by_language_name(codes: Iterable[str], lang: str) -> list[str]:
    """Language codes in the order of their names in ``lang`` (``["de", "en"]`` in French: anglais, allemand)."""
    return sorted(codes, key=lambda code: language_name(code, lang).casefold())


def endonym(code: str) -> str:
    """A language named in itself: ``"Français"``, ``"English"``."""
    return (_locale(code).get_display_name(code) or code).capitalize()


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
PLURAL_CANDIDATES = (*range(0, 201), 1000, 10_000, 100_000, 1_000_000)


@cache
def plural_samples(lang: str) -> tuple[tuple[str, int], ...]:
    """``(category, a whole number of it)`` for each CLDR plural category a count can have in ``lang``:
    ``(("one", 0), ("many", 1000000), ("other", 2))`` in French. The page renders each category's form for its
    sample; the browser's ``Intl.PluralRules`` says which category a count is."""
    rule = _locale(lang).plural_form
    found = []
    for category in PLURAL_CATEGORIES:
        sample = next((n for n in PLURAL_CANDIDATES if rule(n) == category), None)
        if sample is not None:
            found.append((category, sample))
    return tuple(found)


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


def date_text(value: date_type, form: str, locale: str) -> str:
    """``value`` in Babel's ``form`` ("full", "long"...) for ``locale``, written as the site writes every date (the
    booking scripts' dateText does the same): French "1er" for the first day of a month ("1er juillet 2026"), no
    comma after the weekday ("Tuesday 1 December 2026", en_GB's "full" has one)."""
    parsed = Locale.parse(locale)
    pattern = parsed.date_formats[form].pattern.replace("EEEE, ", "EEEE ")
    if parsed.language == "fr" and value.day == 1:
        pattern = FRENCH_DAY.sub("d'er'", pattern)
    return str(format_date(value, pattern, locale=parsed))


def language_helpers(
    lang: str, catalogs: Catalogs, default_lang: str, locale: str | None = None
) -> dict[str, Callable[..., Any]]:
    """The template helpers of one language: translation, localized labels, names, dates (in ``locale``, the
    language's territory: en_GB writes "7 December 2026" where plain "en" writes "December 7, 2026")."""

    def gettext(message: str, **values: Any) -> str:
        text = catalogs.gettext(lang, message)
        return text % values if values else text

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        """The form for ``n``; with ``values``, filled in, ``count`` (``n`` unless given) written as the language
        writes numbers (10 000, 10.000, 10,000); without, as written (the scripts fill it)."""
        text = catalogs.ngettext(lang, singular, plural, n)
        if not values:
            return text
        count = values.get("count", n)
        return text % {**values, "count": format_decimal(count, locale=lang) if isinstance(count, int) else count}

    def tr(text: Mapping[str, str] | str | None) -> str:
        return localized(text, lang, default_lang)

    def date(value: Any, form: str = "long") -> str:
        if isinstance(value, str):
            value = date_type.fromisoformat(value)
        return date_text(value, form, locale or lang)

    def distance(metres: float) -> str:
        """``"350 m"``, ``"1,2 km"`` (French) or ``"1.2 km"``: tens of metres below a kilometre, then tenths of a
        kilometre; a no-break space before the unit."""
        if metres < 995:
            return f"{max(10, round(metres, -1)):.0f}\u00a0m"
        return f"{format_decimal(round(metres / 1000, 1), locale=lang)}\u00a0km"

    return {
        "_": gettext,
        "ngettext": ngettext,
        "tr": tr,
        "language_name": lambda code: language_name(code, lang),
        "day_name": lambda day: day_name(day, lang),
        "format_date": date,
        # "Monaco", "Монако": a zone's city as the e-mails write it (notify.local_time), for the scripts' times
        "zone_city": lambda zone: str(get_timezone_location(zone, locale=lang, return_city=True)),
        "distance": distance,
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
    locale: str | None = None,
) -> Environment:
    """An overlay of ``base`` for one language: translations inlined, helpers bound to ``lang``; with
    ``shortcuts``, those of plugins.directory.templating (when the installed Jinja2 allows them)."""
    inline = type(f"InlineTranslations_{lang}", (InlineTranslations,), {"messages": catalogs.messages.get(lang, {})})
    # auto_reload off: templates do not change during a build, and with it on every {% from ... import %} of every
    # page stat'ed the component's file again (five a page).
    env = base.overlay(extensions=[inline], cache_size=400, auto_reload=False)
    helpers = language_helpers(lang, catalogs, default_lang, locale)
    env.globals = {
        **base.globals,
        **helpers,
        **extra_globals,
        "lang": lang,
        "plural_samples": plural_samples(lang),
        "LANGUAGE_NAMES": {code: endonym(code) for code in catalogs.languages},
    }
    env.filters = {
        **base.filters,
        "tr": helpers["tr"],
        "language_name": helpers["language_name"],
        "by_language_name": lambda codes: by_language_name(codes, lang),
    }
    return direct(env) if shortcuts else env
