"""The catalogue check (plugins/directory/catalogues.py): run on the real catalogues, and shown to catch each fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from plugins.directory.catalogues import (
    ROOT,
    TRANSLATIONS,
    catalogue_problems,
    email_problems,
    problems,
    script_problems,
    shipped_languages,
    template_problems,
)
from plugins.directory.i18n import Catalogs, language_helpers


def test_every_shipped_language_is_complete_and_every_word_is_marked() -> None:
    assert shipped_languages() == ["fr", "it", "es", "ru"]
    assert [str(p) for p in problems(shipped_languages())] == []


def test_the_message_template_is_current(tmp_path: Path) -> None:
    """messages.pot holds exactly what the templates mark: else `make catalogues` was not run after a change."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).with_name("pybabel"), "-q", "extract", "-F", "theme/babel.cfg", "-o", pot, "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as fresh, (TRANSLATIONS / "messages.pot").open("rb") as kept:
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(kept)}, "run make catalogues"


def _catalogue(folder: Path, lang: str, entries: list[tuple[str, str, bool]]) -> None:
    template, catalog = Catalog(), Catalog(locale=lang, fuzzy=False)
    for msgid, msgstr, fuzzy in entries:
        flags = ["python-format"] + (["fuzzy"] if fuzzy else [])
        template.add(msgid, flags=flags)
        catalog.add(msgid, msgstr, flags=flags)
    (folder / lang / "LC_MESSAGES").mkdir(parents=True)
    with (folder / "messages.pot").open("wb") as handle:
        write_po(handle, template)
    with (folder / lang / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, catalog)


def test_untranslated_fuzzy_and_changed_placeholders_are_named(tmp_path: Path) -> None:
    _catalogue(
        tmp_path,
        "ru",
        [
            ("Search", "Поиск", False),
            ("Next week", "", False),
            ("Reminders", "Напоминания", True),
            ("Wrong code. Attempts left: %(left)s.", "Неверный код. Осталось попыток: %(count)s.", False),
        ],
    )
    found = {(p.what, p.message) for p in catalogue_problems(tmp_path, "ru")}
    assert found == {
        ("untranslated", "Next week"),
        ("fuzzy", "Reminders"),
        ("placeholders differ", "Wrong code. Attempts left: %(left)s."),
    }


def test_an_email_word_with_another_placeholder_or_missing_is_named(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('greeting = "Hello,"\n[code]\nsubject = "Your code for {when.date}"\n')
    (tmp_path / "it.toml").write_text('[code]\nsubject = "Il tuo codice per {when.time}"\n')
    found = {(p.what, p.message) for p in email_problems(tmp_path, "it")}
    assert found == {("missing", "greeting"), ("placeholders differ", "code.subject")}


def test_text_a_template_shows_without_translation_is_named(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "{% block title %}{{ _('Home') }}{% endblock %}\n"
        '<h{{ level }} class="card">{{ name }}</h{{ level }}>\n'
        '<p>{{ _("Opening hours") }}: {{ hours }}</p>\n'
        "<p>Opening hours</p>\n"
        '<img src="x.png" alt="A map of the place">\n'
        "<script>const words = 'not shown';</script>\n"
    )
    found = [(p.line, p.message) for p in template_problems(tmp_path)]
    assert found == [(4, "Opening hours"), (5, 'alt="A map of the place"')]


def test_words_a_script_writes_itself_are_named(tmp_path: Path) -> None:
    (tmp_path / "widget.js").write_text(
        'import { format } from "./api-core.js";\n'
        'status.textContent = msg["m-loading"];\n'
        'status.textContent = "Loading";\n'
        "const list = `${first} – ${last}`;\n"
        "say(`Week of ${date}`);\n"
        'const selector = "[data-period-reasons] input:checked";\n'
        "// Choose a time: a comment is not shown.\n"
    )
    found = [(p.line, p.message) for p in script_problems(tmp_path)]
    assert found == [(3, "Loading"), (5, "Week of ${date}")]


RU = {"one": "медицинский специалист", "few": "медицинских специалиста", "many": "медицинских специалистов"}


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        (
            "ru",
            {1: RU["one"], 21: RU["one"], 3: RU["few"], 24: RU["few"], 5: RU["many"], 11: RU["many"], 12: RU["many"]},
        ),
        ("it", {1: "professionista sanitario", 2: "professionisti sanitari", 1_000_000: "di professionisti sanitari"}),
        ("en", {1: "health professional", 2: "health professionals"}),
    ],
)
def test_counts_take_the_plural_form_of_their_language(lang: str, counts: dict[int, str]) -> None:
    """Russian's three forms (1 and 21, 2-4 and 22-24, 5-20 and 11-14), from the catalogue's rule; numbers are
    written as the language writes them."""
    helpers = language_helpers(lang, Catalogs(TRANSLATIONS, [lang]), "fr")
    one, many = "%(count)s health professional", "%(count)s health professionals"
    for count, words in counts.items():
        text = helpers["ngettext"](one, many, count, count=count)
        assert text.split(" ", 1)[1] == words, (count, text)
    text = helpers["ngettext"](one, many, 12345, count=12345)
    assert text.startswith({"ru": "12\xa0345 ", "it": "12.345 ", "en": "12,345 "}[lang]), text
