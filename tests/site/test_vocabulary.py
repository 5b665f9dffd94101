"""The search vocabulary (content/search/vocabulary.<lang>.json): every file valid, errors named by file, line and
field, the professionals' keywords in their pages, and what the search page reads of it (<lang>/search/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plugins.directory.model import DataFilesError, load_directory
from plugins.directory.vocabulary import load_vocabularies, normalise
from tests.site.conftest import Page
from tests.site.sitebuild import ROOT, build, copy_content

CONTENT = ROOT / "content"
DIRECTORY = load_directory(CONTENT / "directory")
FILES = sorted((CONTENT / "search").glob("vocabulary.*.json"))


def article_slugs(lang: str, content: Path = CONTENT) -> set[str]:
    found = set()
    for path in (content / "articles" / lang).glob("*.md"):
        match = re.search(r"^Slug:\s*(\S+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        if match:
            found.add(match.group(1))
    return found


def load(languages: list[str], content: Path = CONTENT) -> dict:
    articles = {lang: article_slugs(lang, content) for lang in languages}
    return load_vocabularies(
        content, languages, DIRECTORY, content / "directory" / "schema", articles=articles, report_root=content.parent
    )


def test_every_vocabulary_file_is_valid_with_the_articles_of_its_language() -> None:
    languages = [path.name.split(".")[1] for path in FILES]
    assert {"fr", "en"} <= set(languages)  # a language written ahead of being built is checked as well
    vocabularies = load(languages)
    for lang, vocabulary in vocabularies.items():
        kinds = {entry.kind for entry in vocabulary.entries}
        assert {"profession", "specialty", "body-part", "complaint"} <= kinds, lang


def test_normalise_ignores_case_accents_ligatures_and_punctuation() -> None:
    assert normalise("  Mal au  DOS ") == "mal au dos"
    assert normalise("Œil, oto-rhino·laryngologie (ORL)") == "oeil oto rhino laryngologie orl"
    assert normalise("Pédiatre") == normalise("pediatre")
    assert normalise("Врач-терапевт") == "врач терапевт"  # other scripts keep their letters


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The demo content with one mistake of each kind in the vocabularies."""
    content = copy_content(tmp_path / "content")
    french, english = content / "search" / "vocabulary.fr.json", content / "search" / "vocabulary.en.json"
    edit(french, '{"specialty": "paediatrics"}', '{"specialty": "paediatric"}')  # unknown code
    edit(french, '"oculiste",', '"oculiste", "Généraliste",')  # a term of another entry
    edit(french, '{"article": "back-pain"}', '{"article": "backache"}')  # no such article
    edit(english, '"language": "en"', '"language": "fr"')  # the wrong language
    edit(english, '{"kind": "complaint", "terms": ["asthma"', '{"kind": "illness", "terms": ["asthma"')  # schema
    return content


def test_every_mistake_is_reported_with_file_line_and_field(broken: Path) -> None:
    french, english = broken / "search" / "vocabulary.fr.json", broken / "search" / "vocabulary.en.json"
    with pytest.raises(DataFilesError) as raised:
        load(["fr", "en"], broken)
    found = {(e.file, e.line, e.field): e.message for e in raised.value.errors}
    paediatrics = line_of(french, '"paediatric"}')
    assert found[("content/search/vocabulary.fr.json", paediatrics, "entries[2].targets[0].specialty")] == (
        "unknown specialty 'paediatric' (see taxonomy.json)"
    )
    twice = line_of(french, '"Généraliste"')
    message = found[("content/search/vocabulary.fr.json", twice, "entries[4].terms[4]")]
    assert message == "'Généraliste' is already a term of entries[0]"
    article = ("content/search/vocabulary.fr.json", line_of(french, '"backache"'))
    assert any(key[:2] == article and "no fr article has the Slug 'backache'" in m for key, m in found.items())
    # a file that breaks its schema is not checked further: its schema errors are what it gets
    kind = line_of(english, '"illness"')
    schema = {(file, line, field.split("[")[0]) for file, line, field in found}
    assert ("content/search/vocabulary.en.json", kind, "entries") in schema
    assert not any(key[0].endswith("en.json") and key[2] == "language" for key in found)


def test_a_site_language_without_its_vocabulary_stops_the_build(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    (content / "search" / "vocabulary.en.json").unlink()
    with pytest.raises(DataFilesError) as raised:
        load(["fr", "en"], content)
    assert [str(e) for e in raised.value.errors] == [
        "content/search/vocabulary.en.json:1: (file): missing: each site language needs a vocabulary "
        "(search/vocabulary.en.json)"
    ]


def test_the_build_stops_on_a_broken_vocabulary_and_names_the_line(broken: Path, tmp_path: Path) -> None:
    result = build(tmp_path / "output", content=broken)
    assert result.returncode != 0
    line = line_of(broken / "search" / "vocabulary.fr.json", '"paediatric"}')
    assert f"content/search/vocabulary.fr.json:{line}: entries[2].targets[0].specialty" in result.stdout + result.stderr


def test_a_professional_s_page_carries_the_lay_names_of_what_they_are(pages: dict[str, Page]) -> None:
    gp = next(p for p in DIRECTORY.practitioners if p["specialties"] == ["general-practice"])
    physio = next(p for p in DIRECTORY.practitioners if p["profession"] == "physiotherapist")
    for pid, lang, expected in (
        (gp["id"], "fr", ["généraliste", "médecin traitant", "médecin"]),
        (gp["id"], "en", ["GP", "family doctor", "doctor"]),
        (physio["id"], "fr", ["kiné"]),
        (physio["id"], "en", ["physio"]),
    ):
        role = pages[f"/{lang}/professionals/{pid}/"].one("p", class_="profile__role")
        assert role.attrs["data-pagefind-meta"] == "keywords[data-keywords]"
        keywords = role.attrs["data-keywords"].split(", ")
        assert set(expected) <= set(keywords), keywords
        assert "mal de dos" not in keywords and "back pain" not in keywords  # complaints stay in the browser


def test_the_search_page_reads_the_vocabulary_as_the_pages_filters_name_things(site: Path, pages: dict) -> None:
    values: dict[str, set[str]] = {}
    for page in pages.values():
        for element in page.elements:
            name = element.attrs.get("data-pagefind-filter", "")
            if ":" in name:
                name, text = name.split(":", 1)
            else:
                text = element.text.strip()
            if name:
                values.setdefault(f"{page.url.split('/')[1]}:{name}", set()).add(text)
    for lang in ("fr", "en"):
        data = json.loads((site / lang / "search" / "vocabulary.json").read_text(encoding="utf-8"))
        assert data["language"] == lang
        for entry in data["entries"]:
            for name, value in entry["targets"]:
                assert value in values[f"{lang}:{name}"], (lang, name, value)  # Pagefind finds those pages
        terms = {normalise(term) for entry in data["entries"] for term in entry["terms"]}
        assert normalise(DIRECTORY.specialties["cardiology"]["label"][lang]) in terms  # the labels too
        words = json.loads((site / lang / "search" / "words.json").read_text(encoding="utf-8"))
        assert words == sorted(words, key=normalise)
        p = DIRECTORY.practitioners[0]
        assert {p["family_name"], "Monte"} <= set(words)
        assert "de" not in words and "the" not in words  # no stop word
