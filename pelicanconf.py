"""Pelican settings for development builds (publishconf.py adds what publishing needs).

Everything territory-specific is here or in content/. Directory pages, home and index pages come from the
directory plugin (plugins/directory/); articles and pages from Pelican, under /<lang>/ like everything else.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AUTHOR = "MonacoSanté"
SITENAME = "MonacoSanté"
SITE_TAGLINE = {
    "fr": "Le portail de santé de la Principauté de Monaco",
    "en": "The health portal of the Principality of Monaco",
    "it": "Il portale della salute del Principato di Monaco",
    "es": "El portal de salud del Principado de Mónaco",
    "ru": "Портал здоровья Княжества Монако",
}
TERRITORY_COUNTRY = "MC"  # ISO 3166 code, for addresses in schema.org data
TERRITORY = {
    "fr": "Principauté de Monaco",
    "en": "Principality of Monaco",
    "it": "Principato di Monaco",
    "es": "Principado de Mónaco",
    "ru": "Княжество Монако",
}
# The specialties the home page offers first, one tap away (under the search box and first of the tiles), named as
# patients name whom they look for; codes of taxonomy.json.
HOME_SPECIALTIES = {
    "general-practice": {
        "fr": "Médecin généraliste",
        "en": "General practitioner (GP)",
        "it": "Medico di famiglia",
        "es": "Médico de familia",
        "ru": "Терапевт (врач общей практики)",
    }
}
SITEURL = ""
# Absolute origin for sitemap.xml and robots.txt while SITEURL is empty (development); publishconf sets SITEURL.
SITE_ORIGIN = "http://127.0.0.1:8000"
PATH = "content"
STATIC_PATHS: list[str] = []
THEME = str(ROOT / "theme")
TIMEZONE = "Europe/Monaco"
# How many days after an appointment the booking service deletes it with the patient's details: what the booking
# widget says. It must be the API's RETENTION_DAYS (functions/.chalice/config.json), which the privacy notice
# states too; tests/site/test_retention_words.py checks all three.
BOOKING_RETENTION_DAYS = 90

# Languages: the first is the default (/ leads to it). A new language needs its code here and a message catalog
# in theme/translations/<code>/LC_MESSAGES/messages.po; data texts fall back to the default language.
LANGUAGES = ["fr", "en", "it", "es", "ru"]
DEFAULT_LANG = LANGUAGES[0]
# Each language's locale (language_TERRITORY): how dates are written (en_GB: "7 December 2026"), the booking scripts'
# clock and Open Graph's og:locale in link previews.
OPEN_GRAPH_LOCALES = {"fr": "fr_FR", "en": "en_GB", "it": "it_IT", "es": "es_ES", "ru": "ru_RU"}

# Articles and pages are read from their language's folder (articles/<code>/, pages/<code>/) for the site's
# languages only: a translation can be written before its language is built (content/articles/it/ while LANGUAGES
# has no "it"), and is published when the code is added above. A language given with `pelican -e LANGUAGES=...`
# needs these two settings too.
ARTICLE_PATHS = [f"articles/{code}" for code in LANGUAGES]
PAGE_PATHS = [f"pages/{code}" for code in LANGUAGES]

# Articles and pages live under their language; a translation has the same Slug and another Lang. Pelican reads
# them; the directory plugin writes them (at their URL + index.html) with the templates of their language.
ARTICLE_URL = ARTICLE_LANG_URL = "{lang}/articles/{slug}/"
PAGE_URL = PAGE_LANG_URL = "{lang}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = ""
# Health-article categories: the code goes in an article's "Category:"; labels per language.
ARTICLE_CATEGORIES = {
    "prevention": {
        "fr": "Prévention et dépistage",
        "en": "Prevention and screening",
        "it": "Prevenzione e screening",
        "es": "Prevención y cribado",
        "ru": "Профилактика и скрининг",
    },
    "conditions": {
        "fr": "Maladies et symptômes",
        "en": "Conditions and symptoms",
        "it": "Malattie e sintomi",
        "es": "Enfermedades y síntomas",
        "ru": "Болезни и симптомы",
    },
    "care": {
        "fr": "Se soigner à Monaco",
        "en": "Getting care in Monaco",
        "it": "Curarsi a Monaco",
        "es": "Atención médica en Mónaco",
        "ru": "Медицинская помощь в Монако",
    },
    "family": {
        "fr": "Enfants et famille",
        "en": "Children and family",
        "it": "Bambini e famiglia",
        "es": "Niños y familia",
        "ru": "Дети и семья",
    },
}

# Pelican's own index, archive, tag, category and author pages are replaced by the plugin's pages per language.
DIRECT_TEMPLATES: list[str] = []
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = TAGS_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
SLUGIFY_SOURCE = "basename"

# Data files are text, never HTML: every value is escaped (articles' and pages' own HTML is marked safe).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "extensions": []}

PLUGIN_PATHS: list[str] = []
PLUGINS = ["plugins.directory", "plugins.assets", "plugins.typography"]
# The theme's files are minified and named by their content hash by plugins/assets/, not copied by Pelican.
THEME_STATIC_PATHS: list[str] = []
DIRECTORY_PATH = "directory"  # under PATH: practitioners/, establishments/, schema/, taxonomy.json, places.json
DIRECTORY_PAGE_SIZE = 100  # professionals per list page (specialty, profession, place)
# Lists of up to this many professionals can be sorted and filtered in the page (their other pages are fetched on
# first use); longer ones link to the search page's filters instead.
DIRECTORY_LIST_TOOLS_MAX = 1000
SEARCH_VOCABULARY_PATH = "search"  # under PATH: vocabulary.<lang>.json, the patients' words for search
DIRECTORY_PROCESSES = 0  # 0: one rendering process per core for large builds
# Shortcuts in Jinja's runtime (plugins/directory/templating.py): the same pages, faster. They switch themselves
# off on Jinja2 or MarkupSafe versions other than the pinned ones; False runs Jinja's own runtime anyway.
DIRECTORY_TEMPLATE_SHORTCUTS = True
# The licence of the open data (/open-data/), shown on the open-data and data dictionary pages and written in
# open-data/datapackage.json and changes.json: {name: SPDX identifier, title per language, path: the licence text}.
# Default: Etalab's Licence Ouverte 2.0, which France's public bodies publish their data under, the national health
# directory (Annuaire Santé, RPPS) included, so a reuser who joins the two keeps one set of terms: reuse for any
# purpose, commercial ones included, naming the source and the date of the data. It is compatible with CC BY 4.0
# and ODC-BY. ODbL's share-alike would oblige every app or database built on the directory to publish itself
# under ODbL, which keeps health services out of reuses the territory wants; a territory may choose it here.
OPEN_DATA_LICENCE = {
    "name": "etalab-2.0",
    "title": {
        "fr": "Licence Ouverte / Open Licence version 2.0",
        "en": "Open Licence version 2.0 (Etalab)",
        "it": "Licence Ouverte / Open Licence versione 2.0 (Etalab)",
        "es": "Licence Ouverte / Open Licence versión 2.0 (Etalab)",
        "ru": "Licence Ouverte / Open Licence версии 2.0 (Etalab)",
    },
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
# The open data published last, for the change log of a build from scratch (open-data/changes.json compares with
# the previous build into the same output folder, and knows none in a fresh clone): a folder holding its
# practitioners.json, establishments.json and changes.json, downloaded from the live site first. None: no folder.
OPEN_DATA_PREVIOUS = None
# The open data's CSV files (open-data/*.csv) are UTF-8 with a byte order mark, for spreadsheets; their delimiter is
# this one: the list separator of spreadsheets in regions whose decimal mark is a comma (French, Italian, German...),
# which Excel splits a double-clicked file on. A territory whose spreadsheets are set to English would choose ",".
OPEN_DATA_CSV_DELIMITER = ";"
FHIR_FILE_SIZE = 20_000  # professionals per file of the FHIR directory (/fhir/): more, and each type is split

# Development builds are incremental: unchanged directory pages are not rendered again and pages of removed files
# are deleted (the plugin keeps a manifest in CACHE_PATH). publishconf.py builds from scratch.
DELETE_OUTPUT_DIRECTORY = False
CACHE_PATH = str(ROOT / "cache")
