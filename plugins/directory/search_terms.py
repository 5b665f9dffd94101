"""What the search page reads besides Pagefind's index, per language, under ``<lang>/search/``:

* ``vocabulary.json``: the language's vocabulary (plugins.directory.vocabulary) with every target as the search
  filter that finds it (``["specialty", "Pédiatrie"]``, ``["type", "Pharmacie"]``, ``["article", "back-pain"]``),
  and the labels of taxonomy.json as terms of their own. The page loads it at once (a few kilobytes), and
  compares terms as ``normalise`` does (search-terms.js has the same function).
* ``words.json``: every word search can correct a typo to (terms, labels, places, establishments, articles'
  titles, professionals' names), as written (accents and capitals: the page shows the corrected query), one per
  normalised form, in the order of those forms. The page loads it on the first query its vocabulary does not
  understand (a name, a place, a topic).

theme/static/js/search-terms.js reads both. A file is written only when its bytes change (its validator, the
ETag, stays the same for browsers that have it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from plugins.directory.records import Directory, compact
from plugins.directory.views import route
from plugins.directory.vocabulary import Vocabulary, normalise

# The establishments' kinds as establishment.html names them (its ``type`` filter); messages of the catalogue.
ESTABLISHMENT_KINDS = {
    "hospital": "Hospital",
    "clinic": "Clinic",
    "laboratory": "Medical laboratory",
    "radiology": "Imaging centre",
    "pharmacy": "Pharmacy",
    "health-centre": "Health centre",
    "nursing-home": "Care home",
}
TAG = re.compile(r"<[^>]*>")
WORD_SEPARATORS = re.compile(r"[\W_]+")


def vocabulary_data(
    v: Vocabulary, d: Directory, tr: Callable[[Any], str], gettext: Callable[[str], str]
) -> dict[str, Any]:
    """The browser's copy of ``v``: entries with their targets as filters, then the taxonomy's labels."""
    entries = []
    taken: set[str] = set()
    for entry in v.entries:
        taken.update(normalise(term) for term in entry.terms)
        targets = [target_filter(kind, code, d, tr, gettext) for kind, code in entry.targets]
        entries.append({"kind": entry.kind, "terms": list(entry.terms), "targets": targets})
    for kind, codes in (("specialty", d.specialties), ("profession", d.professions)):
        for record in codes.values():
            label = tr(record["label"])
            if normalise(label) and normalise(label) not in taken:
                taken.add(normalise(label))
                entries.append({"kind": kind, "terms": [label], "targets": [[kind, label]]})
    return {"language": v.language, "stopwords": v.stopwords, "entries": entries}


def target_filter(
    kind: str, code: str, d: Directory, tr: Callable[[Any], str], gettext: Callable[[str], str]
) -> list[str]:
    """A target as the Pagefind filter (name, value) that finds it on the built pages."""
    if kind == "specialty":
        return ["specialty", tr(d.specialties[code]["label"])]
    if kind == "profession":
        return ["profession", tr(d.professions[code]["label"])]
    if kind == "establishment":
        return ["type", gettext(ESTABLISHMENT_KINDS[code])]
    return ["article", code]


def correction_words(v: Vocabulary, d: Directory, tr: Callable[[Any], str], titles: Iterable[str]) -> list[str]:
    """The words a typo may be corrected to, as first written, three letters or more, without the stop words."""
    texts: list[str] = [term for entry in v.entries for term in entry.terms]
    texts += [tr(r["label"]) for r in (*d.specialties.values(), *d.professions.values())]
    texts += [place["name"] for place in d.places.values()]
    texts += [e["name"] for e in d.establishments]
    texts += [html.unescape(TAG.sub("", title)) for title in titles]
    for p in d.practitioners:
        texts += (p.summary.given_name, p.summary.family_name)
    stopwords = {normalise(word) for word in v.stopwords}
    words: dict[str, str] = {}
    for text in texts:
        for word in WORD_SEPARATORS.split(text):
            key = normalise(word)
            if len(key) >= 3 and key not in stopwords and " " not in key:
                words.setdefault(key, word)
    return [words[key] for key in sorted(words)]


def write_search_terms(
    output: Path,
    vocabularies: Mapping[str, Vocabulary],
    d: Directory,
    helpers: Mapping[str, Mapping[str, Any]],
    titles: Mapping[str, Iterable[str]],
) -> None:
    """``<lang>/search/vocabulary.json`` and ``words.json`` for each language of ``vocabularies``; ``helpers``:
    each language's ``tr`` and ``_`` (the templates' own), ``titles``: its articles' titles."""
    for lang, v in vocabularies.items():
        tr, gettext = helpers[lang]["tr"], helpers[lang]["_"]
        folder = output / route("search", lang)
        write_if_changed(folder / "vocabulary.json", compact(vocabulary_data(v, d, tr, gettext)))
        write_if_changed(folder / "words.json", compact(correction_words(v, d, tr, titles.get(lang, ()))))


def write_if_changed(path: Path, text: str) -> None:
    data = text.encode()
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
