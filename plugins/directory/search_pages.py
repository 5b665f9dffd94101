"""What Pagefind reads of a professional's page: its searchable part alone, written from the record.

``practitioner_page`` gives, for one professional and language, the same elements, text, filters and meta as the
``data-pagefind-body`` of ``theme/templates/practitioner.html`` without its ``data-pagefind-ignore`` sections, so
that Pagefind indexes the same words, headings, filters and meta as from the full page, in about a twentieth of
the bytes. A change to what the page shows for search (a filter, a heading, a field) is made in both places;
tests/site/test_search_index.py compares every page's fragment with the one Pagefind makes of the built page.
plugins.directory.search_index writes these pages and runs Pagefind on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugins.directory.i18n import Catalogs, language_name, localized, person_name
from plugins.directory.records import Directory, Record
from plugins.directory.vocabulary import Vocabulary

ACCESS = {  # as in practitioner.html
    "step-free": "Step-free access",
    "lift": "Lift",
    "parking": "Parking nearby",
    "accessible-parking": "Accessible parking",
    "accessible-toilet": "Accessible toilet",
    "hearing-loop": "Hearing loop",
    "public-transport": "Public transport nearby",
}


@dataclass
class Texts:
    """What a professional's page says in one language: translated constants and names of codes."""

    lang: str
    default_lang: str
    catalogs: Catalogs
    vocabulary: Vocabulary | None = None  # the professionals' keywords (practitioner.html's search_keywords)

    def __call__(self, message: str) -> str:
        return self.catalogs.gettext(self.lang, message)

    def tr(self, text: Mapping[str, str] | str | None) -> str:
        return localized(text, self.lang, self.default_lang)

    def role_attributes(self, p: Record) -> str:
        """The keywords meta of the profession's line, as practitioner.html writes it (nothing without any)."""
        keywords = self.vocabulary.keywords(p["profession"], p["specialties"]) if self.vocabulary else ""
        return f' data-pagefind-meta="keywords[data-keywords]" data-keywords="{_e(keywords)}"' if keywords else ""


def _e(value: Any) -> str:
    """Text escaped as the templates escape it (Jinja's autoescape: markupsafe's five replacements), in a third
    of the time: this runs 20 times per page, 200,000 pages."""
    text = str(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&#34;")
    if "'" in text:
        text = text.replace("'", "&#39;")
    return text


def practitioner_page(p: Record, d: Directory, t: Texts) -> str:
    """The searchable part of a professional's page in one language, as HTML.

    Mirrors the ``data-pagefind-body`` of theme/templates/practitioner.html: same elements, same text, same
    spaces inside each element (Pagefind ends a block with a full stop only when its text ends with a letter or
    digit), same filters and meta. The ignored parts (booking area, hours, visit reasons, fees) are left out.
    tests/site/test_search_index.py compares every page's fragment with the one Pagefind makes of the built page.
    """
    lang = t.lang
    name = person_name(p, lang, t.default_lang)
    role = f'<span data-pagefind-filter="profession">{_e(t.tr(d.professions[p["profession"]]["label"]))}</span>'
    role += "".join(
        f' · <span data-pagefind-filter="specialty">{_e(t.tr(d.specialties[code]["label"]))}</span>'
        for code in p["specialties"]
    )
    sites = p["sites"]
    spoken = "".join(
        f'<li data-pagefind-filter="language">{_e(language_name(code, lang).capitalize())}</li>'
        for code in p["languages"]
    )
    parts = [
        f'<html lang="{lang}"><body><main id="main" data-pagefind-body>',
        f'<article data-pagefind-meta="id:{_e(p["id"])}"><header>',
        f'<h1 data-pagefind-meta="title">{_e(name)}</h1><p{t.role_attributes(p)}>{role}</p>',
        f"<ul>{facts_html(p, t)}</ul></header>",
        f'<section><h2 id="sites-title">{_e(t("Where to find them") if len(sites) > 1 else t("Address"))}</h2>',
        *(site_html(site, d, t) for site in sites),
        "</section>",
        f'<section><h2 id="languages-title">{_e(t("Languages spoken"))}</h2><ul>{spoken}</ul></section>',
    ]
    if p.get("biography"):
        parts.append(f'<section><h2 id="about-title">{_e(t("About"))}</h2><p>{_e(t.tr(p["biography"]))}</p></section>')
    numbers = [p["national_id"]] if p.get("national_id") else []
    numbers += [identifier["value"] for identifier in p.get("identifiers", [])]
    parts += [f"<p>{_e(t('National identifier:'))} {_e(number)}</p>" for number in dict.fromkeys(numbers)]
    parts.append("</article></main></body></html>")
    return "".join(parts)


def facts_html(p: Record, t: Texts) -> str:
    """The facts under the name: new patients, online booking (both filters), teleconsultation."""
    if p["accepting_new_patients"]:
        facts = f'<li><span data-pagefind-filter="new_patients">{_e(t("Accepts new patients"))}</span></li>'
    else:
        facts = f"<li>{_e(t('Not accepting new patients'))}</li>"
    if p["online_booking"]:
        facts += f'<li><span data-pagefind-filter="online_booking">{_e(t("Books online"))}</span></li>'
    else:
        facts += f"<li>{_e(t('Appointments by phone'))}</li>"
    if p.get("teleconsultation"):
        facts += f"<li>{_e(t('Teleconsultation'))}</li>"
    return facts


def site_html(site: Record, d: Directory, t: Texts) -> str:
    """One practice site: name, address with its place (a filter), establishment, phone, access (the directions
    links are not searched)."""
    place = d.places[site["place"]]["name"]
    parts = [
        f"<div><h3>{_e(site.get('name') or t('Practice'))}</h3>",
        f"<p>{_e(site['address'])}<br>{_e(site['postal_code'])} {_e(site['city'])} – "
        f'<span data-pagefind-filter="place">{_e(place)}</span></p>',
    ]
    establishment = d.establishment_by_id.get(site.get("establishment", ""))
    if establishment:
        department = ""
        if "department" in site:
            found = [x for x in establishment.get("departments", []) if x["id"] == site["department"]]
            if found:
                department = f", {_e(t.tr(found[0]['name']))}"
        parts.append(f"<p>{_e(t('At'))} <a>{_e(establishment['name'])}</a>{department}</p>")
    if site.get("phone"):
        parts.append(f"<p>{_e(t('Phone:'))} <a>{_e(site['phone'])}</a></p>")
    if site.get("accessibility"):
        items = "".join(f"<li>{_e(t(ACCESS[a]))}</li>" for a in site["accessibility"])
        parts.append(f"<h4>{_e(t('Access'))}</h4><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)
