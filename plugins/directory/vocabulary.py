"""The search vocabulary: the words patients use, per language (``content/search/vocabulary.<lang>.json``).

Each entry lists terms ("kiné", "mal de dos", "eye doctor") and what they lead to (specialties, professions, kinds
of establishment, health articles), in the order search results show them. Entries of kind ``profession`` and
``specialty`` name what professionals are: their terms are also written into those professionals' search index
entries (``keywords``). The others (body parts, complaints, services) are resolved in the browser
(``theme/static/js/search-terms.js``, from the file ``search_terms.py`` writes).

Loading checks each file against ``vocabulary.schema.json`` and against the rest of the site: codes of
taxonomy.json, articles of the file's language, the file's language, a term listed twice. Every problem is a
``DataError`` (file, line, field). Another site language is another file, nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.directory.model import DataError, DataFilesError, Schemas, field_name, locate, read_json
from plugins.directory.records import Directory

FOLDER = "search"  # under the content folder (setting SEARCH_VOCABULARY_PATH)
NAMING = frozenset({"profession", "specialty"})  # kinds whose terms go into the professionals' index entries
_SEPARATORS = re.compile(r"[\W_]+")  # anything but letters and digits, of any script
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def normalise(text: str) -> str:
    """What a term or a query is compared as: lower case, no accents, words separated by one space
    (``"Mal au  DOS"`` -> ``"mal au dos"``, ``"Œil"`` -> ``"oeil"``). search-terms.js does the same."""
    text = unicodedata.normalize("NFD", text.lower().translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True)
class Entry:
    kind: str
    terms: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]  # ("specialty", "general-practice"), ("article", "back-pain")...


@dataclass
class Vocabulary:
    """One language's vocabulary, checked."""

    language: str
    entries: list[Entry]
    stopwords: list[str] = field(default_factory=list)
    _naming: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)  # target -> its terms
    _keywords: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            if entry.kind in NAMING:
                for target in entry.targets:
                    self._naming.setdefault(target, []).extend(entry.terms)

    def keywords(self, profession: str, specialties: Iterable[str]) -> str:
        """The terms naming what a professional is (entries of kind profession or specialty that lead to their
        profession or one of their specialties), for their search index entry: ``"généraliste, médecin
        traitant"``; empty when none does. Kept per profession and specialties: 200,000 pages ask."""
        key = (profession, tuple(specialties))
        found = self._keywords.get(key)
        if found is None:
            terms = [*self._naming.get(("profession", profession), ())]
            for code in key[1]:
                terms += self._naming.get(("specialty", code), ())
            found = self._keywords[key] = ", ".join(dict.fromkeys(terms))
        return found


def vocabulary_path(content: Path, lang: str, folder: str = FOLDER) -> Path:
    return content / folder / f"vocabulary.{lang}.json"


def load_vocabularies(
    content: Path,
    languages: Iterable[str],
    directory: Directory,
    schema_dir: Path,
    *,
    articles: Mapping[str, Collection[str]] | None = None,
    folder: str = FOLDER,
    report_root: Path | None = None,
) -> dict[str, Vocabulary]:
    """The vocabulary of each of ``languages``, checked; ``DataFilesError`` with every problem of every file.

    ``schema_dir``: the published schemas (content/directory/schema); ``articles``: the slugs of each language's
    articles, to check the articles named (None: not checked)."""
    root = report_root or content.parent
    schemas = Schemas(schema_dir)
    errors: list[DataError] = []
    found = {}
    for lang in languages:
        path = vocabulary_path(content, lang, folder)
        rel = _rel(path, root)
        if not path.is_file():
            message = f"missing: each site language needs a vocabulary ({folder}/vocabulary.{lang}.json)"
            errors.append(DataError(rel, 1, "", message))
            continue
        loaded = read_json(path, root, errors)
        if loaded is None:
            continue
        raw, value = loaded
        text = raw.decode()
        problems = list(schemas.errors("vocabulary", value))
        if not problems:
            known = None if articles is None else articles.get(lang, ())
            problems = list(check(value, lang, directory, known))
        errors += [DataError(rel, locate(text, where), field_name(where), message) for where, message in problems]
        if not problems:
            found[lang] = Vocabulary(
                lang,
                [
                    Entry(
                        e["kind"],
                        tuple(e["terms"]),
                        tuple(next(iter(t.items())) for t in e["targets"]),
                    )
                    for e in value["entries"]
                ],
                list(value.get("stopwords", [])),
            )
    if errors:
        raise DataFilesError(errors)
    return found


def check(
    value: Mapping[str, Any], lang: str, d: Directory, articles: Collection[str] | None
) -> Iterable[tuple[list[str | int], str]]:
    """What the schema cannot say: the file's language, codes that exist, a term given once."""
    if value["language"] != lang:
        yield ["language"], f"{value['language']!r} is not the language of the file name ({lang!r})"
    seen: dict[str, int] = {}
    for i, entry in enumerate(value["entries"]):
        for j, term in enumerate(entry["terms"]):
            key = normalise(term)
            if not key:
                yield ["entries", i, "terms", j], f"{term!r} has no letter or digit"
            elif key in seen and seen[key] != i:
                yield ["entries", i, "terms", j], f"{term!r} is already a term of entries[{seen[key]}]"
            elif key in seen:
                yield ["entries", i, "terms", j], f"{term!r} is listed twice"
            seen.setdefault(key, i)
        for j, target in enumerate(entry["targets"]):
            (kind, code) = next(iter(target.items()))
            where: list[str | int] = ["entries", i, "targets", j]
            if kind == "specialty" and code not in d.specialties:
                yield [*where, kind], f"unknown specialty {code!r} (see taxonomy.json)"
            elif kind == "profession" and code not in d.professions:
                yield [*where, kind], f"unknown profession {code!r} (see taxonomy.json)"
            elif kind == "article" and articles is not None and code not in articles:
                yield [*where, kind], f"no {lang} article has the Slug {code!r}"
            elif kind in ("article", "establishment") and entry["kind"] in NAMING:
                yield [*where, kind], f"an entry of kind {entry['kind']} leads to professionals only"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
