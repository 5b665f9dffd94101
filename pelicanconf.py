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
SITEURL = ""
# Absolute origin for sitemap.xml and robots.txt while SITEURL is empty (development); publishconf sets SITEURL.
SITE_ORIGIN = "http://127.0.0.1:8000"
PATH = "content"
STATIC_PATHS: list[str] = []
THEME = str(ROOT / "theme")
TIMEZONE = "Europe/Monaco"

# Languages: the first is the default (/ leads to it). A new language needs its code here and a message catalog
# in theme/translations/<code>/LC_MESSAGES/messages.po; data texts fall back to the default language.
LANGUAGES = ["fr", "en", "it", "es", "ru"]
DEFAULT_LANG = LANGUAGES[0]
# Each language's locale in link previews (Open Graph's og:locale, language_TERRITORY).
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
DIRECTORY_PROCESSES = 0  # 0: one rendering process per core for large builds
# Shortcuts in Jinja's runtime (plugins/directory/templating.py): the same pages, faster. They switch themselves
# off on Jinja2 or MarkupSafe versions other than the pinned ones; False runs Jinja's own runtime anyway.
DIRECTORY_TEMPLATE_SHORTCUTS = True
FHIR_FILE_SIZE = 20_000  # professionals per file of the FHIR directory (/fhir/): more, and each type is split

# Development builds are incremental: unchanged directory pages are not rendered again and pages of removed files
# are deleted (the plugin keeps a manifest in CACHE_PATH). publishconf.py builds from scratch.
DELETE_OUTPUT_DIRECTORY = False
CACHE_PATH = str(ROOT / "cache")
