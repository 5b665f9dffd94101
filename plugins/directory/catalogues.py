"""The catalogue check: every shipped language translates every message, with nothing fuzzy and the same values.

Templates are written in English; each other language has ``theme/translations/<lang>/LC_MESSAGES/messages.po``
(the words of the site, the directory, the booking widget, the manage page and the back-office) and
``functions/chalicelib/core/templates/email/<lang>.toml`` (the e-mails, calendar files and texts). A problem is
named by its file and line, so a translator can go straight to it. ``make catalogues`` runs this after extracting
and updating; ``tests/theme/test_catalogues.py`` runs it in the test command.

    python -m plugins.directory.catalogues theme/translations
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "theme" / "translations"
EMAILS = ROOT / "functions" / "chalicelib" / "core" / "templates" / "email"
TEMPLATES = ROOT / "theme" / "templates"
SCRIPTS = ROOT / "theme" / "static" / "js"
SOURCE_LANGUAGE = "en"  # msgids and en.toml are the source
PERCENT = re.compile(r"%\((\w+)\)[sd]")  # the templates' and scripts' placeholders: %(name)s
BRACES = re.compile(r"\{[^{}]*\}")  # the e-mails' placeholders: {when.date}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    what: str
    message: str

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line}: {self.what}: {self.message!r}"


def shipped_languages() -> list[str]:
    """The site's languages other than the source one (pelicanconf.LANGUAGES)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import pelicanconf

    return [code for code in pelicanconf.LANGUAGES if code != SOURCE_LANGUAGE]


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _forms(string: Any) -> list[str]:
    return [str(s) for s in string] if isinstance(string, (tuple, list)) else [str(string or "")]


def catalogue_problems(folder: Path, lang: str) -> Iterator[Problem]:
    """What is wrong with one language's catalogue, compared with the template (messages.pot)."""
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        yield Problem(path, 0, "no catalogue", lang)
        return
    catalog = _read(path, lang)
    template = _read(folder / "messages.pot", lang)
    if catalog.fuzzy:
        yield Problem(path, 1, "the header is marked fuzzy", "")
    for message in template:
        if message.id and catalog.get(message.id, message.context) is None:
            yield Problem(path, 0, "missing (run make catalogues)", str(message.id))
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else " / ".join(message.id)
        forms = _forms(message.string)
        if not all(form.strip() for form in forms):
            yield Problem(path, message.lineno or 0, "untranslated", source)
            continue
        if message.fuzzy:
            yield Problem(path, message.lineno or 0, "fuzzy", source)
        expected = set(PERCENT.findall(source))
        for form in forms:
            if set(PERCENT.findall(form)) != expected:
                yield Problem(path, message.lineno or 0, "placeholders differ", source)
                break


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def _line_of(path: Path, key: str) -> int:
    name = key.rsplit(".", 1)[-1]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.split("=", 1)[0].strip() == name:
            return number
    return 0


def email_problems(folder: Path, lang: str) -> Iterator[Problem]:
    """What is wrong with one language's e-mail words, compared with en.toml: keys, placeholders, bold marks."""
    path = folder / f"{lang}.toml"
    if not path.exists():
        yield Problem(path, 0, "no e-mail words", lang)
        return
    with (folder / f"{SOURCE_LANGUAGE}.toml").open("rb") as handle:
        source = _flatten(tomllib.load(handle))
    with path.open("rb") as handle:
        words = _flatten(tomllib.load(handle))
    for key in sorted(source.keys() - words.keys()):
        yield Problem(path, 0, "missing", key)
    for key in sorted(words.keys() - source.keys()):
        yield Problem(path, _line_of(path, key), "not in en.toml", key)
    for key in sorted(source.keys() & words.keys()):
        if not words[key].strip():
            yield Problem(path, _line_of(path, key), "untranslated", key)
        elif sorted(BRACES.findall(words[key])) != sorted(BRACES.findall(source[key])):
            yield Problem(path, _line_of(path, key), "placeholders differ", key)
        elif words[key].count("**") != source[key].count("**"):
            yield Problem(path, _line_of(path, key), "bold marks (**) differ", key)


