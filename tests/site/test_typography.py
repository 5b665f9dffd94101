"""French typography in the built pages: a non-breaking space before ``:`` and a narrow one before ``;``, ``?`` and
``!``, never a plain space (the sign could start a line) and never none ("50 professionnels de santé: ...")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from plugins.typography import NBSP, NNBSP, french_html, french_text
from tests.site.conftest import Page

# a sign closing a clause (followed by a space, a closing mark or the end), with what comes before it
SIGN = re.compile(r"(.{0,30}?)([^\S\u00a0\u202f]?)([:;?!])(?=[\s\"»)\]]|$)")
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
READ_META = ("description", "og:title", "og:description")
SKIP = {"script", "style", "code", "pre"}


class Texts(HTMLParser):
    """The texts a reader sees or hears: element text (templates' texts included), titles, labels, descriptions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIP:
            self.skipping += 1
        self.texts += [values[a] or "" for a in READ_ATTRIBUTES if values.get(a)]
        if tag == "meta" and (values.get("name") or values.get("property")) in READ_META:
            self.texts.append(values.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skipping = max(self.skipping - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.texts.append(data)


def faults(text: str) -> list[str]:
    """Signs with a plain space or no space before them (either non-breaking space is accepted)."""
    found = []
    for match in SIGN.finditer(text):
        before, space, sign = match.groups()
        if not before.strip() or before[-1] in ":;?!":
            continue  # at the start of a text (after an element) or "?!": nothing to judge here
        if space or before[-1] not in (NBSP, NNBSP):
            found.append((before + space + sign).strip())
    return found


def test_french_pages_space_their_signs(pages: dict[str, Page]) -> None:
    problems: dict[str, str] = {}
    checked = 0
    for url, page in pages.items():
        if page.one("html").attrs.get("lang") != "fr":
            continue
        parser = Texts()
        parser.feed(page.html)
        for text in parser.texts:
            for fault in faults(text):
                problems.setdefault(fault, url)
        checked += 1
    assert checked > 400
    assert problems == {}, f"{len(problems)} signs without French spacing, e.g. {list(problems.items())[:10]}"


def test_the_rule_itself() -> None:
    assert french_text("Téléphone :") == f"Téléphone{NBSP}:"
    assert french_text("50 professionnels de santé: Cardiologie.") == f"50 professionnels de santé{NBSP}: Cardiologie."
    assert french_text("Annuler ?") == f"Annuler{NNBSP}?"
    assert french_text("avant %(time)s ; passé") == f"avant %(time)s{NNBSP}; passé"
    assert french_text("pour « %(query)s »") == f"pour «{NNBSP}%(query)s{NNBSP}»"
    spaced = french_text("Annuler ? pour « %(query)s » : oui")  # text already spaced stays as it is
    assert french_text(spaced) == spaced
    for untouched in ("à 09:00", "https://example.org/?q=1", "a;b"):
        assert french_text(untouched) == untouched
    html = '<p><strong>Éditeur</strong> : voir <a href="https://x?a=b">ici</a> !</p><pre>a: b</pre>'
    assert (
        french_html(html)
        == f'<p><strong>Éditeur</strong>{NBSP}: voir <a href="https://x?a=b">ici</a>{NNBSP}!</p><pre>a: b</pre>'
    )
    assert french_html("<code>x ;</code> fin ;") == f"<code>x ;</code> fin{NNBSP};"
    assert faults("Premier créneau libre : mardi") == ["Premier créneau libre :"]
    assert faults(f"Premier créneau libre{NBSP}: mardi 12 janvier à 09:00") == []
    assert faults("Annuler?") == ["Annuler?"]
