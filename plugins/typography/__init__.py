"""French typography in the built pages: a non-breaking space before ``:`` and a narrow one before ``;``, ``?``
and ``!`` (the French national printing office's rules, which French readers expect; a plain space would let the
sign start a line). The message catalogue and templates are written that way; articles and pages are Markdown
written by health writers, so each French one gets the spacing as Pelican reads it (title, summary, text and an
article's sources).
"""

from __future__ import annotations

import html as html_text
import re
from typing import Any

from pelican import signals

NBSP, NNBSP = "\u00a0", "\u202f"
SPACES = " \u00a0\u202f"
# a sign after a word (or a closing mark), with or without a space, followed by a space, a closing mark or the end:
# "09:00", "https://", "?q=" and "a;b" are left alone
SIGN = re.compile(r"([^\s:;?!])[ \u00a0\u202f]?([:;?!])(?=[\s\"»)\]]|$)")
LEADING_SIGN = re.compile(r"^[ \u00a0\u202f]*([:;?!])(?=[\s\"»)\]]|$)")
GUILLEMETS = re.compile(r"(«)[ \u00a0\u202f]*|[ \u00a0\u202f]*»")  # any spacing there becomes one (idempotent)
TAG = re.compile(r"(<[^>]*>)")
ASCII_SPACES = re.compile(r"[ \t\r\n\f\v]+")
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}


def space_before(sign: str) -> str:
    return NBSP if sign == ":" else NNBSP


def french_text(text: str) -> str:
    """``"Téléphone : 93"`` -> ``"Téléphone\u00a0: 93"``, ``"Pourquoi?"`` -> ``"Pourquoi\u202f?"``; inside
    « guillemets » a narrow no-break space too."""
    text = SIGN.sub(lambda m: m.group(1) + space_before(m.group(2)) + m.group(2), text)
    return GUILLEMETS.sub(lambda m: "«" + NNBSP if m.group(1) else NNBSP + "»", text)


def french_source(line: str) -> str:
    """An article's source line spaced, but for the address it ends with (``?`` and ``:`` are part of it)."""
    text, space, address = line.rpartition(" ")
    return french_text(text) + space + address if address.startswith("http") else french_text(line)


def french_html(html: str) -> str:
    """``french_text`` on the text of an HTML fragment, not on its tags, code or scripts. A sign at the start of a
    text (``<strong>Éditeur</strong> : ...``) belongs to the word before the tag."""
    out, verbatim, last = [], 0, " "
    for part in TAG.split(html):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in VERBATIM and not part.endswith("/>"):
                verbatim += -1 if part.startswith("</") else 1
                verbatim = max(verbatim, 0)
            out.append(part)
            continue
        text = part
        if text and not verbatim:
            if last not in SPACES and not last.isspace():
                text = LEADING_SIGN.sub(lambda m: space_before(m.group(1)) + m.group(1), text)
            text = french_text(text)
        if text:
            last = text[-1]
        out.append(text)
    return "".join(out)


def french_document(content: Any) -> None:
    """An article or page read by Pelican: in French, its title, summary and text with French spacing."""
    if getattr(content, "lang", None) != "fr":
        return
    content.title = french_text(content.title)
    sources = content.metadata.get("sources")  # "Publisher — Title (year) https://...": the address as it is
    if sources:
        spaced = [french_source(line) for line in ([sources] if isinstance(sources, str) else sources)]
        content.metadata["sources"] = spaced[0] if isinstance(sources, str) else spaced
    if content.metadata.get("summary"):  # what Pelican's ``summary`` returns when the document gives one
        content.metadata["summary"] = content._summary = french_html(content.metadata["summary"])
    content._content = french_html(content._content or "")
    sources = content.metadata.get("sources")  # an article's "Publisher — Title : subtitle (year) https://…"
    if isinstance(sources, str):
        content.metadata["sources"] = content.sources = french_text(sources)
    elif isinstance(sources, list):
        content.metadata["sources"] = content.sources = [french_text(str(source)) for source in sources]


def plaintext(html: Any) -> str:
    """``{{ article.summary | plaintext }}``: the text of an HTML fragment, as Jinja's ``striptags`` gives it but
    keeping the non-breaking spaces (``striptags`` turns every kind of space into a plain one)."""
    text = html_text.unescape(TAG.sub("", str(html)))
    return ASCII_SPACES.sub(" ", text).strip()


def install_filter(generator: Any) -> None:
    generator.env.filters["plaintext"] = plaintext


def register() -> None:
    signals.content_object_init.connect(french_document)
    signals.generator_init.connect(install_filter)