# -- visible text not marked for translation -------------------------------------------------------------------------
# Templates: text between tags and the attributes people see or hear (alt, title, placeholder, aria-label), once the
# Jinja expressions and statements are taken out. Scripts: string literals that read as a sentence (two words or more
# with a capital or punctuation) or that are put straight into textContent. Words come from the page's
# <template data-booking-messages> (booking-messages.html) or the pro pages' message templates instead.

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
DYNAMIC_TAG = re.compile(r"(</?[a-z]*)\{\{.*?\}\}")  # <h{{ level }}>
# Blocks whose content goes into an attribute that is not read out (base.html: og:type, <main>'s attributes).
ATTRIBUTE_BLOCKS = re.compile(r"\{%-? block (og_type|main_attributes) -?%\}.*?\{%-? endblock -?%\}", re.S)
SPOKEN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}
WORD = re.compile(r"[^\W\d_]{2,}")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and WORD.search(value.replace("\x00", " ")):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden and WORD.search(data.replace("\x00", " ")):
            self.found.append((self.getpos()[0], data.strip()))


def template_problems(folder: Path = TEMPLATES) -> Iterator[Problem]:
    """Text a template shows without ``_()``."""
    for path in sorted(folder.rglob("*.html")):
        source = ATTRIBUTE_BLOCKS.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
        source = DYNAMIC_TAG.sub(r"\1x", source)
        parser = _VisibleText()
        parser.feed(JINJA.sub(lambda m: "\x00" + "\n" * m.group(0).count("\n"), source))
        for line, text in parser.found:
            yield Problem(path, line, "text not marked for translation", text.replace("\x00", "…"))


LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`|\'((?:[^\'\\\n]|\\.)*)\'')
PROSE = re.compile(r"[^\W\d_]{2,} [^\W\d_]+")  # two words and a space between them
CODE_LIKE = re.compile(r"[/=\[\]#>@]|^\.|:\S|\w\.\w")  # paths, selectors, queries, keys, templates
SHOWN = re.compile(r"(textContent|innerText|placeholder|title|alt)\s*=\s*$|\btext:\s*$")


def script_problems(folder: Path = SCRIPTS) -> Iterator[Problem]:
    """Words a script writes into the page itself instead of taking them from the page's messages."""
    for path in sorted(folder.glob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = "" if line.lstrip().startswith("//") else re.sub(r"\s//\s.*$", "", line)
            for match in LITERAL.finditer(code):
                text = next(g for g in match.groups() if g is not None)
                words = re.sub(r"\$\{[^}]*\}", "", text)  # a template literal's values are not its words
                prose = PROSE.search(words) and not CODE_LIKE.search(words) and re.search(r"^[A-Z]|[.!?:…]$", words)
                shown = SHOWN.search(code[: match.start()]) and WORD.search(words)
                if prose or shown:
                    yield Problem(path, number, "text not marked for translation", text)


def problems(languages: list[str], translations: Path = TRANSLATIONS, emails: Path = EMAILS) -> list[Problem]:
    """Every problem of every shipped language's catalogue and e-mail words."""
    found: list[Problem] = []
    for lang in languages:
        found += catalogue_problems(translations, lang)
        found += email_problems(emails, lang)
    return found + list(template_problems()) + list(script_problems())


def main(argv: list[str]) -> int:
    translations = Path(argv[0]) if argv else TRANSLATIONS
    languages = shipped_languages()
    found = problems(languages, translations)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} to fix: translate each entry above (or mark the text with _()), then run make catalogues.")
        return 1
    print(f"Every message is translated in {', '.join(languages)}, and the templates and scripts mark their words.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
